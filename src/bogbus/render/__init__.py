"""Outputs rendered from a plan (`plan.json` loaded as a dict) alone.

- `write_timetables(plan, out_dir, formats, stop)` — what the public sees: posters per
  public stop, the køreplan, `timetable.csv` and `bogbus.ics` — public stops only;
- `write_outreach(plan, out_dir, formats, site)` — what staff and institutions get: the
  staff køreplan with packing pages, `timetable-personale.csv`, `bogbus-personale.ics`
  (every visit), `pakkeliste.csv`, a letter and a calendar per
  daycare / nursing home (render/outreachfiles.py);
- `write_map(plan, path)` — the offline Folium map.

Every file is written atomically (temporary file in the same folder + `os.replace`).
Raises `bogbus.errors.BogbusError` for a plan of another schema, an unknown format or
an unknown `--stop` id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import BogbusError
from ..io import atomic
from ..io.csvwrite import get_dialect
from ..plan.document import Plan
from .csvout import read_timetable_csv, timetable_csv
from .htmlpages import koereplan_html, posters_html
from .icsout import timetable_ics, visit_uid
from .mapview import write_map
from .outreachfiles import LETTER_DIR, institution_ids, write_outreach
from .pdf import koereplan_pdf, poster_pdf
from .planview import safe_filename_part, view

FORMATS = ("pdf", "html", "csv", "ics")


def poster_filename(site_id: str) -> str:
    """`poster-<site_id>.pdf`; ids with characters unsafe in file names are sanitised."""
    return f"poster-{safe_filename_part(site_id)}.pdf"


def write_timetables(
    plan: Plan,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    stop: str | None = None,
    csv_dialect: str | None = None,
) -> list[Path]:
    """Write the timetables of `plan` into `out_dir`; return the paths written, in order.

    formats (any of):
    - `pdf`:  `poster-<site_id>.pdf` per public stop (A4, Danish) and `koereplan.pdf`
      (public: stops only — the staff's version comes from `write_outreach`);
    - `html`: `posters.html` (all posters, one printed page each) and `koereplan.html`;
    - `csv`:  `timetable.csv` (columns: `bogbus.render.csvout`, docs/timetable-csv.md),
      in `csv_dialect` (`excel` by default: `;`, BOM, decimal comma; or `plain`);
    - `ics`:  `bogbus.ics` (one event per stop visit, Europe/Copenhagen, stable UIDs).

    Every file here is public: stops only, no institution (their visits are in the
    staff files of `write_outreach`).

    `stop` limits the posters (PDF and HTML) to that one site id.
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
    if stop is not None:
        stop = str(stop)
        if stop not in posters:
            known = ", ".join(posters) or "none"
            raise BogbusError(
                f"--stop {stop}: no public stop with that id in the plan (stops: {known})"
            )
        posters = [stop]

    get_dialect(csv_dialect)  # an unknown dialect is an error before anything is written
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "pdf" in fmts:
        for sid in posters:
            written.append(atomic.write_bytes(out_dir / poster_filename(sid), poster_pdf(v, sid)))
        written.append(atomic.write_bytes(out_dir / "koereplan.pdf", koereplan_pdf(v)))
    if "html" in fmts:
        written.append(atomic.write_text(out_dir / "posters.html", posters_html(v, posters)))
        written.append(atomic.write_text(out_dir / "koereplan.html", koereplan_html(v)))
    if "csv" in fmts:
        written.append(atomic.write_text(out_dir / "timetable.csv", timetable_csv(v, csv_dialect)))
    if "ics" in fmts:
        written.append(atomic.write_bytes(out_dir / "bogbus.ics", timetable_ics(v)))
    return written


__all__ = [
    "FORMATS",
    "LETTER_DIR",
    "institution_ids",
    "poster_filename",
    "read_timetable_csv",
    "visit_uid",
    "write_map",
    "write_outreach",
    "write_timetables",
]
