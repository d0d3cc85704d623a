"""Generating the demo jurisdictions' geography (``data/geo/<county>.json``): GENERATED, not surveyed.

No real village or township outlines are available offline, so they are made up, deterministically:

1. the county outline is an ellipse of the county's approximate real area, centred near its real position,
   with a seeded low-frequency wobble (a star-shaped polygon);
2. township seats are seeded points inside it (街道 clustered round the county seat, which sits at its real
   approximate position); township outlines are the seats' Voronoi cells clipped to the county outline;
3. village points are seeded inside their township's cell (社区 near the seat); village outlines are the
   villages' Voronoi cells clipped to the township's cell, so villages tile townships and townships the county.

Run ``python -m yanglao.regions.geogen`` to rewrite the files; a test checks that the stored files are what
this module generates. Pure Python: no Django.
"""

from __future__ import annotations

import csv
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA / "regions.csv"
GEO_DIR = DATA / "geo"

NOTE = "示意边界，非实际行政界线"
NOTE_EN = (
    "GENERATED: the county outline is an ellipse of the county's approximate area around its approximate "
    "real position; township and village points are seeded and their outlines are Voronoi cells. "
    "Only the county seat's position is approximately real."
)

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQ = 111.32

Point = tuple[float, float]


@dataclass(frozen=True)
class CountyShape:
    """Where a county roughly is: the outline's centre and the seat (lon, lat), semi-axes (km), tilt (deg)."""

    centre: Point
    seat: Point
    major_km: float
    minor_km: float
    tilt_deg: float
    source: str


# Approximate positions (county seats from general maps, rounded to ~0.01°) and areas (equal-area ellipses).
SHAPES: dict[str, CountyShape] = {
    "152223": CountyShape(
        (122.45, 46.75),
        (122.90, 46.72),
        100.0,
        38.0,
        -36.0,
        "扎赉特旗 ~11,800 km², 音德尔镇 ~122.90°E 46.72°N",
    ),
    "410721": CountyShape((113.83, 35.18), (113.80, 35.19), 14.0, 9.0, 10.0, "新乡县 ~390 km², 小冀镇 seat"),
    "411303": CountyShape((112.42, 33.02), (112.52, 33.00), 24.0, 13.5, 0.0, "卧龙区 ~1,000 km², 南阳 city"),
    "411702": CountyShape(
        (114.00, 32.90), (114.04, 32.98), 26.0, 16.0, 0.0, "驿城区 ~1,300 km², 驻马店 city"
    ),
    "410402": CountyShape((113.25, 33.74), (113.29, 33.74), 9.0, 5.5, 0.0, "新华区 ~155 km², 平顶山 city"),
}


class Projection:
    """A local equirectangular projection in km around a point (good enough over a county)."""

    def __init__(self, origin: Point) -> None:
        self.lon0, self.lat0 = origin
        self.kx = KM_PER_DEG_LON_EQ * math.cos(math.radians(self.lat0))

    def to_km(self, p: Point) -> Point:
        return ((p[0] - self.lon0) * self.kx, (p[1] - self.lat0) * KM_PER_DEG_LAT)

    def to_lonlat(self, p: Point) -> Point:
        return (round(self.lon0 + p[0] / self.kx, 5), round(self.lat0 + p[1] / KM_PER_DEG_LAT, 5))


def clip(polygon: list[Point], keep: Point, other: Point) -> list[Point]:
    """The part of ``polygon`` nearer ``keep`` than ``other`` (Sutherland–Hodgman, one half-plane)."""
    mx, my = (keep[0] + other[0]) / 2, (keep[1] + other[1]) / 2
    nx, ny = other[0] - keep[0], other[1] - keep[1]

    def side(p: Point) -> float:
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out: list[Point] = []
    for i, cur in enumerate(polygon):
        prev = polygon[i - 1]
        s_cur, s_prev = side(cur), side(prev)
        if s_cur <= 0:
            if s_prev > 0:
                out.append(_cross(prev, cur, s_prev, s_cur))
            out.append(cur)
        elif s_prev <= 0:
            out.append(_cross(prev, cur, s_prev, s_cur))
    return out


def _cross(a: Point, b: Point, sa: float, sb: float) -> Point:
    t = sa / (sa - sb)
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def voronoi_cells(sites: list[Point], bounds: list[Point]) -> list[list[Point]]:
    """Each site's Voronoi cell clipped to ``bounds`` (O(n²): a few hundred sites at most)."""
    cells = []
    for i, site in enumerate(sites):
        cell = bounds
        for j, other in enumerate(sites):
            if i != j and cell:
                cell = clip(cell, site, other)
        cells.append(cell)
    return cells


def area(polygon: list[Point]) -> float:
    return (
        abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(polygon, polygon[1:] + polygon[:1], strict=True)))
        / 2
    )


def contains(polygon: list[Point], p: Point) -> bool:
    inside = False
    for a, b in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (a[1] > p[1]) != (b[1] > p[1]):
            x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
            if p[0] < x:
                inside = not inside
    return inside


