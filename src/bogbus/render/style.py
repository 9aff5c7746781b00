"""Colours and shapes shared by the map, the posters and the HTML pages."""

from __future__ import annotations

# Weekday colours (Tableau 10, distinguishable on an OpenStreetMap background).
WEEKDAY_COLOURS: dict[str, str] = {
    "mon": "#1f77b4",  # blue
    "tue": "#d62728",  # red
    "wed": "#2ca02c",  # green
    "thu": "#9467bd",  # purple
    "fri": "#ff7f0e",  # orange
    "sat": "#8c564b",  # brown
    "sun": "#e377c2",  # pink
}
DEFAULT_COLOUR = "#555555"

# Marker fill by kind; public stops take their weekday colour instead.
KIND_COLOURS: dict[str, str] = {
    "stop": "#1f4e79",
    "daycare": "#f2c500",
    "nursing_home": "#17becf",
    "branch": "#7f7f7f",
    "depot": "#111111",
}
MARKER_KINDS = ("stop", "daycare", "nursing_home", "branch", "depot")

# Poster / page accent (dark petrol; white text on it passes WCAG AAA).
ACCENT = "#004a5a"
ACCENT_RGB = (0, 74, 90)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
