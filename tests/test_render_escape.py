"""Hostile site names: shown as text everywhere, never run, never break the files."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pypdf import PdfReader

from bogbus.render import write_map, write_outreach, write_timetables

PLAN = Path(__file__).parent / "data" / "plan_small.json"
HOSTILE = {
    "S01": "<script>alert(1)</script> \"Ørsted\" & 'Søndergade'",
    "S02": "Havndal `${alert(2)}` \\ </script><script>alert(3)</script>",
    "D01": "<img src=x onerror=alert(4)> Æblehaven",
    "N01": "{{ 7*7 }} {% raw %} Plejecentret Søndergården",
}


def hostile_plan() -> dict:
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    for s in plan["sites"]:
        if s["id"] in HOSTILE:
            s["name"] = HOSTILE[s["id"]]
            s["address"] = "<b>adresse</b>"
    plan["library"]["name"] = "<i>Bibliotek</i>"
    plan["library"]["contact"] = "Ring <script>x()</script>"
    s01 = next(e for e in plan["stop_timetable"] if e["site_id"] == "S01")
    s01["skipped"][0]["reason"] = "<script>alert(5)</script>"
    return plan


def decode_js(text: str) -> str:
    """What JavaScript makes of the JSON strings in a page (where `\\u003c` is `<`)."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace('\\"', '"')


def assert_no_markup_injected(html: str) -> None:
    """No hostile text arrives as a tag, neither in the HTML nor once JS decodes its strings."""
    for page in (html, decode_js(html)):
        for name in [n for n in HOSTILE.values() if "<" in n] + [
            "<b>adresse</b>",
            "<i>Bibliotek</i>",
        ]:
            assert name not in page
        for bad in ("<script>alert", "<script>x()", "<img", "</script><script>"):
            assert bad not in page, bad


def test_map_escapes_names(tmp_path):
    html = write_map(hostile_plan(), tmp_path / "map.html").read_text(encoding="utf-8")
    assert_no_markup_injected(html)
    decoded = decode_js(html)
    # names reach Leaflet as escaped HTML text inside JSON strings
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Ørsted&quot;" in decoded
    assert "&lt;img src=x onerror=alert(4)&gt; Æblehaven" in decoded
    assert "&#96;&#36;&#123;alert(2)&#125;&#96; &#92;" in decoded  # JS template syntax neutralised
    assert "${alert" not in html and "`" not in html.split("</head>", 1)[1]
    # folium runs element scripts through Jinja twice: the name must not be a template
    assert "&#123;&#123; 7*7 &#125;&#125; &#123;% raw %&#125; Plejecentret" in decoded


def test_html_pages_escape_names(tmp_path):
    paths = write_timetables(hostile_plan(), tmp_path, formats=["html"])
    for p in paths:
        html = p.read_text(encoding="utf-8")
        assert_no_markup_injected(html)
        assert "<script" not in html  # the pages carry no script at all
    posters = (tmp_path / "posters.html").read_text(encoding="utf-8")
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Ørsted&quot; &amp; &#x27;Søndergade&#x27;"
        in posters
    )


def test_pdf_shows_hostile_names_as_literal_text(tmp_path):
    plan = hostile_plan()
    write_timetables(plan, tmp_path, formats=["pdf"])
    write_outreach(plan, tmp_path, formats=["pdf"])

    def squeeze(t: str) -> str:  # long words may wrap anywhere on the poster
        return re.sub(r"\s+", "", t)

    text = squeeze(PdfReader(str(tmp_path / "poster-S01.pdf")).pages[0].extract_text())
    assert squeeze(HOSTILE["S01"]) in text
    assert "<script>alert(5)</script>" in text
    assert squeeze("<i>Bibliotek</i> Ring <script>x()</script>") in text
    k = squeeze(
        " ".join(p.extract_text()
                 for p in PdfReader(str(tmp_path / "koereplan-personale.pdf")).pages)
    )
    assert squeeze(HOSTILE["D01"]) in k and squeeze(HOSTILE["N01"]) in k
    letter = squeeze(PdfReader(str(tmp_path / "institutioner" / "brev-D01.pdf")).pages[0]
                     .extract_text())
    assert squeeze(HOSTILE["D01"]) in letter


def test_hostile_ids_make_safe_file_names(tmp_path):
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    bad = "../../etc/S 01"
    for s in plan["sites"]:
        if s["id"] == "S01":
            s["id"] = bad
    for e in plan["stop_timetable"]:
        if e["site_id"] == "S01":
            e["site_id"] = bad
    for r in plan["routes"]:
        for leg in r["legs"]:
            leg["from"] = bad if leg["from"] == "S01" else leg["from"]
            leg["to"] = bad if leg["to"] == "S01" else leg["to"]
        for v in r["visits"]:
            v["site_id"] = bad if v["site_id"] == "S01" else v["site_id"]
    out = tmp_path / "out"
    paths = write_timetables(plan, out, formats=["pdf"], stop=bad)
    assert all(p.parent == out for p in paths)
    assert paths[0].name.startswith("poster-etc_S_01-")
