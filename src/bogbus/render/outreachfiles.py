"""What staff and institutions get from a plan, beside the public timetables.

`write_outreach(plan, out_dir, formats, site)` writes (formats as in write_timetables):
- `pdf`:  `koereplan-personale.pdf` — the køreplan with the dated outreach visits and a
  packing page per route — and `institutioner/brev-<site_id>.pdf`, one A4 letter per
  daycare and nursing home (render/letters.py);
- `html`: `koereplan-personale.html` and `institutioner/brev-<site_id>.html`;
- `csv`:  `timetable-personale.csv` — timetable.csv's columns with every dated visit,
  institutions included — and `pakkeliste.csv` when the plan rotates collections
  (render/packing.py);
- `ics`:  `bogbus-personale.ics` (every visit, for the staff's calendars) and
  `institutioner/kalender-<site_id>.ics`, each institution's own visits (the
  bogbus.ics writer limited to one site), so it can subscribe to its own calendar.

The public `timetable.csv` and `bogbus.ics` (write_timetables) hold public stops only.

`site` (an institution id) writes only that institution's letter and calendar;
`letters_dir` replaces `out_dir/institutioner` (the CLI stages it as its own folder).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import BogbusError
from ..io import atomic
from ..plan.document import Plan
from .csvout import timetable_csv
from .htmlpages import koereplan_html
from .icsout import timetable_ics
from .letters import calendar_filename, letter_filename, letter_html, letter_pdf, letter_sites
from .packing import collections_of, packing_csv
from .packingpages import packing_pages_html, packing_pages_pdf
from .pdf import koereplan_pdf
from .planview import PlanView, view

LETTER_DIR = "institutioner"
STAFF_CSV = "timetable-personale.csv"  # every visit; timetable.csv is public stops only
STAFF_ICS = "bogbus-personale.ics"  # every visit; bogbus.ics is public stops only
INSTITUTION_KINDS = ("daycare", "nursing_home", "branch")


def institution_ids(plan: Plan) -> list[str]:
    """Every site `--site` may name beside the public stops."""
    return [str(s.get("id")) for s in plan.get("sites", [])
            if isinstance(s, dict) and s.get("kind") in INSTITUTION_KINDS]


def institution_ics(v: PlanView, site_id: str) -> bytes:
    return timetable_ics(v, site_ids={site_id}, calname=f"Bogbussen hos {v.name(site_id)}")


def write_outreach(plan: Plan, out_dir: Path, formats: Iterable[str] = ("pdf", "html", "csv",
                                                                         "ics"),
                   site: str | None = None, letters_dir: Path | None = None,
                   csv_dialect: str | None = None) -> list[Path]:
    fmts = [f.strip().lower() for f in ([formats] if isinstance(formats, str) else formats)]
    v = view(plan)
    letters = letter_sites(v)
    if site is not None:
        if site not in institution_ids(plan):
            raise BogbusError(f"--site {site}: no daycare, nursing home or branch with that id "
                              f"in the plan (ids: {', '.join(institution_ids(plan)) or 'none'})")
        letters = [site]
    out_dir = Path(out_dir)
    inst_dir = Path(letters_dir) if letters_dir is not None else out_dir / LETTER_DIR
    written: list[Path] = []
    if "pdf" in fmts:
        if site is None:
            written.append(atomic.write_bytes(out_dir / "koereplan-personale.pdf",
                                              koereplan_pdf(v, staff=True, extra_pages=lambda pdf:
                                                            packing_pages_pdf(pdf, v))))
        for sid in letters:
            written.append(atomic.write_bytes(inst_dir / letter_filename(sid, "pdf"),
                                              letter_pdf(v, sid)))
    if "html" in fmts:
        if site is None:
            written.append(atomic.write_text(out_dir / "koereplan-personale.html",
                                             koereplan_html(v, staff=True,
                                                            extra_html=packing_pages_html(v))))
        for sid in letters:
            written.append(atomic.write_text(inst_dir / letter_filename(sid, "html"),
                                             letter_html(v, sid)))
    if "csv" in fmts and site is None:
        written.append(atomic.write_text(out_dir / STAFF_CSV,
                                         timetable_csv(v, csv_dialect, staff=True)))
    if "csv" in fmts and site is None and collections_of(v):
        written.append(atomic.write_text(out_dir / "pakkeliste.csv", packing_csv(v, csv_dialect)))
    if "ics" in fmts:
        if site is None:
            written.append(atomic.write_bytes(out_dir / STAFF_ICS, timetable_ics(v, staff=True)))
        for sid in letters:
            written.append(atomic.write_bytes(inst_dir / calendar_filename(sid),
                                              institution_ics(v, sid)))
    return written
