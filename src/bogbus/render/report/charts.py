"""Charts and the map thumbnail of the board's report, drawn with matplotlib as PNG.

Static images because the report is printed and mailed as a PDF: no JavaScript, no
network (the map thumbnail draws sites and route lines on a plain background instead
of fetching map tiles). Matplotlib's object API (`Figure` + Agg canvas) is used rather
than pyplot, so nothing depends on global state and no display is needed. Labels are
Danish; numbers use Danish separators.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ...model import WEEKDAYS
from ...plan.document import Leg, Plan, Site
from ..danish import kind_name, number_da, quarter_text, weekday_name
from ..style import ACCENT, KIND_COLOURS
from .data import KINDS

DPI = 150
GROUP_COLOURS = ("#004a5a", "#d95f02", "#7570b3", "#1b9e77", "#e7298a", "#66a61e")
# the stop colour of the map is nearly the accent; charts use a lighter blue for stops
CHART_KIND_COLOURS = {**KIND_COLOURS, "stop": "#3b7dd8", "daycare": "#e6ab02"}


def label(text: object) -> str:
    """Text from the plans (scenario names) as matplotlib shows it literally: `$` would
    start mathtext, which fails on arbitrary input."""
    return str(text).replace("$", r"\$")


def png_of(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with warnings.catch_warnings():  # a character the font lacks (emoji) is just not drawn
        warnings.filterwarnings("ignore", message="Glyph .* missing", category=UserWarning)
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def new_figure(width: float = 7.0, height: float = 3.4) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.set_facecolor("white")
    return fig


def _style(ax, title: str) -> None:
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold", color="#222")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number_da(v)))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)


def kinds_present(groups: Sequence[dict]) -> list[str]:
    return [k for k in KINDS if any(g["totals"]["visits"].get(k) for g in groups)] or ["stop"]


def quarters_chart(doc: dict) -> bytes:
    """Visits per quarter (one bar per plan), stacked by kind."""
    groups = doc["groups"]
    kinds = kinds_present(groups)
    labels: list[str] = []
    stacks: dict[str, list[int]] = {k: [] for k in kinds}
    for g in groups:
        for p in g["plans"]:
            q = quarter_text(p["quarter"]).replace(" kvartal", ". kv.").replace("..", ".")
            labels.append(f"{label(g['label'])}\n{q}" if len(groups) > 1 else q)
            for k in kinds:
                stacks[k].append(p["visits"].get(k, 0))
    fig = new_figure()
    ax = fig.add_subplot()
    bottom = [0] * len(labels)
    for k in kinds:
        ax.bar(range(len(labels)), stacks[k], bottom=bottom, color=CHART_KIND_COLOURS[k],
               label=kind_name(k, plural=True), width=0.6)
        bottom = [b + v for b, v in zip(bottom, stacks[k])]
    for x, total in enumerate(bottom):
        ax.annotate(number_da(total), (x, total), ha="center", va="bottom", fontsize=8,
                    xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlim(-0.5 - max(0, (4 - len(labels)) / 2), len(labels) - 0.5
                + max(0, (4 - len(labels)) / 2))
    ax.set_ylabel("besøg", fontsize=9)
    _style(ax, "Besøg pr. kvartal")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return png_of(fig)


def weekdays_chart(doc: dict) -> bytes:
    """Visits per weekday: stacked by kind for one scenario, side by side for several."""
    groups = doc["groups"]
    days = [d for d in WEEKDAYS
            if any(sum(g["totals"]["weekday_visits"][d].values()) for g in groups)] \
        or list(WEEKDAYS[:5])
    fig = new_figure()
    ax = fig.add_subplot()
    xs = range(len(days))
    if len(groups) == 1:
        wv = groups[0]["totals"]["weekday_visits"]
        kinds = kinds_present(groups)
        bottom = [0] * len(days)
        for k in kinds:
            vals = [wv[d].get(k, 0) for d in days]
            ax.bar(xs, vals, bottom=bottom, color=CHART_KIND_COLOURS[k], width=0.6,
                   label=kind_name(k, plural=True))
            bottom = [b + v for b, v in zip(bottom, vals)]
    else:
        width = 0.8 / len(groups)
        for i, g in enumerate(groups):
            vals = [sum(g["totals"]["weekday_visits"][d].values()) for d in days]
            ax.bar([x - 0.4 + width * (i + 0.5) for x in xs], vals, width=width,
                   color=GROUP_COLOURS[i % len(GROUP_COLOURS)], label=label(g["label"]))
    ax.set_xticks(list(xs), [weekday_name(d) for d in days])
    ax.set_ylabel("besøg", fontsize=9)
    _style(ax, "Besøg pr. ugedag")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return png_of(fig)


def kinds_chart(doc: dict) -> bytes:
    """Visits per kind of site, one bar per scenario and kind."""
    groups = doc["groups"]
    kinds = kinds_present(groups)
    fig = new_figure(7.0, 2.2 + 0.35 * len(kinds) * max(1, len(groups)) / 2)
    ax = fig.add_subplot()
    height = 0.8 / len(groups)
    for i, g in enumerate(groups):
        vals = [g["totals"]["visits"].get(k, 0) for k in kinds]
        ys = [y - 0.4 + height * (i + 0.5) for y in range(len(kinds))]
        colours = ([CHART_KIND_COLOURS[k] for k in kinds] if len(groups) == 1
                   else GROUP_COLOURS[i % len(GROUP_COLOURS)])
        ax.barh(ys, vals, height=height * 0.9, color=colours,
                label=label(g["label"]) if len(groups) > 1 else None)
        for y, v in zip(ys, vals):
            ax.annotate(number_da(v), (v, y), va="center", fontsize=8, xytext=(3, 0),
                        textcoords="offset points")
    _style(ax, "Besøg pr. type sted")
    ax.set_yticks(range(len(kinds)), [kind_name(k, plural=True) for k in kinds])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number_da(v)))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_xlabel("besøg", fontsize=9)
    if len(groups) > 1:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return png_of(fig)


def children_chart(doc: dict) -> bytes:
    """Unique children and child-visits per scenario against the yearly goal."""
    groups = doc["groups"]
    fig = new_figure(7.0, 3.0)
    ax = fig.add_subplot()
    labels, uniq, visits = [label(g["label"]) for g in groups], [], []
    for g in groups:
        uniq.append(g["totals"]["children_unique"])
        visits.append(g["totals"]["child_visits"])
    xs = range(len(groups))
    ax.bar([x - 0.2 for x in xs], uniq, width=0.38, color=ACCENT, label="børn nået (unikke)")
    ax.bar([x + 0.2 for x in xs], visits, width=0.38, color="#8fb8c2",
           label="børnebesøg (børn × besøg)")
    for x, u, v in zip(xs, uniq, visits):
        ax.annotate(number_da(u), (x - 0.2, u), ha="center", va="bottom", fontsize=8,
                    xytext=(0, 2), textcoords="offset points")
        ax.annotate(number_da(v), (x + 0.2, v), ha="center", va="bottom", fontsize=8,
                    xytext=(0, 2), textcoords="offset points")
    goals = {g["goal"].get("children_per_year") for g in groups} - {None}
    for goal in goals:
        ax.axhline(goal, color="#c0392b", linewidth=1.2, linestyle="--")
        ax.annotate(f"mål: {number_da(goal)} børn pr. år", (len(groups) - 0.5, goal),
                    ha="right", va="bottom", fontsize=8, color="#c0392b",
                    xytext=(0, 2), textcoords="offset points")
    top = max([*uniq, *visits, *goals, 1])
    ax.set_ylim(0, top * 1.15)
    ax.set_xticks(list(xs), labels)
    ax.set_xlim(-0.6 - max(0, (3 - len(groups)) / 2), len(groups) - 0.4
                + max(0, (3 - len(groups)) / 2))
    _style(ax, "Børn nået mod målet")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return png_of(fig)


def _leg_points(leg: Leg, coords: dict[str, tuple[float, float]]
                ) -> list[tuple[float, float]]:
    shape = leg.get("shape")
    if isinstance(shape, list) and len(shape) >= 2:
        try:
            return [(float(p[0]), float(p[1])) for p in shape]
        except (TypeError, ValueError, IndexError):
            pass
    a, b = coords.get(str(leg.get("from"))), coords.get(str(leg.get("to")))
    return [a, b] if a and b else []


def missed_sites(plans: Sequence[Plan]) -> list[str]:
    """Site ids some plan lists in `unserved` (what the map marks with a red cross)."""
    return sorted({u["site_id"] for p in plans for u in p.get("unserved") or []})


def map_thumbnail(plans: Sequence[Plan], title: str = "") -> bytes:
    """Sites (coloured by kind, the depot black) and every leg the plans drive, on an
    equirectangular projection corrected for latitude; no tiles, no network."""
    sites: dict[str, Site] = {}
    for p in plans:
        sites.update({s["id"]: s for s in p["sites"]})
    coords = {sid: (float(s["lat"]), float(s["lon"])) for sid, s in sites.items()}
    legs: dict[tuple[str, str], Leg] = {}
    for p in plans:
        for r in p["routes"]:
            for leg in r["legs"]:
                a, b = str(leg["from"]), str(leg["to"])
                legs.setdefault((a, b) if a <= b else (b, a), leg)
    fig = new_figure(7.0, 5.2)
    ax = fig.add_subplot()
    for leg in legs.values():
        pts = _leg_points(leg, coords)
        if pts:
            ax.plot([p[1] for p in pts], [p[0] for p in pts], color="#7a8a90", linewidth=0.7,
                    alpha=0.8, zorder=1)
    kinds_drawn = []
    for kind in ("stop", "daycare", "nursing_home", "branch", "depot"):
        pts = [coords[sid] for sid, s in sites.items() if s["kind"] == kind]
        if not pts:
            continue
        kinds_drawn.append(kind)
        ax.scatter([p[1] for p in pts], [p[0] for p in pts], s=70 if kind == "depot" else 30,
                   marker="s" if kind == "depot" else "o", color=CHART_KIND_COLOURS[kind],
                   edgecolor="white", linewidth=0.6, zorder=3,
                   label="Bibliotek (start)" if kind == "depot" else kind_name(kind, plural=True))
    # only what a plan lists as unserved is marked (a branch the bus has no rhythm for
    # is not a miss)
    unserved = [coords[sid] for sid in missed_sites(plans) if sid in coords]
    if unserved:
        ax.scatter([p[1] for p in unserved], [p[0] for p in unserved], s=40, marker="x",
                   color="#c0392b", zorder=4, label="ikke planlagt")
    lats = [c[0] for c in coords.values()] or [56.0]
    mid = sum(lats) / len(lats)
    ax.set_aspect(1 / max(0.2, math.cos(math.radians(mid))))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_color("#cccccc")
    ax.set_facecolor("#f4f7f8")
    if title:
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold", color="#222")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    return png_of(fig)


def all_charts(doc: dict, groups_plans: Sequence[Sequence[Plan]], *,
               figures: bool = True) -> dict[str, bytes]:
    """Every chart of the report by file name (`kvartaler.png` …, `kort-1.png` …);
    `figures=False`: the map thumbnails only (reportlayout draws the rest)."""
    charts = {
        "kvartaler.png": quarters_chart(doc),
        "ugedage.png": weekdays_chart(doc),
        "typer.png": kinds_chart(doc),
        "boern.png": children_chart(doc),
    } if figures else {}
    for i, (g, plans) in enumerate(zip(doc["groups"], groups_plans)):
        title = f"Kort: {label(g['label'])}" if len(doc["groups"]) > 1 else "Kort over ruterne"
        charts[f"kort-{i + 1}.png"] = map_thumbnail(plans, title)
    return charts
