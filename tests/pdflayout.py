"""Read a PDF's word boxes with poppler's `pdftotext -bbox` and find layout faults:
words printed over each other, and words cut across two lines.

Used by the layout tests (tests/test_render_layout.py); `make system-deps` installs
poppler-utils, and the tests are skipped where `pdftotext` is missing.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bogbus.render.danish import MONTHS_DA, MONTHS_DA_SHORT

HAVE_PDFTOTEXT = shutil.which("pdftotext") is not None
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def words(pdf: Path) -> list[Word]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    found: list[Word] = []
    for n, page in enumerate(out.split("<page ")[1:]):
        for m in WORD.finditer(page):
            x0, y0, x1, y1 = (float(m.group(i)) for i in range(1, 5))
            found.append(Word(n, x0, y0, x1, y1, html.unescape(m.group(5))))
    return found


def overlaps(ws: list[Word], tol: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of words on one page whose boxes overlap by more than `tol` points both
    ways (text printed on top of other text)."""
    bad = []
    by_page: dict[int, list[Word]] = {}
    for w in ws:
        by_page.setdefault(w.page, []).append(w)
    for page in by_page.values():
        page.sort(key=lambda w: w.x0)
        for i, a in enumerate(page):
            for b in page[i + 1:]:
                if b.x0 >= a.x1 - tol:
                    break
                if min(a.x1, b.x1) - max(a.x0, b.x0) > tol and \
                        min(a.y1, b.y1) - max(a.y0, b.y0) > tol:
                    bad.append((a.text, b.text))
    return bad


def lines(ws: list[Word]) -> list[str]:
    """The text of each printed line: words of one page at one height, left to right."""
    rows: dict[tuple[int, float], list[Word]] = {}
    for w in ws:
        rows.setdefault((w.page, round(w.y0, 0)), []).append(w)
    return [" ".join(w.text for w in sorted(r, key=lambda w: w.x0)).replace("\u00a0", " ")
            for _, r in sorted(rows.items())]


_MONTH_WORDS = {m for m in MONTHS_DA} | {m.rstrip(".") for m in MONTHS_DA_SHORT}


def split_words(ws: list[Word]) -> list[str]:
    """Words that are a cut-off piece of a month name ("novemb", "septe", "mar" without
    its full stop where "mar." was meant is fine): a word cut across two lines leaves
    such a piece at the end of the first line."""
    bad = []
    for w in ws:
        for part in w.text.replace("\u00a0", " ").split():
            core = part.strip(",.:;()–-").lower()
            if len(core) >= 3 and core not in _MONTH_WORDS and any(
                    m.startswith(core) for m in MONTHS_DA):
                bad.append(part)
    return bad
