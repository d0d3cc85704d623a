"""Chinese labels of the JSON keys, shared by the command's table, the pages, the bulletin and exports."""

from __future__ import annotations

from typing import Any

from yanglao.core.person import (
    ABILITY_LEVELS,
    DISABILITY_CATEGORY,
    DISABILITY_GRADES,
    FIELD_BY_NAME,
    FP_SPECIAL,
    LIVING,
    SPECIAL_CONTRIBUTION,
    TEKUN,
)

# The words of a person's fields come from core/person.py; only the statistics' own words are here.
LIVING_WORDS = dict(LIVING)
_TEKUN = dict(TEKUN)
SPECIAL = {
    **{f"living_{c}": f"{LIVING_WORDS[c]}老年人" for c in ("alone", "empty_nest", "left_behind")},
    **{name: FIELD_BY_NAME[name].label for name in ("dibao", "dibao_edge", "spending_hardship")},
    **{f"tekun_{c}": f"特困人员（{_TEKUN[c]}）" for c in ("dispersed", "centralized")},
}
HUKOU = {
    "hukou": "户籍老年人口",
    "resident": "常住老年人口",
    "both": "户籍与常住均在本地",
    "hukou_living_elsewhere": "户籍在本地、常住外地",
    "resident_hukou_elsewhere": "常住本地、户籍在外地",
    "residence_unknown": "常住地不详",
}
CONTRIBUTION = dict(SPECIAL_CONTRIBUTION)
DISABILITY_CATEGORIES = dict(DISABILITY_CATEGORY)
SEX = {"male": FIELD_BY_NAME["sex"].code_label("1"), "female": FIELD_BY_NAME["sex"].code_label("2")}
FP = {code: label for code, label in FP_SPECIAL if code != "none"}
GRADES = dict(DISABILITY_GRADES)
LEVELS = dict(ABILITY_LEVELS)
FACILITY_SHORT = {
    "public_home": "公办养老机构",
    "private_home": "社会办养老机构",
    "mutual_aid": "互助幸福院",
    "community_station": "社区养老服务站",
    "day_care": "日间照料中心",
    "regional_centre": "区域养老服务中心",
    "village_station": "村级养老服务站",
    "neighbour_aid": "邻里互助点",
    "meal_point": "助餐点",
    "glory_home": "光荣院",
    "special_care": "特困供养设施",
    "county_centre": "县级失能照护机构",
}
UNIT_LEVEL = {"prefecture": "盟市", "county": "旗县", "township": "乡镇（苏木）", "village": "村（社区）"}


def band_label(key: str) -> str:
    return "100岁及以上" if key == "100+" else f"{key}岁"


def _report_rows(r: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """The capacity reports' lines (the month of the latest report, vacancies, residents by level)."""
    if not r or not r["facilities_reporting"]:
        return [("月度床位报告", "暂无")]
    return [
        ("月度床位报告（最近月份）", r["latest_month"]),
        ("  报告设施数", r["facilities_reporting"]),
        ("  护理型床位：在用/空余", f"{r['nursing_in_use']} / {r['nursing_vacant']}"),
        ("  普通床位：在用/空余", f"{r['general_in_use']} / {r['general_vacant']}"),
    ] + [(f"  在住{LEVELS[k]}", v) for k, v in r["residents_by_level"].items()]


def rows(s: dict[str, Any]) -> list[tuple[str, list[tuple[str, Any]]]]:
    """The figures as (section, [(label, value)]) for tables: the command and the bulletin's XLSX."""
    g = s["special_groups"]
    out: list[tuple[str, list[tuple[str, Any]]]] = [
        (
            "老年人口",
            [
                ("60周岁及以上老年人口", s["population_60_plus"]),
                ("65周岁及以上", s["population_65_plus"]),
                ("80周岁及以上", s["population_80_plus"]),
                ("独居、特困、失能老年人（不重复计算）", s["alone_tekun_disabled"]),
            ],
        ),
        ("年龄构成", [(band_label(k), v) for k, v in s["age_bands"].items()]),
        ("性别", [(SEX[k], v) for k, v in s["sex"].items()]),
        ("户籍与常住", [(HUKOU[k], v) for k, v in s["hukou_residence"].items()]),
        (
            "特殊困难群体",
            [(SPECIAL[k], g[k]) for k in SPECIAL]
            + [("计划生育特殊家庭老年人", g["fp_special"]["total"])]
            + [(f"  其中{FP[k]}", g["fp_special"][k]) for k in FP]
            + [("优抚对象", g["youfu"]["total"])]
            + [(f"  {CONTRIBUTION[k]}", v) for k, v in g["youfu"]["by_category"].items()],
        ),
        (
            "残疾",
            [("持残疾人证", s["disability"]["certificate_holders"])]
            + [(f"  残疾{GRADES[k]}", v) for k, v in s["disability"]["by_grade"].items()]
            + [(f"  {DISABILITY_CATEGORIES[k]}残疾", v) for k, v in s["disability"]["by_category"].items()],
        ),
        (
            "能力等级（信息库现有等级）",
            [
                ("失能老年人（中度及以上）", s["ability"]["disabled"]),
                ("有能力评估等级", s["ability"]["assessed"]),
            ]
            + [(f"  {LEVELS[k]}", v) for k, v in s["ability"]["by_level"].items()]
            + [("65周岁及以上评估覆盖率（%）", s["ability"]["assessment_coverage_65_plus_percent"])],
        ),
    ]
    if "assessments" in s:
        out.append(
            (
                "能力评估结果（本系统签署的有效评估，按常住地）",
                [(LEVELS[k], v) for k, v in s["assessments"]["by_level"].items()],
            )
        )
    f = s["facilities"]
    out.append(
        (
            "养老服务设施",
            [("养老机构（公办+社会办）", f["institutions"]), ("养老机构床位", f["institution_beds"])]
            + [
                ("  护理型床位", f["institution_nursing_beds"]),
                ("  护理型床位占比（%）", f["nursing_bed_share_percent"]),
            ]
            + [
                ("  在住人数", f.get("institution_occupied_beds")),
                ("  入住率（%）", f["institution_occupancy_percent"]),
            ]
            + _report_rows(f.get("reports"))
            + [
                (f"{r['label']}：个数/床位/入住", f"{r['count']} / {r['beds']} / {r['occupied_beds']}")
                for r in f["by_kind"]
            ],
        )
    )
    if "visits" in s:
        v = s["visits"]
        out.append(
            (
                f"探访关爱（{v['month']}）",
                [
                    ("探访对象", v["targets"]),
                    ("本月已探访", v["visited"]),
                    ("探访率（%）", v["rate_percent"]),
                    ("逾期未探访", v["overdue"]),
                ],
            )
        )
    if "entitlements" in s:
        e = s["entitlements"]
        out.append(
            (
                f"清单待遇（{e['catalog_name']}，按清单规则测算）",
                [(f"{i['no']}. {i['name']}（人）", i["people"]) for i in e["items"]]
                + [
                    (f"{i['no']}. {i['name']}（年金额，元）", i["annual_amount"])
                    for i in e["items"]
                    if i["annual_amount"]
                ]
                # amounts resting on an example figure (示例值): shown apart, never in a total
                + [
                    (f"{i['no']}. {i['name']}（年金额，元；示例值，不计入合计）", i["example_annual_amount"])
                    for i in e["items"]
                    if i.get("example_annual_amount")
                ],
            )
        )
    if "discovery" in s:
        d = s["discovery"]
        out.append(("服务找人", [("待处理线索", d.get("open")), ("已处理线索", d.get("closed"))]))
    return out
