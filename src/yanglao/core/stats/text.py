"""The words of a statistical bulletin (统计公报): numbers as the bulletins write them, and paragraphs
built from the figures (the dict of ``yanglao stats --json``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def people(n: int | None) -> str:
    """64511 → "6.45万人"; 4088 → "4088人" (bulletins write ten-thousands as 万 with two decimals)."""
    if n is None:
        return "—"
    if abs(n) >= 10_000:
        return f"{n / 10_000:.2f}万人"
    return f"{n}人"


def count(n: int | None, unit: str) -> str:
    if n is None:
        return "—"
    if abs(n) >= 10_000:
        return f"{n / 10_000:.2f}万{unit}"
    return f"{n}{unit}"


def yuan(amount: float | None) -> str:
    if amount is None:
        return "—"
    if abs(amount) >= 10_000:
        return f"{amount / 10_000:,.2f}万元"
    return f"{amount:,.0f}元"


def share(part: int | float | None, whole: int | float | None) -> str:
    if not whole or part is None:
        return "—"
    return f"{100.0 * part / whole:.1f}%"


def whole_of(name: str) -> str:
    """ "全旗", "全县", "全镇", "全苏木" …: how a bulletin names the whole of its region."""
    for suffix in ("苏木", "社区", "自治旗", "自治县", "林区", "特区"):
        if name.endswith(suffix):
            return "全" + suffix.removeprefix("自治")
    return "全" + (name[-1] if name else "区")


def period_text(on: dt.date) -> str:
    """ "2026年10月末" at a month end, otherwise "2026年11月23日"."""
    if (on + dt.timedelta(days=1)).day == 1:
        return f"{on.year}年{on.month}月末"
    return f"{on.year}年{on.month}月{on.day}日"


def paragraphs(s: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) of the bulletin, in order."""
    on = dt.date.fromisoformat(s["date"])
    whole = whole_of(s["region"]["name"])
    p60, p80, p65 = s["population_60_plus"], s["population_80_plus"], s["population_65_plus"]
    sex = s["sex"]
    hr = s["hukou_residence"]
    out: list[tuple[str, list[str]]] = []
    first = (
        f"截至{period_text(on)}，{whole}有60周岁及以上户籍老年人口{people(p60)}，"
        f"其中65周岁及以上{people(p65)}，占{share(p65, p60)}；80周岁及以上高龄老年人口{people(p80)}，"
        f"占{share(p80, p60)}。男性{people(sex['male'])}，女性{people(sex['female'])}。"
    )
    second = (
        f"60周岁及以上常住老年人口{people(hr['resident'])}；户籍在本地、常住外地的{people(hr['hukou_living_elsewhere'])}，"
        f"常住本地、户籍在外地的{people(hr['resident_hukou_elsewhere'])}。"
        f"独居、特困、失能老年人{people(s['alone_tekun_disabled'])}（不重复计算）。"
    )
    out.append(("一、老年人口", [first, second]))
    g = s["special_groups"]
    out.append(
        (
            "二、特殊困难老年人",
            [
                f"最低生活保障对象{people(g['dibao'])}，低保边缘家庭成员{people(g['dibao_edge'])}，"
                f"支出型困难家庭成员{people(g['spending_hardship'])}。特困人员"
                f"{people(g['tekun_dispersed'] + g['tekun_centralized'])}，其中分散供养{people(g['tekun_dispersed'])}，"
                f"集中供养{people(g['tekun_centralized'])}。",
                f"独居老年人{people(g['living_alone'])}，空巢老年人{people(g['living_empty_nest'])}，"
                f"留守老年人{people(g['living_left_behind'])}。计划生育特殊家庭老年人{people(g['fp_special']['total'])}，"
                f"优抚对象{people(g['youfu']['total'])}。持残疾人证的老年人{people(s['disability']['certificate_holders'])}。",
            ],
        )
    )
    a = s["ability"]
    out.append(
        (
            "三、老年人能力",
            [
                f"有老年人能力评估等级的{people(a['assessed'])}，其中失能（中度失能及以上）老年人{people(a['disabled'])}。"
                f"65周岁及以上老年人能力评估覆盖率{_pct(a['assessment_coverage_65_plus_percent'])}。"
            ],
        )
    )
    section = 4
    if "entitlements" in s:
        e = s["entitlements"]
        priced = [i for i in e["items"] if i["annual_amount"]]
        top = "；".join(
            f"{i['name']}{people(i['people'])}" for i in sorted(e["items"], key=lambda i: -i["people"])[:4]
        )
        money = sum(i["annual_amount"] for i in priced)
        out.append(
            (
                f"{_numeral(section)}、基本养老服务",
                [
                    f"按《{e['catalog_name']}》测算，享受至少一项服务的老年人{people(e['people_with_any'])}。"
                    f"人数较多的项目：{top}。有明确标准的现金类项目折合年金额{yuan(money)}。"
                ],
            )
        )
        section += 1
    if "visits" in s:
        v = s["visits"]
        out.append(
            (
                f"{_numeral(section)}、探访关爱",
                [
                    f"{v['month'][:4]}年{int(v['month'][5:])}月，探访关爱对象{people(v['targets'])}，当月探访{people(v['visited'])}，"
                    f"探访率{_pct(v['rate_percent'])}；逾期未探访{people(v['overdue'])}。"
                ],
            )
        )
        section += 1
    f = s["facilities"]
    kinds = "，".join(
        f"{r['label']}{count(r['count'], '个')}、床位{count(r['beds'], '张')}"
        for r in f["by_kind"]
        if r["count"]
    )
    out.append(
        (
            f"{_numeral(section)}、养老服务设施",
            [
                f"{whole}有养老机构{count(f['institutions'], '个')}，床位{count(f['institution_beds'], '张')}，"
                f"其中护理型床位{count(f['institution_nursing_beds'], '张')}，占{_pct(f['nursing_bed_share_percent'])}；"
                f"入住率{_pct(f['institution_occupancy_percent'])}。分类型：{kinds}。"
            ],
        )
    )
    section += 1
    if "discovery" in s:
        d = s["discovery"]
        missed = d.get("by_kind", {}).get("missed", {})
        out.append(
            (
                f"{_numeral(section)}、服务找人",
                [
                    f"服务找人发现线索{count(d.get('total'), '条')}，已处理{count(d.get('closed'), '条')}，"
                    f"待处理{count(d.get('open'), '条')}；其中符合条件未享受（漏保）待处理"
                    f"{count(missed.get('open'), '条')}，涉及{people(d.get('missed_open_people'))}。"
                ],
            )
        )
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _numeral(n: int) -> str:
    return "零一二三四五六七八九十"[n] if n <= 10 else str(n)