def county_outline(
    shape: CountyShape, proj: Projection, rng: random.Random, vertices: int = 96
) -> list[Point]:
    harmonics = [(k, rng.uniform(0.05, 0.11) / k**0.5, rng.uniform(0, 2 * math.pi)) for k in range(2, 7)]
    tilt = math.radians(shape.tilt_deg)
    cx, cy = proj.to_km(shape.centre)
    ring = []
    for v in range(vertices):
        theta = 2 * math.pi * v / vertices
        wobble = 1 + sum(a * math.sin(k * theta + phase) for k, a, phase in harmonics)
        x, y = shape.major_km * math.cos(theta) * wobble, shape.minor_km * math.sin(theta) * wobble
        ring.append(
            (cx + x * math.cos(tilt) - y * math.sin(tilt), cy + x * math.sin(tilt) + y * math.cos(tilt))
        )
    return ring


def scatter(
    rng: random.Random,
    polygon: list[Point],
    count: int,
    taken: list[Point],
    spacing: float,
    near: Point | None = None,
) -> list[Point]:
    """``count`` seeded points inside ``polygon``, ``spacing`` km apart (relaxed if need be); ``near``: within
    ``spacing * 3`` of that point."""
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    points: list[Point] = []
    tries = 0
    while len(points) < count:
        tries += 1
        if tries % 400 == 0:
            spacing *= 0.85
        if near is not None:
            radius = spacing * 3
            p = (near[0] + rng.uniform(-radius, radius), near[1] + rng.uniform(-radius, radius))
        else:
            p = (rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys)))
        if not contains(polygon, p):
            continue
        if all(math.dist(p, q) >= spacing for q in taken + points):
            points.append(p)
    return points


def read_tree(path: Path = REGIONS_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def generate_county(code: str, rows: list[dict[str, str]]) -> dict[str, object]:
    shape = SHAPES[code]
    proj = Projection(shape.centre)
    rng = random.Random(f"yanglao-geo-{code}")
    by_code = {r["code"]: r for r in rows}
    townships = sorted(r["code"] for r in rows if r["parent_code"] == code and r["level"] == "township")
    outline = county_outline(shape, proj, rng)
    seat = proj.to_km(shape.seat)
    if not contains(outline, seat):
        raise ValueError(f"{code}: the seat falls outside the generated outline")
    urban = [t for t in townships if int(t[6:9]) < 100]
    seat_township = urban[0] if urban else townships[0]
    spacing = 0.6 * math.sqrt(area(outline) / max(len(townships), 1))
    sites: dict[str, Point] = {seat_township: seat}
    near_seat = [t for t in urban if t != seat_township]
    for t, p in zip(
        near_seat, scatter(rng, outline, len(near_seat), [seat], spacing / 3, near=seat), strict=True
    ):
        sites[t] = p
    rest = [t for t in townships if t not in sites]
    for t, p in zip(rest, scatter(rng, outline, len(rest), list(sites.values()), spacing), strict=True):
        sites[t] = p
    order = list(sites)
    cells = dict(zip(order, voronoi_cells([sites[t] for t in order], outline), strict=True))

    places: dict[str, dict[str, object]] = {
        code: _place(by_code[code], shape.seat, [proj.to_lonlat(p) for p in outline])
    }
    for t in townships:
        places[t] = _place(by_code[t], proj.to_lonlat(sites[t]), [proj.to_lonlat(p) for p in cells[t]])
        villages = sorted(r["code"] for r in rows if r["parent_code"] == t and r["level"] == "village")
        if not villages:
            continue
        communities = [v for v in villages if int(v[9:]) < 200]
        rural = [v for v in villages if v not in communities]
        v_spacing = 0.6 * math.sqrt(area(cells[t]) / len(villages))
        points: dict[str, Point] = {}
        c_points = scatter(rng, cells[t], len(communities), [], min(v_spacing, 0.8) / 2, near=sites[t])
        points.update(zip(communities, c_points, strict=True))
        taken = [*points.values(), sites[t]]
        points.update(zip(rural, scatter(rng, cells[t], len(rural), taken, v_spacing), strict=True))
        v_cells = voronoi_cells([points[v] for v in villages], cells[t])
        for v, cell in zip(villages, v_cells, strict=True):
            places[v] = _place(by_code[v], proj.to_lonlat(points[v]), [proj.to_lonlat(p) for p in cell])
    return {
        "county": code,
        "generated": True,
        "note": NOTE,
        "method": NOTE_EN,
        "position_source": shape.source,
        "places": places,
    }


def _place(row: dict[str, str], point: Point, outline: list[Point]) -> dict[str, object]:
    return {
        "name": row["name"],
        "level": row["level"],
        "parent": row["parent_code"],
        "point": list(point),
        "outline": [list(p) for p in outline],
    }


def render(data: dict[str, object]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write_all(target: Path = GEO_DIR) -> list[Path]:
    rows = read_tree()
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for code in sorted(SHAPES):
        path = target / f"{code}.json"
        path.write_text(render(generate_county(code, rows)), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for written_path in write_all():
        print(written_path)
