"""Outputs rendered from a plan (`plan.json` loaded as a dict) alone.

- `write_timetables(plan, out_dir, formats, stop)` — posters per public stop, the
  køreplan, `timetable.csv` and `bogbus.ics` (see that function for file names);
- `write_map(plan, path)` — the offline Folium map.

Every file is written atomically (temporary file in the same folder + `os.replace`).
Raises `bogbus.errors.BogbusError` for a plan of another schema, an unknown format or
an unknown `--stop` id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import BogbusError
from . import atomic
from .csvout import read_timetable_csv, timetable_csv
from .htmlpages import koereplan_html, posters_html
from .icsout import timetable_ics, visit_uid
from .letters import calendar_filename, letter_filename, letter_html, letter_pdf, letter_sites
from .packing import collections_of, packing_csv
from .mapview import write_map
from .pdf import koereplan_pdf, poster_pdf
from .planview import safe_filename_part, view

FORMATS = ("pdf", "html", "csv", "ics")
LETTER_DIR = "institutioner"  # letters and calendars for daycares and nursing homes


def institution_ics(v, site_id: str) -> bytes:
    """One institution's own calendar: the bogbus.ics writer limited to its visits."""
    return timetable_ics(v, site_ids={site_id}, calname=f"Bogbussen hos {v.name(site_id)}")


def poster_filename(site_id: str) -> str:
    """`poster-<site_id>.pdf`; ids with characters unsafe in file names are sanitised."""
    return f"poster-{safe_filename_part(site_id)}.pdf"


def write_timetables(
    plan: dict,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    stop: str | None = None,
) -> list[Path]:
    """Write the timetables of `plan` into `out_dir`; return the paths written, in order.

    formats (any of):
    - `pdf`:  `poster-<site_id>.pdf` per public stop (A4, Danish), `koereplan.pdf` (public:
      stops only), `koereplan-personale.pdf` (staff: + outreach visits and a packing page
      per route) and `institutioner/brev-<site_id>.pdf` per daycare / nursing home;
    - `html`: `posters.html` (all posters, one printed page each), `koereplan.html`,
      `koereplan-personale.html` and `institutioner/brev-<site_id>.html`;
    - `csv`:  `timetable.csv` (columns: `bogbus.render.csvout`, docs/timetable-csv.md) and,
      with collections, `pakkeliste.csv` (`bogbus.render.packing`);
    - `ics`:  `bogbus.ics` (one event per visit, Europe/Copenhagen, stable UIDs) and
      `institutioner/kalender-<site_id>.ics`, each institution's own visits.

    `stop` (any site id: `--site`, alias `--stop`) limits the posters and letters to that
    one site: a public stop gets its poster, an institution its letter and calendar.
    """
    fmts = [f.strip().lower() for f in ([formats] if isinstance(formats, str) else formats)]
    unknown = sorted(set(fmts) - set(FORMATS))
    if unknown:
        raise BogbusError(
            f"unknown timetable format {', '.join(unknown)} — "
            f"use one or more of {', '.join(FORMATS)}"
        )
    v = view(plan)
    posters = v.poster_sites()
    letters = letter_sites(v)
    if stop is not None:
        stop = str(stop)
        institutions = [sid for sid, s in v.sites.items()
                        if s.get("kind") in ("daycare", "nursing_home", "branch")]
        if stop in posters:
            posters, letters = [stop], []
        elif stop in institutions:
            posters, letters = [], [stop]
        else:
            known = ", ".join(posters + institutions) or "none"
            raise BogbusError(
                f"--site {stop}: no public stop or institution with that id in the plan "
                f"(ids: {known})"
            )

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    inst_dir = out_dir / LETTER_DIR
    written: list[Path] = []
    if "pdf" in fmts:
        for sid in posters:
            written.append(atomic.write_bytes(out_dir / poster_filename(sid), poster_pdf(v, sid)))
        written.append(atomic.write_bytes(out_dir / "koereplan.pdf", koereplan_pdf(v)))
        written.append(atomic.write_bytes(out_dir / "koereplan-personale.pdf",
                                          koereplan_pdf(v, staff=True)))
        for sid in letters:
            written.append(atomic.write_bytes(inst_dir / letter_filename(sid, "pdf"),
                                              letter_pdf(v, sid)))
    if "html" in fmts:
        written.append(atomic.write_text(out_dir / "posters.html", posters_html(v, posters)))
        written.append(atomic.write_text(out_dir / "koereplan.html", koereplan_html(v)))
        written.append(atomic.write_text(out_dir / "koereplan-personale.html",
                                         koereplan_html(v, staff=True)))
        for sid in letters:
            written.append(atomic.write_text(inst_dir / letter_filename(sid, "html"),
                                             letter_html(v, sid)))
    if "csv" in fmts:
        written.append(atomic.write_text(out_dir / "timetable.csv", timetable_csv(v)))
        if collections_of(v):
            written.append(atomic.write_text(out_dir / "pakkeliste.csv", packing_csv(v)))
    if "ics" in fmts:
        written.append(atomic.write_bytes(out_dir / "bogbus.ics", timetable_ics(v)))
        for sid in letters:
            written.append(atomic.write_bytes(inst_dir / calendar_filename(sid),
                                              institution_ics(v, sid)))
    return written


__all__ = [
    "FORMATS",
    "poster_filename",
    "read_timetable_csv",
    "visit_uid",
    "write_map",
    "write_timetables",
]
