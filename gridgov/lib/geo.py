"""Grid boundaries (GeoJSON, WGS-84) and the point -> area index.

The index is a shapely STRtree built once per process and rebuilt only when a
boundary has changed since (a version number kept in the database and read at
most once every few seconds), so a lookup costs microseconds.
"""

import threading
import time

import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

# Two neighbouring grids may share an edge; a sliver below this (in square degrees,
# about 1 m²) is drawing noise, not an overlap.
OVERLAP_TOLERANCE = 1e-10


def parse_boundary(geojson):
    """Validate a GeoJSON Polygon/MultiPolygon (or Feature) and return the shapely geometry."""
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in {"Polygon", "MultiPolygon"}:
        raise ValidationError(_("边界必须是 GeoJSON 的 Polygon 或 MultiPolygon。"), code="geo_type")
    try:
        geom = shape(geojson)
    except Exception:
        raise ValidationError(_("边界的坐标格式不正确。"), code="geo_parse") from None
    if geom.is_empty:
        raise ValidationError(_("边界不能为空。"), code="geo_empty")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValidationError(_("边界坐标超出经纬度范围（WGS-84，先经度后纬度）。"), code="geo_range")
    if not geom.is_valid:
        raise ValidationError(
            _("边界无效（例如自相交）：%(reason)s") % {"reason": explain_validity(geom)},
            code="geo_invalid",
        )
    return geom


def overlaps(a, b) -> bool:
    return a.intersects(b) and a.intersection(b).area > OVERLAP_TOLERANCE


class AreaIndex:
    """Point -> deepest area whose boundary contains it."""

    def __init__(self, entries):
        # entries: iterable of (area_id, depth, geometry)
        entries = list(entries)
        self.ids = [e[0] for e in entries]
        self.depths = [e[1] for e in entries]
        self.geoms = [e[2] for e in entries]
        self.tree = shapely.STRtree(self.geoms) if self.geoms else None

    def locate(self, lng: float, lat: float):
        if self.tree is None:
            return None
        point = shapely.Point(lng, lat)
        hits = self.tree.query(point, predicate="intersects")
        if len(hits) == 0:
            return None
        best = max(hits, key=lambda i: self.depths[i])
        return self.ids[best]

    def locate_many(self, lngs, lats):
        """Bulk lookup: a list of area ids (or None) in the order of the points."""
        result = [None] * len(lngs)
        if self.tree is None:
            return result
        points = shapely.points(lngs, lats)
        point_idx, geom_idx = self.tree.query(points, predicate="intersects")
        best_depth = [-1] * len(lngs)
        for p, g in zip(point_idx.tolist(), geom_idx.tolist(), strict=True):
            if self.depths[g] > best_depth[p]:
                best_depth[p] = self.depths[g]
                result[p] = self.ids[g]
        return result


class CachedIndex:
    """Process-wide index, rebuilt when the stored version moves on."""

    CHECK_EVERY = 5.0

    def __init__(self, load_entries, read_version):
        self._load_entries = load_entries
        self._read_version = read_version
        self._lock = threading.Lock()
        self._index = None
        self._version = None
        self._checked_at = 0.0

    def invalidate(self):
        with self._lock:
            self._index = None

    def get(self) -> AreaIndex:
        now = time.monotonic()
        if self._index is not None and now - self._checked_at < self.CHECK_EVERY:
            return self._index
        with self._lock:
            version = self._read_version()
            if self._index is None or version != self._version:
                self._index = AreaIndex(self._load_entries())
                self._version = version
            self._checked_at = now
            return self._index
