"""The planners' map: a single self-contained Folium/Leaflet HTML file.

Layers
- one route layer per weekday, split by week pattern where the weekday's routes
  differ (e.g. "Tirsdag – lige uger" / "Tirsdag – ulige uger"); each layer draws the
  first route of its group (its representative day) in the weekday's colour, leg by
  leg, straight between sites unless a leg carries a `shape` of [lat, lon] points;
- one marker layer per kind (holdepladser, daginstitutioner, plejehjem, filialer,
  depot): one marker per visited site plus the depot; a public stop that got no
  timetable at all is shown as a dashed "ikke planlagt" marker.

Offline: Leaflet 1.9.4 (JS, CSS with its images as data: URIs) and bogbus's own CSS
are inlined; folium's default CDN assets (jQuery, Bootstrap, Font Awesome, awesome
markers) are not used. Only the OpenStreetMap background tiles need the network.

Untrusted text (site names, addresses, reasons, ids) is HTML-escaped and handed to
Leaflet as JSON strings, so nothing in a name can run as script.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from ..io import atomic
from ..plan.document import Plan
from .danish import (
    EN_DASH,
    capitalise,
    date_short,
    day_time,
    iso_week,
    kind_name,
    pattern_words,
    quarter_text,
    time_range,
    weekday_name,
)
from .planview import PlanView, StopEntry, clean_text, route_weekday, view
from .style import DEFAULT_COLOUR, KIND_COLOURS, MARKER_KINDS, WEEKDAY_COLOURS
from .waterview import leg_via_text, plan_water

WATER_COLOUR = "#2f7fc1"

ASSETS = Path(__file__).parent / "assets"
TILE_URL_PREFIX = "https://tile.openstreetmap.org/"
DEFAULT_CENTRE = (56.4607, 10.0364)  # Randers


_EXTRA_ENTITIES = str.maketrans(
    {
        "`": "&#96;",
        "$": "&#36;",
        "\\": "&#92;",  # JS template literals (folium's own templates)
        "{": "&#123;",
        "}": "&#125;",  # folium renders each element's script twice through Jinja
    }
)


def esc(text: object) -> str:
    """HTML-escape untrusted text for Leaflet (which sets it as innerHTML).

    Beyond `& < > " '` it also encodes backtick, `$`, backslash and braces: folium feeds
    every element's script output through Jinja a second time, so a name containing
    `{{ … }}` would otherwise be evaluated as a template.
    """
    return html.escape(clean_text(text), quote=True).translate(_EXTRA_ENTITIES)


# --------------------------------------------------------------------- inlined assets
class _Raw(Element):
    """An element that renders its text verbatim (never through Jinja)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


def _leaflet_css() -> str:
    css = (ASSETS / "leaflet" / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match) -> str:
        data = (ASSETS / "leaflet" / m.group(1)).read_bytes()
        return "url(data:image/png;base64," + base64.b64encode(data).decode("ascii") + ")"

    return re.sub(r"url\((images/[A-Za-z0-9_.-]+\.png)\)", data_uri, css)


