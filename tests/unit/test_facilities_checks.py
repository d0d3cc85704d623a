"""The network and planning checks over aggregated frames (core.facilities: checks, circle, projects)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from yanglao.core.facilities import geo
from yanglao.core.facilities.checks import Inputs, run_checks
from yanglao.core.facilities.circle import covered_villages
from yanglao.core.facilities.params import CatalogError, data_dir, load_rules, rules_for
from yanglao.core.facilities.projects import project_findings

ON = dt.date(2026, 6, 17)
T1, T2 = "152223100000", "152223101000"
V1, V2, V3 = "152223100001", "152223100002", "152223101001"
RULES = rules_for("152223")
assert RULES is not None


def facilities(*rows: dict[str, Any]) -> pl.DataFrame:
    base = {"id": 0, "name": "", "kind": "", "region": "", "beds": 0, "nursing_beds": 0, "lon": None,
            "lat": None, "status": "open"}  # fmt: skip
    schema = {"id": pl.Int64, "name": pl.String, "kind": pl.String, "region": pl.String, "beds": pl.Int64,
              "nursing_beds": pl.Int64, "lon": pl.Float64, "lat": pl.Float64, "status": pl.String}  # fmt: skip
    data = [{**base, "id": i + 1, **row} for i, row in enumerate(rows)]
    return pl.DataFrame(data, schema=schema, orient="row") if data else pl.DataFrame(schema=schema)


def villages(points: dict[str, tuple[float, float] | None]) -> pl.DataFrame:
    rows = [{"code": c, "name": f"村{c[-3:]}", "lon": p[0] if p else None, "lat": p[1] if p else None}
            for c, p in points.items()]  # fmt: skip
    return pl.DataFrame(
        rows, schema={"code": pl.String, "name": pl.String, "lon": pl.Float64, "lat": pl.Float64}
    )


def elders(rows: list[tuple[str, int | None, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"village": v, "level": lv, "people": n} for v, lv, n in rows],
        schema={"village": pl.String, "level": pl.Int64, "people": pl.Int64},
    )


def projects(*rows: dict[str, Any]) -> pl.DataFrame:
    base = {"name": "", "region": V1, "households": 1000, "area_kind": "new", "required_area": None,
            "delivered_area": 0.0, "site_count": 0, "phases": 1, "delivery_phase": None,
            "first_phase_handover": None, "handover_date": None}  # fmt: skip
    schema = {"name": pl.String, "region": pl.String, "households": pl.Int64, "area_kind": pl.String,
              "required_area": pl.Float64, "delivered_area": pl.Float64, "site_count": pl.Int64,
              "phases": pl.Int64, "delivery_phase": pl.Int64, "first_phase_handover": pl.Date,
              "handover_date": pl.Date}  # fmt: skip
    return pl.DataFrame([{**base, **r} for r in rows], schema=schema, orient="row")


def inputs(**over: Any) -> Inputs:
    values: dict[str, Any] = {
        "on": ON,
        "county_code": "152223",
        "county_name": "扎赉特旗",
        "townships": pl.DataFrame({"code": [T1, T2], "name": ["音德尔镇", "新林镇"]}),
        "villages": villages({V1: (122.90, 46.72), V2: (122.95, 46.72), V3: None}),
        "facilities": facilities(),
        "elders": elders([(V1, 0, 100), (V2, 4, 10), (V3, None, 50)]),
        "tekun_unable": 0,
        "projects": projects(),
    }
    values.update(over)
    return Inputs(**values)


def by_check(result_inputs: Inputs) -> dict[str, dict[str, Any]]:
    return {r.check: r.as_dict() for r in run_checks(result_inputs, RULES)}  # type: ignore[arg-type]


def test_the_parameter_file_of_152223_loads_with_references() -> None:
    assert RULES is not None
    assert RULES.code == "152223"
    assert RULES.number("nursing_share", ON) == 60
    assert "扎政办发〔2023〕16号" in RULES.value("project_min_site_area", ON).reference
    assert RULES.value("beds_per_100", ON).example is True
    assert RULES.kinds["nursing_share"] == ("private_home",)


def test_every_check_in_order_with_figure_target_and_failing_places() -> None:
    out = by_check(
        inputs(
            facilities=facilities(
                {"kind": "regional_centre", "region": T1, "name": "音德尔镇养老服务中心"},
                {"kind": "village_station", "region": V1, "name": "龙腾站", "lon": 122.90, "lat": 46.72},
                {"kind": "private_home", "region": T1, "name": "颐养院", "beds": 100, "nursing_beds": 50},
                {"kind": "public_home", "region": T2, "name": "敬老院", "beds": 10},
            ),
            tekun_unable=20,
        )
    )
    assert list(out) == ["township_centre", "village_station", "nursing_share", "concentrated_capacity",
                         "beds_per_100", "service_circle", "projects"]  # fmt: skip
    assert out["township_centre"]["failing"] == [{"code": T2, "name": "新林镇"}]
    assert out["township_centre"]["figure"] == 50.0
    assert not out["township_centre"]["passed"]
    assert out["township_centre"]["detail"] == {"townships": 2, "with_centre": 1}
    assert [p["code"] for p in out["village_station"]["failing"]] == [V2, V3]
    assert out["village_station"]["detail"] == {"villages": 3, "with_station": 1}
    assert out["nursing_share"]["figure"] == 50.0
    assert out["nursing_share"]["failing"][0]["name"] == "颐养院"
    cap = out["concentrated_capacity"]
    assert (cap["figure"], cap["target"], cap["passed"]) == (10.0, 12.0, False)
    assert cap["failing"] == [{"code": "152223", "name": "扎赉特旗", "figure": 10}]
    # beds per 100: 音德尔镇 100 beds / 110 people; 新林镇 10 / 50 → 20.0 ≥ 3.5
    assert out["beds_per_100"]["passed"]
    assert out["beds_per_100"]["figure"] == 68.75


def test_the_service_circle_weights_by_ability_level_and_names_the_villages_outside() -> None:
    # V1 covered (station at its point), V2 ~3.8 km east (outside 1 km), V3 has no point.
    result = by_check(
        inputs(facilities=facilities({"kind": "village_station", "region": V1, "lon": 122.90, "lat": 46.72}))
    )["service_circle"]
    # weights: level 0 → 1, level 4 → 3, unassessed → 1: 100 inside of 100 + 30 + 50
    assert result["figure"] == round(100 * 100 / 180, 1)
    assert [(p["code"], p["located"]) for p in result["failing"]] == [(V2, True), (V3, False)]


def test_a_facility_without_coordinates_covers_its_own_village() -> None:
    result = by_check(inputs(facilities=facilities({"kind": "meal_point", "region": V3})))["service_circle"]
    assert V3 not in [p["code"] for p in result["failing"]]


def test_closed_or_planned_facilities_do_not_count() -> None:
    out = by_check(
        inputs(
            facilities=facilities(
                {"kind": "regional_centre", "region": T1, "status": "closed"},
                {"kind": "regional_centre", "region": T2, "status": "planned"},
            )
        )
    )
    assert out["township_centre"]["figure"] == 0.0


def _brute(vs: pl.DataFrame, fs: pl.DataFrame, metres: float) -> set[str]:
    out = set()
    for v in vs.iter_rows(named=True):
        for f in fs.iter_rows(named=True):
            if geo.haversine_m(v["lon"], v["lat"], f["lon"], f["lat"]) <= metres:
                out.add(v["code"])
    return out


@pytest.mark.parametrize("seed", range(6))
def test_the_grid_join_finds_exactly_the_pairs_a_brute_force_finds(seed: int) -> None:
    rng = random.Random(seed)
    lat0 = rng.uniform(20, 53)
    vs = villages(
        {f"1522231{i:05d}": (rng.uniform(120, 120.3), rng.uniform(lat0, lat0 + 0.2)) for i in range(150)}
    )
    fs = facilities(*({"kind": "village_station", "region": "x", "lon": rng.uniform(120, 120.3),
                       "lat": rng.uniform(lat0, lat0 + 0.2)} for _ in range(40)))  # fmt: skip
    metres = rng.choice([300.0, 1000.0, 2500.0])
    found = set(covered_villages(vs, fs, metres)["code"].to_list())
    assert found == _brute(vs, fs, metres)


def test_haversine_and_gcj02_round_trip() -> None:
    assert geo.haversine_m(122.9, 46.72, 122.9, 46.73) == pytest.approx(1111.95, abs=0.5)
    glon, glat = geo.wgs84_to_gcj02(122.9, 46.72)
    assert 100 < geo.haversine_m(122.9, 46.72, glon, glat) < 900  # the offset is hundreds of metres
    back = geo.gcj02_to_wgs84(glon, glat)
    assert geo.haversine_m(122.9, 46.72, *back) < 0.5


def findings(*rows: dict[str, Any]) -> dict[str, list[str]]:
    out = project_findings(projects(*rows), ON, new_per_100=20, existing_per_100=15, min_site=350)
    return {f["name"]: f["reasons"] for f in out}


def test_projects_compliant_ones_are_not_listed() -> None:
    assert findings(
        {"name": "合格", "households": 2000, "required_area": 400.0, "delivered_area": 400.0, "site_count": 1,
         "phases": 2, "delivery_phase": 1, "first_phase_handover": dt.date(2025, 1, 1),
         "handover_date": dt.date(2025, 1, 1)},
        {"name": "在建", "households": 1000, "required_area": 350.0, "phases": 3, "delivery_phase": 1},
        {"name": "老小区", "area_kind": "existing", "households": 1000, "delivered_area": 150.0,
         "site_count": 2, "handover_date": dt.date(2024, 1, 1)},
    ) == {}  # fmt: skip


def test_projects_every_rule_named() -> None:
    out = findings(
        {"name": "面积不足", "households": 3000, "required_area": 500.0},
        {"name": "拆分", "households": 1000, "delivered_area": 400.0, "site_count": 2,
         "handover_date": dt.date(2025, 1, 1)},
        {"name": "非首期", "households": 1000, "phases": 3, "delivery_phase": 2},
        {"name": "首期已交付", "households": 1000, "first_phase_handover": dt.date(2025, 6, 1)},
        {"name": "老小区未配齐", "area_kind": "existing", "households": 1000},
    )  # fmt: skip
    assert out["面积不足"] == ["规划要求面积 500 平方米，低于标准 600 平方米"]
    assert out["拆分"] == ["用房拆分为 2 处（不得拆分）", "单处用房 200 平方米，少于 350 平方米"]
    assert out["非首期"] == ["用房安排在第 2 期，未安排在首期"]
    assert out["首期已交付"] == ["首期已于 2025-06-01 交付，用房尚未移交"]
    assert out["老小区未配齐"] == ["尚未配齐养老服务用房（标准 150 平方米）"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "152223.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_loader_is_strict(tmp_path: Path) -> None:
    original = (data_dir() / "152223.yaml").read_text(encoding="utf-8")
    with pytest.raises(CatalogError, match="未知的设施类型"):
        load_rules(_write(tmp_path, original.replace("kinds: [private_home]", "kinds: [spa]")))
    with pytest.raises(CatalogError, match="未知的键"):
        load_rules(_write(tmp_path, original.replace("jurisdiction:", "colour: red\njurisdiction:")))
    with pytest.raises(CatalogError, match="reference"):
        load_rules(
            _write(tmp_path, original.replace("        reference: 扎政办发〔2023〕16号 三（五）13\n", ""))
        )
    with pytest.raises(CatalogError, match=r"重复|duplicate"):
        load_rules(_write(tmp_path, original.replace("name: 扎赉特旗\n", "name: 扎赉特旗\nname: 又一个\n")))


def test_the_benchmark_frames_run_through_every_check() -> None:
    from yanglao.bench.facilities import synthetic_inputs

    small = synthetic_inputs(townships=20, facilities=2_200, people=100_000)
    results = run_checks(small, RULES)  # type: ignore[arg-type]
    assert small.villages.height == 400
    assert small.facilities.height == 2_200
    assert len(results) == 7
    assert {r.check for r in results if r.failing} >= {"village_station", "service_circle"}


@pytest.mark.parametrize("code", ["152223", "410400", "410721", "411303", "411700"])
def test_every_jurisdiction_has_its_parameters_with_references(code: str) -> None:
    rules = load_rules(data_dir() / f"{code}.yaml")
    assert rules.code == code
    for param in rules.parameters.values():
        assert all(v.reference for v in param.values)
    assert rules_for(code) == rules
