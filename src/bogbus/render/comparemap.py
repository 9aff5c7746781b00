"""A comparison map: the first plan's map with each other plan's routes as extra layers.

The first plan is drawn exactly as `bogbus map` draws it (offline, same markers);
every further plan adds one layer per weekday pattern, dashed and hidden at first,
named "<scenario>: <weekday>", so a planner can switch two plans on and off.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import folium

from ..io import atomic
from ..plan.document import Plan
from .mapview import build_map, esc, leg_points, route_layers
from .planview import view

OTHER_COLOURS = ("#6a3d9a", "#e31a1c", "#b15928", "#1f78b4", "#33a02c")


def build_compare_map(plans: Sequence[Plan], labels: Sequence[str]) -> folium.Map:
    m = build_map(plans[0])
    for k, (plan, label) in enumerate(zip(plans[1:], labels[1:])):
        v = view(plan)
        colour = OTHER_COLOURS[k % len(OTHER_COLOURS)]
        for name, _wd, _veh, routes, _n in route_layers(v):
            fg = folium.FeatureGroup(name=f"{esc(label)}: {esc(name)}", show=False)
            for leg in routes[0].get("legs") or []:
                pts = leg_points(v, leg)
                if len(pts) >= 2:
                    folium.PolyLine(pts, color=colour, weight=3, opacity=0.8,
                                    dash_array="6 6").add_to(fg)
            fg.add_to(m)
    # The layer control's script names every group's variable, so it must come after
    # the groups added here (before them the page stopped with "reading 'setZIndex'").
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
            m.add_child(child, name=key)
    return m


def write_compare_map(plans: Sequence[Plan], labels: Sequence[str], path: Path) -> Path:
    return atomic.write_text(Path(path), build_compare_map(plans, labels).get_root().render())
