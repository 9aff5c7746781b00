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
import json
import math
import warnings
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..validate import MAX_SITES
from .boundary import declared_crs
from .csvfile import CsvRow, CsvTable, normalise_column, parse_csv

SITES_CSV = "sites.csv"
SITES_FILES: tuple[str, ...] = (SITES_CSV, "sites.gpkg", "sites.geojson")
LAYER = "sites"
GIS_ENCODING = "gis"  # CsvTable.encoding for a table read from a GIS layer
_FIX_CRS = ("set the layer's coordinate reference system in QGIS (Layer → Set CRS, e.g. "
            "EPSG:4326 or EPSG:25832) and save it again")
_LATLON_TOLERANCE_DEG = 0.0005  # ≈ 50 m: attributes that disagree more than this are named
# Columns whose cell is a list in sites.csv too (`mon,wed`): a GIS list field is joined.
_LIST_COLUMNS = ("days", "vehicles")
# A layer with more features than the planner takes sites is refused before it is read,
# so a huge export costs a message, not minutes and gigabytes (docs/promises.md).
MAX_FEATURES = MAX_SITES


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
    return read_gis_sites(path, label, data)


def _shown(value: Any) -> str:
    """A value as a short quote for a message (a list of 10,000 numbers is not printed)."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def _not_one_value(value: Any, column: str) -> str | None:
    """What is wrong with an attribute that is not one plain value, else None."""
    if hasattr(value, "tolist"):
        value = value.tolist()  # numpy scalars (a GPKG boolean is numpy.bool_) and arrays
    if isinstance(value, (list, tuple)):
        if column in _LIST_COLUMNS and all(isinstance(v, str) for v in value):
            return None
        return f"holds a list ({_shown(list(value))}), not one value"
    if isinstance(value, dict):
        return f"holds an object ({_shown(value)}), not one value"
    if isinstance(value, bool):
        return f"holds true/false ({_shown(value)}), not a number or text"
    return None


def _cell(value: Any) -> str:
    """A plain attribute value (checked by `_not_one_value`) → the text a CSV cell holds."""
    if value is None:
        return ""
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        value = value.tolist()
    if isinstance(value, float):
        if math.isnan(value):  # GDAL's NULL of a number field
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.time)):
        return value.strftime("%H:%M")
    if isinstance(value, (list, tuple)):
        return ",".join(_cell(v) for v in value)
    return str(value).strip()


def _bad_value(label: str, n: int, column: str, what: str) -> Problem:
    return Problem(label, f"feature {n}'s attribute '{column}' {what}",
                   f"give '{column}' one value per feature, as a sites.csv cell would hold "
                   "it (a number such as 2, or text)", row=n, column=column)


def _raw_geojson(data: bytes, label: str) -> tuple[Any, list[Problem]]:
    """The GeoJSON document as JSON, to see what GDAL would silently convert."""
    try:
        return json.loads(data.decode("utf-8-sig")), []
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, [Problem(label, f"the file cannot be read as GeoJSON ({exc})",
                              "save it again from QGIS as GeoJSON or GeoPackage")]


def _raw_problems(doc: Any, label: str) -> tuple[list[Problem], set[tuple[int, str]]]:
    """Attributes GDAL would turn into lists, JSON text or numbers: each one a Problem."""
    found: list[Problem] = []
    bad: set[tuple[int, str]] = set()
    features = doc.get("features") if isinstance(doc, dict) else None
    for n, feature in enumerate(features if isinstance(features, list) else [], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        for key, value in (props.items() if isinstance(props, dict) else ()):
            column = normalise_column(str(key))
            what = _not_one_value(value, column)
            if what:
                found.append(_bad_value(label, n, column, what))
                bad.add((n, column))
    return found, bad


def _declared(doc: Any, label: str) -> tuple[Any, list[Problem]]:
    """The CRS the GeoJSON's legacy `crs` member names (None: none named), parsed by
    pyproj; a name it cannot parse is an error, never silently WGS84."""
    import pyproj

    name = declared_crs(doc) if isinstance(doc, dict) else None
    if name is None:
        return None, []
    try:
        return pyproj.CRS.from_user_input(name), []
    except pyproj.exceptions.CRSError:
        return None, [Problem(label, f"the layer's coordinate reference system '{name}' "
                              "is not one bogbus knows, so its points cannot be placed",
                              _FIX_CRS, column="crs")]


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
    """(lon, lat) of a point feature, or what is wrong with its geometry instead."""
    if geom is None or geom.is_empty:
        return "has no geometry"
    if geom.geom_type == "MultiPoint" and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    if geom.geom_type != "Point":
        return f"is a {geom.geom_type}, not a point"
    if not (math.isfinite(geom.x) and math.isfinite(geom.y)):
        return f"has a point whose coordinates are not numbers ({geom.x}, {geom.y})"
    return geom.x, geom.y


def _feature_count(path: Path, layer: str | None) -> int:
    """How many features the layer holds, asked of GDAL without reading them."""
    import pyogrio

    info = pyogrio.read_info(path, layer=layer) if layer else pyogrio.read_info(path)
    return int(info.get("features") or 0)


def read_gis_sites(path: Path, label: str, data: bytes | None = None) -> CsvTable:
    """Read a point layer into the table `parse_sites` reads; problems name `label`."""
    import geopandas

    def failed(message: str, fix: str, more: tuple[Problem, ...] = ()) -> CsvTable:
        return CsvTable(label, (), (), GIS_ENCODING, "", None,
                        (*more, Problem(label, message, fix)))

    declared: Any = None
    raw_bad: set[tuple[int, str]] = set()
    early: list[Problem] = []
    if path.suffix.lower() == ".geojson":
        doc, early = _raw_geojson(data if data is not None else path.read_bytes(), label)
        if early:
            return CsvTable(label, (), (), GIS_ENCODING, "", None, tuple(early))
        declared, early = _declared(doc, label)
        if early:
            return CsvTable(label, (), (), GIS_ENCODING, "", None, tuple(early))
        early, raw_bad = _raw_problems(doc, label)
    layer, problems = _choose_layer(path, label)
    if problems:
        return CsvTable(label, (), (), GIS_ENCODING, "", None, tuple(problems))
    try:
        count = _feature_count(path, layer)
        if count > MAX_FEATURES:
            return failed(f"the layer holds {count:,} features; bogbus plans at most "
                          f"{MAX_SITES} sites per data folder", "split the area into several "
                          "data folders (one per bus or district) and plan each on its own")
        with warnings.catch_warnings():  # GDAL's "could not parse as JSON" notes: see above
            warnings.simplefilter("ignore")
            frame = (geopandas.read_file(path, layer=layer) if layer
                     else geopandas.read_file(path))
    except Exception as exc:  # GDAL errors come in many classes; all mean "unreadable"
        return failed(f"the file cannot be read as a GIS layer ({exc})",
                      "save it again from QGIS as GeoPackage or GeoJSON")
    if len(frame) == 0:
        return failed("the layer holds no features", "add one point per place: the depot, "
                      "the stops and the institutions")
    if declared is not None and (frame.crs is None or not frame.crs.equals(declared)):
        frame = frame.set_crs(declared, allow_override=True)
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
        kinds = sorted({str(p).removeprefix("is ").split(",")[0] for p in points})
        return failed(f"the layer holds no points (found {', '.join(kinds)})",
                      "export the sites as a point layer, one point per place")

    names = [normalise_column(str(c)) for c in frame.columns if c != frame.geometry.name]
    raw = [c for c in frame.columns if c != frame.geometry.name]
    columns = tuple(dict.fromkeys([*names, "lat", "lon"]))
    found: list[Problem] = list(early)
    rows: list[CsvRow] = []
    for n, (point, (_, record)) in enumerate(zip(points, frame[raw].iterrows()), start=1):
        if not isinstance(point, tuple):
            found.append(Problem(label, f"feature {n} {point}",
                                 "give every place one point (or delete the feature)", row=n))
            continue
        values: dict[str, str] = {}
        for name, c in zip(names, raw):
            what = None if (n, name) in raw_bad else _not_one_value(record[c], name)
            if what:
                found.append(_bad_value(label, n, name, what))
            values[name] = "" if what or (n, name) in raw_bad else _cell(record[c])
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
