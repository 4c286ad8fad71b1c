"""Rectangles for the demo map: streets near their real cities, children tiling their
parent so that siblings share edges but never overlap (Area.clean checks it)."""

import math
from dataclasses import dataclass

# Six decimals is about 0.1 m: enough for a map, and shared edges stay identical.
PRECISION = 6


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def around(cls, lng: float, lat: float, width: float, height: float) -> "Box":
        return cls(lng - width / 2, lat - height / 2, lng + width / 2, lat + height / 2)

    def polygon(self) -> dict:
        w, s, e, n = (round(v, PRECISION) for v in (self.west, self.south, self.east, self.north))
        return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}

    def split(self, count: int, cols: int) -> list["Box"]:
        """`count` cells in rows of `cols`, read like text; a short last row gets wider cells.

        Edges are computed once and shared, so neighbours meet exactly and never overlap.
        """
        cols = max(1, min(cols, count))
        rows = math.ceil(count / cols)
        ys = _edges(self.north, self.south, rows)
        cells = []
        for row in range(rows):
            in_row = min(cols, count - row * cols)
            xs = _edges(self.west, self.east, in_row)
            for col in range(in_row):
                cells.append(Box(xs[col], ys[row + 1], xs[col + 1], ys[row]))
        return cells

    def inset(self, fraction: float) -> "Box":
        """The box shrunk on every side: a compound inside its grid, with roads around it."""
        dx = (self.east - self.west) * fraction
        dy = (self.north - self.south) * fraction
        return Box(self.west + dx, self.south + dy, self.east - dx, self.north - dy)


def _edges(start: float, end: float, parts: int) -> list[float]:
    step = (end - start) / parts
    return [round(start + step * i, PRECISION) for i in range(parts)] + [round(end, PRECISION)]