def _inline_head(title: str) -> str:
    js = (ASSETS / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    css = _leaflet_css() + "\n" + (ASSETS / "map.css").read_text(encoding="utf-8")
    js = js.replace("</script", "<\\/script")
    css = css.replace("</style", "<\\/style")
    return (
        f"<title>{esc(title)}</title>\n"
        f"<style>/* Leaflet 1.9.4 (BSD-2-Clause) + bogbus */\n{css}</style>\n"
        f"<script>/* Leaflet 1.9.4, (c) Volodymyr Agafonkin, BSD-2-Clause */\n{js}</script>\n"
    )


class _Bind(MacroElement):
    """Bind a popup and a tooltip given as (already escaped) HTML, JSON-encoded."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        '{{ this._parent.get_name() }}.bindPopup({{ this.popup|tojson }}, {"maxWidth": 360});\n'
        "{{ this._parent.get_name() }}.bindTooltip({{ this.tooltip|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, popup: str, tooltip: str) -> None:
        super().__init__()
        self._name = "BogbusBind"
        self.popup = popup
        self.tooltip = tooltip


class _TooltipOnly(MacroElement):
    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        '{{ this._parent.get_name() }}.bindTooltip({{ this.tooltip|tojson }}, {"sticky": true});\n'
        "{% endmacro %}"
    )

    def __init__(self, tooltip: str) -> None:
        super().__init__()
        self._name = "BogbusTooltip"
        self.tooltip = tooltip


class _Label(MacroElement):
    """A small permanent label (a bridge's or ferry's name) beside a map element."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "{{ this._parent.get_name() }}.bindTooltip({{ this.text|tojson }}, "
        "{{ this.options|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, text: str, used: bool, direction: str = "right") -> None:
        super().__init__()
        self._name = "BogbusLabel"
        self.text = text
        offset = {"right": [6, 0], "top": [0, -6], "bottom": [0, 6]}.get(direction, [0, 0])
        self.options = {"permanent": True, "direction": direction, "offset": offset,
                        "className": "bb-water-label" + ("" if used else " bb-unused")}


class _OnlineTiles(MacroElement):
    """OpenStreetMap background tiles, added only while the browser is online.

    Offline (navigator.onLine false) the map draws routes and markers on a plain
    background, shows a note in the legend and adds the tiles when the browser comes
    online — so an offline map makes no failing requests at all.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "(function () {\n"
        "  var map = {{ this._parent.get_name() }};\n"
        "  var tiles = L.tileLayer({{ this.url|tojson }}, {{ this.options|tojson }});\n"
        "  function note(show) {\n"
        "    var el = document.getElementById('bb-offline');\n"
        "    if (el) { el.style.display = show ? 'block' : 'none'; }\n"
        "  }\n"
        "  function online() { if (!map.hasLayer(tiles)) { tiles.addTo(map); } note(false); }\n"
        "  if (navigator.onLine === false) {\n"
        "    window.addEventListener('load', function () { note(true); });\n"
        "    window.addEventListener('online', online);\n"
        "  } else { online(); }\n"
        "})();\n"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "BogbusTiles"
        self.url = TILE_URL_PREFIX + "{z}/{x}/{y}.png"
        self.options = {
            "maxZoom": 19,
            "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">'
            "OpenStreetMap</a>-bidragydere",
        }


class _FitBounds(MacroElement):
    """Fit the map to routes and markers, keeping them clear of the legend (bottom left)
    and the layer control (top right) when the window is large enough."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "(function () {\n"
        "  var map = {{ this._parent.get_name() }};\n"
        "  var bounds = L.latLngBounds({{ this.bounds|tojson }});\n"
        "  var size = map.getSize();\n"
        "  var legend = document.getElementById('bb-legend');\n"
        "  var layers = document.querySelector('.leaflet-control-layers');\n"
        "  var bottom = legend ? legend.offsetHeight + 60 : 30;\n"
        "  var right = layers ? layers.offsetWidth + 20 : 30;\n"
        "  if (bottom > size.y / 2) { bottom = 30; }\n"
        "  if (right > size.x / 2) { right = 30; }\n"
        "  map.fitBounds(bounds,\n"
        "                {paddingTopLeft: [50, 30], paddingBottomRight: [right, bottom]});\n"
        "})();\n"
        "{% endmacro %}"
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "BogbusFitBounds"
        self.bounds = bounds


# ------------------------------------------------------------------------ route layers
def _signature(v: PlanView, route: Mapping[str, Any]) -> frozenset[int]:
    """Which timetable lines a route's date belongs to (served or skipped that day)."""
    d, veh, wd = str(route["date"]), str(route.get("vehicle") or ""), route_weekday(route)
    return frozenset(
        i
        for i, e in enumerate(v.stop_entries)
        if e.weekday == wd and e.vehicle == veh and (d in e.dates or d in e.skipped_dates)
    )


def _group_label(entries: list[StopEntry], routes: list[Mapping[str, Any]]) -> str:
    """Name a pattern group: "lige uger", "hver 3. uge", … or its ISO week numbers."""
    words = {pattern_words(e.every_weeks, e.week_parity) for e in entries}
    if len(words) == 1:
        return words.pop()
    weeks = sorted({iso_week(r["date"]) for r in routes})
    if not entries:  # days with no stop line (outreach only): the weeks' parity when
        parities = {w % 2 for w in weeks}  # one ("ulige uger" beside "lige uger"), else
        if len(parities) == 1:  # the complement of the other group ("hver 3. uge")
            return "lige uger" if parities == {0} else "ulige uger"
        return "øvrige uger"
    return "uge " + ", ".join(str(w) for w in weeks)


def route_layers(v: PlanView) -> list[tuple[str, str, str, list[Mapping[str, Any]], int]]:
    """[(label, weekday, vehicle, routes, n)] — one per weekday and week pattern.

    `n` numbers the pattern groups of a weekday and vehicle (0, 1, …); groups after the
    first are drawn dashed.

    Routes of a weekday are grouped by the set of timetable lines their date belongs to;
    a weekday whose dates all share one set gets a single layer named after the weekday.
    The first route of each group is its representative day.
    """
    by_day: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for r in v.routes:
        by_day.setdefault((route_weekday(r), str(r.get("vehicle") or "")), []).append(r)
    order = {wd: i for i, wd in enumerate(WEEKDAY_COLOURS)}
    vehicles = {veh: i for i, veh in enumerate(v.vehicles)}
    out = []
    for wd, veh in sorted(by_day, key=lambda k: (order.get(k[0], 9), vehicles.get(k[1], 99), k[1])):
        groups: dict[frozenset[int], list[Mapping[str, Any]]] = {}
        for r in by_day[(wd, veh)]:
            groups.setdefault(_signature(v, r), []).append(r)
        sigs = list(groups)
        common = frozenset.intersection(*sigs) if sigs else frozenset()
        for n, (sig, routes) in enumerate(groups.items()):
            label = weekday_name(wd)
            if len(groups) > 1:
                distinct = [v.stop_entries[i] for i in sorted(sig - common)]
                label += f" {EN_DASH} {_group_label(distinct, routes)}"
            if v.multi_vehicle:
                label += f" ({veh})"
            out.append((label, wd, veh, routes, n))
    # labels must be unique in the layer control
    seen: dict[str, int] = {}
    unique = []
    for label, wd, veh, routes, n in out:
        seen[label] = seen.get(label, 0) + 1
        unique.append(
            (label if seen[label] == 1 else f"{label} #{seen[label]}", wd, veh, routes, n)
        )
    return unique


DASHES = (None, "12 8", "3 7", "16 6 3 6")


def _line_style(v: PlanView, veh: str, n: int) -> tuple[str | None, int]:
    """(dash array, weight) of pattern group n of a vehicle: dashes tell patterns apart,
    a thinner line tells a second vehicle."""
    first_vehicle = not v.vehicles or veh == v.vehicles[0]
    return DASHES[n % len(DASHES)], 5 if first_vehicle else 3


def _swatch(colour: str, dash: str | None, weight: int) -> str:
    style = "dashed" if dash else "solid"
    return f'<span class="bb-line" style="border-top:{weight}px {style} {colour}"></span>'


def leg_points(v: PlanView, leg: dict) -> list[tuple[float, float]]:
    """The points a leg is drawn through (its road shape, else its two ends): shared
    with the comparison map (render/comparemap.py) so both draw a leg alike."""
    shape = leg.get("shape")
    if isinstance(shape, list) and len(shape) >= 2:
        pts: list[tuple[float, float]] = []
        for p in shape:
            try:
                lat, lon = float(p[0]), float(p[1])
            except (TypeError, ValueError, IndexError):
                pts = []
                break
            pts.append((lat, lon))
        if len(pts) >= 2:
            return pts
    a, b = v.coords(str(leg.get("from"))), v.coords(str(leg.get("to")))
    return [a, b] if a and b else []


# ---------------------------------------------------------------------------- popups
def _popup_header(v: PlanView, site_id: str, kind: str) -> list[str]:
    """Escaped name and kind (· address) lines that open every popup."""
    return [
        f'<div class="bb-name">{esc(v.name(site_id))}</div>',
        f'<div class="bb-muted">{esc(kind_name(kind))}'
        + (f" · {esc(v.address(site_id))}" if v.address(site_id) else "")
        + "</div>",
    ]


def _popup_stop(v: PlanView, site_id: str) -> str:
    parts = _popup_header(v, site_id, "stop")
    entries = v.entries_for(site_id)
    if entries:
        items = []
        for e in entries:
            line = (
                f"{day_time(e.weekday, e.arrival, e.departure)}, "
                f"{pattern_words(e.every_weeks, e.week_parity)}"
            )
            if v.multi_vehicle and e.vehicle:
                line += f" ({e.vehicle})"
            items.append(f"<li>{esc(line)}</li>")
        parts.append("<ul>" + "".join(items) + "</ul>")
        skipped = [
            f"{date_short(d)}: {r}" if r else date_short(d) for e in entries for d, r in e.skipped
        ]
        if skipped:
            parts.append("<div>Kommer ikke: " + esc("; ".join(skipped)) + "</div>")
    else:
        reason = v.unserved_reason(site_id)
        parts.append(
            "<div><b>Ikke planlagt</b>" + (f": {esc(reason)}" if reason else "") + "</div>"
        )
    return '<div class="bb-pop">' + "".join(parts) + "</div>"


def _popup_outreach(v: PlanView, site_id: str) -> str:
    kind = v.kind(site_id)
    parts = _popup_header(v, site_id, kind)
    visits = v.visits_for(site_id)
    items = "".join(
        f"<li>{esc(capitalise(date_short(x.date, weekday=True)))} "
        f"{esc(time_range(x.arrival, x.departure))}"
        + (f" ({esc(x.vehicle)})" if v.multi_vehicle else "")
        + "</li>"
        for x in visits
    )
    parts.append(
        f'<div>{len(visits)} besøg i perioden:</div><div class="bb-times"><ul>{items}</ul></div>'
    )
    missed = [u for u in v.unserved if str(u.get("site_id")) == site_id]
    for u in missed:
        when = date_short(u["date"]) if u.get("date") else "hele perioden"
        parts.append(f"<div>Ikke planlagt ({esc(when)}): {esc(u.get('reason'))}</div>")
    return '<div class="bb-pop">' + "".join(parts) + "</div>"


def _popup_branch(v: PlanView, site_id: str) -> str:
    """A branch library on the map that the bus does not call at (no visits planned)."""
    parts = _popup_header(v, site_id, "branch")
    parts.append('<div class="bb-muted">Bogbussen kommer ikke her i perioden</div>')
    return '<div class="bb-pop">' + "".join(parts) + "</div>"


def _popup_depot(v: PlanView, site_id: str) -> str:
    return (
        '<div class="bb-pop">'
        f'<div class="bb-name">{esc(v.name(site_id))}</div>'
        '<div class="bb-muted">Depot – bussens start og slut</div>'
        + (f"<div>{esc(v.address(site_id))}</div>" if v.address(site_id) else "")
        + "</div>"
    )


def _marker_html(kind: str, colour: str, unserved: bool = False) -> str:
    cls = kind if kind in MARKER_KINDS else "stop"
    extra = " bb-unserved" if unserved else ""
    return f'<div class="bb-marker bb-{cls}{extra}" style="background:{colour}"></div>'


# ------------------------------------------------------------------------------- map
def build_map(plan: Plan) -> folium.Map:
    v = view(plan)
    quarter = quarter_text(v.quarter)
    title = f"{v.library_name} – kort {quarter}".strip()
    m = folium.Map(
        location=DEFAULT_CENTRE,
        zoom_start=10,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    m.default_js = []  # no CDN: Leaflet is inlined below, nothing else is needed
    m.default_css = []
    root = m.get_root()  # a branca Figure, typed as Element
    root.header.add_child(  # type: ignore[attr-defined]
        _Raw(_inline_head(title)), name="bogbus_inline_assets")
    m.add_child(_OnlineTiles())

    points: list[tuple[float, float]] = []
    _water_layer(m, plan)

    # routes: one layer per weekday / week pattern
    layers = route_layers(v)
    for label, wd, veh, routes, n in layers:
        rep = routes[0]
        colour = WEEKDAY_COLOURS.get(wd, DEFAULT_COLOUR)
        dash, weight = _line_style(v, veh, n)
        # Leaflet's layer control shows names as HTML: escape, and prefix a line swatch
        fg = folium.FeatureGroup(
            name=f"{_swatch(colour, dash, weight)} {esc(label)}", show=True
        ).add_to(m)
        dates = ", ".join(date_short(r["date"]) for r in routes)
        for i, leg in enumerate(rep.get("legs") or []):
            pts = leg_points(v, leg)
            if len(pts) < 2:
                continue
            points.extend(pts)
            line = folium.PolyLine(pts, color=colour, weight=weight, opacity=0.85, dash_array=dash)
            tip = (
                f"<b>{esc(label)}</b><br>{i + 1}. {esc(v.name(str(leg.get('from'))))} → "
                f"{esc(v.name(str(leg.get('to'))))}"
                f"<br>{esc(leg.get('km', ''))} km, {esc(leg.get('min', ''))} min"
                + (f"<br>{esc(via)}" if (via := leg_via_text(plan, leg)) else "")
                + f'<br><span class="bb-muted">Vist: {esc(date_short(rep["date"], weekday=True))}'
                f" (samme mønster: {esc(dates)})</span>"
            )
            line.add_child(_TooltipOnly(tip))
            line.add_to(fg)

    # markers: one per visited site + the depot, grouped by kind
    visited: list[str] = []
    for vis in v.visits:
        if vis.site_id not in visited and vis.site_id != v.depot:
            visited.append(vis.site_id)
    unserved_stops = [
        sid for sid in v.poster_sites() if not v.entries_for(sid) and sid not in visited
    ]
    kind_groups: dict[str, folium.FeatureGroup] = {}

    def group(kind: str) -> folium.FeatureGroup:
        if kind not in kind_groups:
            colour = KIND_COLOURS[kind] if kind != "stop" else "#777777"
            name = f"{_marker_html(kind, colour)} {esc(kind_name(kind, plural=True))}"
            kind_groups[kind] = folium.FeatureGroup(name=name, show=True)
        return kind_groups[kind]

    def add_marker(
        site_id: str, kind: str, colour: str, popup: str, unserved: bool = False
    ) -> None:
        coords = v.coords(site_id)
        if not coords:
            return
        points.append(coords)
        size = (20, 20) if kind == "depot" else (16, 16)
        icon = folium.DivIcon(
            html=_marker_html(kind, colour, unserved),
            icon_size=size,
            icon_anchor=(size[0] // 2, size[1] // 2),
            class_name="bb-icon",
        )
        marker = folium.Marker(coords, icon=icon, z_index_offset=1000 if kind == "depot" else 0)
        tip = esc(v.name(site_id)) + (" (ikke planlagt)" if unserved else "")
        marker.add_child(_Bind(popup, tip))
        marker.add_to(group("stop" if unserved else kind))

    for sid in visited:
        kind = v.kind(sid)
        if kind == "stop":
            entries = v.entries_for(sid)
            colour = (
                WEEKDAY_COLOURS.get(entries[0].weekday, KIND_COLOURS["stop"])
                if entries
                else KIND_COLOURS["stop"]
            )
            add_marker(sid, "stop", colour, _popup_stop(v, sid))
        else:
            add_marker(sid, kind, KIND_COLOURS.get(kind, DEFAULT_COLOUR), _popup_outreach(v, sid))
    for sid in unserved_stops:
        add_marker(sid, "stop", "#ffffff", _popup_stop(v, sid), unserved=True)
    for sid, site in v.sites.items():  # branch libraries the bus does not visit: context
        if site.get("kind") == "branch" and sid not in visited:
            add_marker(sid, "branch", KIND_COLOURS["branch"], _popup_branch(v, sid))
    if v.depot is not None:
        add_marker(v.depot, "depot", KIND_COLOURS["depot"], _popup_depot(v, v.depot))

    for kind in MARKER_KINDS:
        if kind in kind_groups:
            kind_groups[kind].add_to(m)

    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    if points:
        lats = [p[0] for p in points]
        lons = [p[1] for p in points]
        m.add_child(_FitBounds([[min(lats), min(lons)], [max(lats), max(lons)]]))

    m.get_root().html.add_child(  # type: ignore[attr-defined]  # Figure, typed as Element
        _Raw(_legend(v, layers, kind_groups, bool(unserved_stops))), name="bogbus_legend"
    )
    return m


def _water_layer(m: folium.Map, plan: Plan) -> None:
    """The water the plan was made with (rivers, fjord, lakes) and its bridges and ferries,
    named; a crossing the bus may not use is drawn grey and says so."""
    water = plan_water(plan)
    if water is None:
        return
    tm = plan.get("travel_model")
    used = (tm.get("crossings") if tm is not None else None) or {}
    fg = folium.FeatureGroup(
        name=f"{_swatch(WATER_COLOUR, None, 3)} Vand, broer og færger", show=True).add_to(m)
    for b in water.barriers:
        for line in b.lines:
            pl = folium.PolyLine([(lat, lon) for lon, lat in line], color=WATER_COLOUR,
                                 weight=3, opacity=0.6)
            pl.add_child(_TooltipOnly(esc(b.name)))
            pl.add_to(fg)
        for rings in b.polygons:
            pg = folium.Polygon([[(lat, lon) for lon, lat in r] for r in rings],
                                color=WATER_COLOUR, weight=1, fill=True, fill_opacity=0.3)
            pg.add_child(_TooltipOnly(esc(b.name)))
            pg.add_to(fg)
    # neighbouring crossings' labels alternate above and below (west to east)
    west_east = sorted(water.crossings, key=lambda c: (min(p[0] for p in c.ends), c.name))
    side = {c.name: ("top", "bottom")[k % 2] for k, c in enumerate(west_east)}
    for c in water.crossings:
        ok = c.name in used
        what = "Færge" if c.mode == "ferry" else "Bro"
        tip = f"{what}: {esc(c.name)}" + ("" if ok else " (bruges ikke af bussen)")
        colour = "#16324f" if ok else "#8a8a8a"
        mark: folium.CircleMarker | folium.PolyLine
        if len(c.ends) == 1:
            mark = folium.CircleMarker((c.ends[0][1], c.ends[0][0]), radius=6, color=colour,
                                       weight=2, fill=True, fill_color="#ffffff",
                                       fill_opacity=1)
        else:
            mark = folium.PolyLine([(lat, lon) for lon, lat in c.ends], color=colour,
                                   weight=4, dash_array="4 4")
        mark.add_child(_Label(tip, ok, side[c.name]))
        mark.add_to(fg)


def _legend(v: PlanView, layers, kind_groups, has_unserved: bool) -> str:
    """A compact legend: marker kinds and weekday colours (the layer control names the
    week patterns, with the same line swatches)."""
    kinds = []
    for kind in MARKER_KINDS:
        if kind in kind_groups:
            colour = KIND_COLOURS[kind] if kind != "stop" else "#777777"
            kinds.append(
                f'<span class="bb-item">{_marker_html(kind, colour)}'
                f"<span>{esc(kind_name(kind))}</span></span>"
            )
    if has_unserved:
        kinds.append(
            f'<span class="bb-item">{_marker_html("stop", "#ffffff", True)}'
            "<span>Ikke planlagt</span></span>"
        )
    days: list[str] = []
    for _label, wd, _veh, _routes, _n in layers:
        name = weekday_name(wd)
        if any(name in d for d in days):
            continue
        colour = WEEKDAY_COLOURS.get(wd, DEFAULT_COLOUR)
        days.append(
            f'<span class="bb-item">{_swatch(colour, None, 5)}<span>{esc(name)}</span></span>'
        )
    sub = f"{quarter_text(v.quarter)} · scenarie {v.scenario}".strip(" ·")
    return (
        '<div class="bb-legend" id="bb-legend">'
        f'<h3>{esc(v.library_name)}</h3><div class="bb-sub">{esc(sub)}</div>'
        f'<div class="bb-items">{"".join(kinds)}</div>'
        f'<div class="bb-items">{"".join(days)}</div>'
        '<div class="bb-note">Holdepladser har ugedagens farve; stiplede linjer er '
        "ugemønstre (se lagvælgeren). Ruten vist er mønstrets første dag.</div>"
        '<div class="bb-offline" id="bb-offline">Uden net: baggrundskortet '
        "vises, når der er forbindelse.</div></div>"
    )


def render_map_html(plan: Plan) -> str:
    return build_map(plan).get_root().render()


def write_map(plan: Plan, path: Path) -> Path:
    """Write the offline map of `plan` to `path` (atomically); return the path."""
    path = Path(path)
    return atomic.write_text(path, render_map_html(plan))


__all__ = ["TILE_URL_PREFIX", "build_map", "render_map_html", "route_layers", "write_map"]
