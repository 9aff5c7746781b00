"""The board's report laid out for any number of plans side by side.

`bogbus report` on 40 scenarios died in fpdf ("not enough horizontal space"): the key
figures were one table with a column per scenario, so 40 columns on A4. Here the
table is split into blocks of `PER_BLOCK` scenarios (each a table of its own, the
figure names repeated), and with more scenarios than a chart can tell apart by colour
the charts turn on their side: one horizontal bar per scenario (or plan), stacked by
kind or weekday, as long as it needs to be. The PDF and the HTML print the same blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...plan.document import Plan
from ..danish import EN_DASH, kind_name, number_da, quarter_text, weekday_name
from .charts import (
    CHART_KIND_COLOURS,
    GROUP_COLOURS,
    all_charts,
    kinds_present,
    label,
    new_figure,
    png_of,
)
from .text import key_rows

PER_BLOCK = 4  # scenarios per key-figures table: a 25-character name still fits on A4
MANY = len(GROUP_COLOURS)  # more scenarios than colours: the charts are drawn on their side
WEEKDAY_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                   "#a6761d")

Block = tuple[str, list[str], list[list[str]]]  # (caption, head, rows)


def key_blocks(doc: dict) -> list[Block]:
    """The key-figures table as blocks of at most PER_BLOCK scenario columns."""
    groups = doc["groups"]
    rows = key_rows(doc)
    if len(groups) <= 1:
        return [("", ["", "I alt"], [[name, *cells] for name, cells in rows])]
    blocks: list[Block] = []
    for start in range(0, len(groups), PER_BLOCK):
        part = groups[start:start + PER_BLOCK]
        caption = "" if len(groups) <= PER_BLOCK else \
            f"scenarie {start + 1}{EN_DASH}{start + len(part)} af {len(groups)}"
        blocks.append((caption, ["", *(g["label"] for g in part)],
                       [[name, *cells[start:start + PER_BLOCK]] for name, cells in rows]))
    return blocks


def _sideways(title: str, names: Sequence[str], parts: Sequence[tuple[str, list[float], str]],
              unit: str) -> bytes:
    """One horizontal bar per name, stacked by `parts` (legend name, values, colour),
    its total written at its end; the figure grows with the names."""
    fig = new_figure(7.0, 1.3 + 0.24 * len(names))
    ax = fig.add_subplot()
    left = [0.0] * len(names)
    for part, values, colour in parts:
        ax.barh(range(len(names)), values, left=left, color=colour, label=part, height=0.7)
        left = [a + b for a, b in zip(left, values)]
    for y, total in enumerate(left):
        ax.annotate(number_da(total), (total, y), va="center", fontsize=7, xytext=(3, 0),
                    textcoords="offset points")
    ax.set_yticks(range(len(names)), [label(n) for n in names], fontsize=7)
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold", color="#222")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xlabel(unit, fontsize=9)
    ax.set_xlim(0, max([*left, 1]) * 1.12)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    return png_of(fig)


def _short(quarter: str) -> str:
    return quarter_text(quarter).replace(" kvartal", ". kv.").replace("..", ".")


def many_charts(doc: dict) -> dict[str, bytes]:
    """The four charts for more than MANY scenarios, drawn on their side."""
    groups = doc["groups"]
    kinds = kinds_present(groups)
    names = [g["label"] for g in groups]
    plans = [(g, p) for g in groups for p in g["plans"]]
    goals = sorted({g["goal"].get("children_per_year") for g in groups} - {None})
    days = [d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            if any(sum(g["totals"]["weekday_visits"][d].values()) for g in groups)]
    by_kind = [(kind_name(k, plural=True), [g["totals"]["visits"].get(k, 0) for g in groups],
                CHART_KIND_COLOURS[k]) for k in kinds]
    return {
        "kvartaler.png": _sideways(
            "Besøg pr. kvartal", [f"{g['label']} · {_short(p['quarter'])}" for g, p in plans],
            [(kind_name(k, plural=True), [p["visits"].get(k, 0) for _, p in plans],
              CHART_KIND_COLOURS[k]) for k in kinds], "besøg"),
        "ugedage.png": _sideways(
            "Besøg pr. ugedag", names,
            [(weekday_name(d), [sum(g["totals"]["weekday_visits"][d].values())
                                for g in groups], WEEKDAY_COLOURS[i % 7])
             for i, d in enumerate(days)], "besøg"),
        "typer.png": _sideways("Besøg pr. type sted", names, by_kind, "besøg"),
        "boern.png": _sideways(
            "Børn nået (unikke)" + "".join(f", mål {number_da(x)} pr. år" for x in goals),
            names,
            [("børn nået (unikke)", [g["totals"]["children_unique"] for g in groups],
              GROUP_COLOURS[0])], "børn"),
    }


def report_charts(doc: dict, groups_plans: Sequence[Sequence[Plan]]) -> dict[str, bytes]:
    """Every chart of the report: the usual ones, on their side for many scenarios."""
    many = len(doc["groups"]) > MANY
    return {**(many_charts(doc) if many else {}),
            **all_charts(doc, groups_plans, figures=not many)}
