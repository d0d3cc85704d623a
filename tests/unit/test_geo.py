"""The generated geography: deterministic, complete for the demo counties, nested, marked as generated."""

from __future__ import annotations

import csv

import pytest

from yanglao.regions import geo, geogen

DEMO_COUNTIES = ["152223", "410402", "410721", "411303", "411702"]


def tree_rows() -> list[dict[str, str]]:
    with geogen.REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_stored_files_are_what_the_generator_makes() -> None:
    rows = tree_rows()
    for code in DEMO_COUNTIES:
        stored = (geo.GEO_DIR / f"{code}.json").read_text(encoding="utf-8")
        assert stored == geogen.render(geogen.generate_county(code, rows)), code


def test_the_generator_is_seeded() -> None:
    rows = tree_rows()
    assert geogen.render(geogen.generate_county("410721", rows)) == geogen.render(
        geogen.generate_county("410721", rows)
    )


@pytest.mark.parametrize("county", DEMO_COUNTIES)
def test_every_township_and_village_of_the_tree_has_a_point_inside_its_parents_outline(county: str) -> None:
    rows = [r for r in tree_rows() if r["code"].startswith(county) and r["level"] in ("township", "village")]
    data = geo.county_geo(county)
    assert data is not None
    assert data.generated
    assert data.note == "示意边界，非实际行政界线"
    for row in rows:
        place = data.places[row["code"]]
        assert place.name == row["name"]
        parent = data.places[row["parent_code"]]
        assert geogen.contains(list(parent.outline), place.point), row["code"]
        assert geogen.contains(list(place.outline), place.point), row["code"]


def test_village_points_of_zhalaite() -> None:
    points = geo.village_points("152223")
    assert len(points) == 156
    assert all(len(code) == 12 for code in points)
    for lon, lat in points.values():
        assert 121.0 < lon < 124.0
        assert 45.9 < lat < 47.6


def test_the_county_seat_sits_at_its_approximate_real_position() -> None:
    assert geo.point_of("152223") == (122.9, 46.72)
    assert geo.point_of("152223100000") == (122.9, 46.72)


def test_village_points_of_a_prefecture_and_a_township() -> None:
    assert set(geo.village_points("411700")) == set(geo.village_points("411702"))
    township = geo.village_points("152223101000")
    assert township
    assert all(code.startswith("152223101") for code in township)
    assert geo.village_points("152224") == {}


def test_a_village_without_data_falls_back_on_its_township() -> None:
    assert geo.point_of("152223101999") == geo.point_of("152223101000")
    assert geo.point_of("999999") is None


def test_distance_is_great_circle() -> None:
    # One degree of latitude is about 111 km.
    assert geo.distance_km((122.9, 46.0), (122.9, 47.0)) == pytest.approx(111.2, abs=0.2)
    assert geo.distance_km((122.9, 46.7), (122.9, 46.7)) == 0


def test_township_and_village_outlines_tile_the_county() -> None:
    data = geo.county_geo("152223")
    assert data is not None
    proj = geogen.Projection((122.45, 46.75))

    def km2(code: str) -> float:
        return geogen.area([proj.to_km(p) for p in data.places[code].outline])

    townships = [p.code for p in data.at_level("township")]
    assert sum(km2(t) for t in townships) == pytest.approx(km2("152223"), rel=1e-3)
    assert 10_000 < km2("152223") < 14_000
    for t in townships:
        villages = [p.code for p in data.at_level("village") if p.parent == t]
        if villages:
            assert sum(km2(v) for v in villages) == pytest.approx(km2(t), rel=1e-3)


def test_feature_collection_is_geojson_with_closed_rings_marked_generated() -> None:
    fc = geo.feature_collection("152223", "village", inside="152223101")
    assert fc["type"] == "FeatureCollection"
    assert fc["note"] == "示意边界，非实际行政界线"
    assert len(fc["features"]) == len(geo.village_points("152223101000"))
    for feature in fc["features"]:
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]
        assert feature["properties"]["generated"] is True
    assert geo.feature_collection("152224", "township")["features"] == []
