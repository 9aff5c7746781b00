"""`sites.gpkg` / `sites.geojson`: the sites as a GIS point layer instead of a CSV.

A municipality's GIS staff keep places in QGIS; making them export a CSV with
lat/lon columns loses the coordinate system and invites swapped columns. So a data
folder may hold a point layer with the same attribute names as sites.csv. The point
gives `lat`/`lon` (converted to WGS84 from whatever CRS the layer declares); the
attributes become the same text cells a CSV row has, so `parse_sites` and the
validator judge them with exactly the same rules and messages. `row` in messages is
the feature's position in the layer (1 = first feature), as QGIS's attribute
table lists them.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from ..errors import Problem
from .csvfile import CsvRow, CsvTable, normalise_column, parse_csv

SITES_CSV = "sites.csv"
SITES_FILES: tuple[str, ...] = (SITES_CSV, "sites.gpkg", "sites.geojson")
LAYER = "sites"
GIS_ENCODING = "gis"  # CsvTable.encoding for a table read from a GIS layer
_FIX_CRS = ("set the layer's coordinate reference system in QGIS (Layer → Set CRS, e.g. "
            "EPSG:4326 or EPSG:25832) and save it again")
_LATLON_TOLERANCE_DEG = 0.0005  # ≈ 50 m: attributes that disagree more than this are named


def sites_file(folder: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Which sites file the folder holds; several at once is an error, not a guess."""
    present = [name for name in SITES_FILES if (folder / name).is_file()]
    if len(present) > 1:
        return None, [Problem(str(Path(shown) / present[1]),
                              f"{shown} holds {' and '.join(present)}: bogbus would not know "
                              "which one is meant", "keep one sites file in the folder "
                              "(move the other elsewhere)")]
    return (present[0] if present else None), []


def sites_table(path: Path, data: bytes, label: str) -> CsvTable:
    """The sites file as a table: CSV bytes parsed as Excel writes them, or a GIS layer."""
    if path.name == SITES_CSV:
        return parse_csv(data, label)
    return read_gis_sites(path, label)


def _cell(value: Any) -> str:
    """An attribute value → the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.time)):
        return value.strftime("%H:%M")
    if isinstance(value, (list, tuple)):
        return ",".join(_cell(v) for v in value)
    if hasattr(value, "item"):  # numpy scalars
        return _cell(value.item())
    return str(value).strip()


def _choose_layer(path: Path, label: str) -> tuple[str | None, list[Problem]]:
    """The layer named `sites`, else the only point layer; None for single-layer files."""
    import pyogrio

    try:
        layers = [(str(n), str(g)) for n, g in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio raises its own DataSourceError and friends
        return None, [Problem(label, f"the file cannot be read as a GIS layer ({exc})",
                              "save it again from QGIS as GeoPackage or GeoJSON")]
    if len(layers) <= 1:
        return (layers[0][0] if layers else None), []
    names = [n for n, _ in layers]
    if LAYER in names:
        return LAYER, []
    points = [n for n, g in layers if "point" in g.lower()]
    if len(points) == 1:
        return points[0], []
    listed = ", ".join(f"{n} ({g})" for n, g in layers)
    return None, [Problem(label, f"the file has several layers ({listed}) and none is called "
                          f"'{LAYER}'", f"rename the point layer with the sites to '{LAYER}'")]


def _point(geom: Any) -> tuple[float, float] | str:
    """(lon, lat) of a point feature, or what the geometry is instead."""
    if geom is None or geom.is_empty:
        return "no geometry"
    if geom.geom_type == "MultiPoint" and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if geom.geom_type != "Point":
        return f"a {geom.geom_type}"
    return geom.x, geom.y


def read_gis_sites(path: Path, label: str) -> CsvTable:
    """Read a point layer into the table `parse_sites` reads; problems name `label`."""
    import geopandas

    def failed(message: str, fix: str) -> CsvTable:
        return CsvTable(label, (), (), GIS_ENCODING, "", None, (Problem(label, message, fix),))

    layer, problems = _choose_layer(path, label)
    if problems:
        return CsvTable(label, (), (), GIS_ENCODING, "", None, tuple(problems))
    try:
        frame = geopandas.read_file(path, layer=layer) if layer else geopandas.read_file(path)
    except Exception as exc:  # GDAL errors come in many classes; all mean "unreadable"
        return failed(f"the file cannot be read as a GIS layer ({exc})",
                      "save it again from QGIS as GeoPackage or GeoJSON")
    if len(frame) == 0:
        return failed("the layer holds no features", "add one point per place: the depot, "
                      "the stops and the institutions")
    if frame.crs is None:
        return failed("the layer has no coordinate reference system (CRS), so its points "
                      "cannot be placed", _FIX_CRS)
    try:
        frame = frame.to_crs(4326)
    except Exception as exc:  # pyproj: a CRS it cannot transform
        return failed(f"the layer's CRS ({frame.crs}) cannot be converted to WGS84 ({exc})",
                      _FIX_CRS)
    points = [_point(g) for g in frame.geometry]
    if not any(isinstance(p, tuple) for p in points):
        kinds = sorted({str(p) for p in points})
        return failed(f"the layer holds no points (found {', '.join(kinds)})",
                      "export the sites as a point layer, one point per place")

    names = [normalise_column(str(c)) for c in frame.columns if c != frame.geometry.name]
    raw = [c for c in frame.columns if c != frame.geometry.name]
    columns = tuple(dict.fromkeys([*names, "lat", "lon"]))
    found: list[Problem] = []
    rows: list[CsvRow] = []
    for n, (point, (_, record)) in enumerate(zip(points, frame[raw].iterrows()), start=1):
        if not isinstance(point, tuple):
            found.append(Problem(label, f"feature {n} is {point}, not a point",
                                 "give every place one point (or delete the feature)", row=n))
            continue
        values = {name: _cell(record[c]) for name, c in zip(names, raw)}
        lon, lat = point
        for column, value in (("lat", lat), ("lon", lon)):
            given = values.get(column, "")
            try:
                off = given and abs(float(given.replace(",", ".")) - value) > _LATLON_TOLERANCE_DEG
            except ValueError:
                off = True
            if off:
                found.append(Problem(label, f"the {column} attribute '{given}' disagrees with "
                                     f"the point ({value:.5f}); the point is used",
                                     f"delete the {column} field or update it", row=n,
                                     column=column, severity="warning"))
            values[column] = f"{value:.6f}"
        rows.append(CsvRow(n, values))
    return CsvTable(label, columns, tuple(rows), GIS_ENCODING, "", None, tuple(found))
