"""The supervision rules as data: the checklist, inspection scores, hazard deadlines and escalation across
month and year ends, a rating from item scores, the risk score, evidence recognised by its bytes."""

from __future__ import annotations

import datetime as dt

import pytest

from yanglao.supervision import rules
from yanglao.supervision.evidence import sniff

SH = rules.SHANGHAI


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SH)


def test_default_checklist_has_39_indicators_in_6_categories() -> None:
    checklist = rules.load_checklist("default")
    assert len(checklist.indicators) == 39
    assert [name for name, _ in checklist.categories()] == [
        "消防安全",
        "建筑与设施设备安全",
        "食品与医疗卫生安全",
        "运营服务与人员管理",
        "突发事件应急",
        "收费与资金管理",
    ]
    assert all(i.basis and i.deduction > 0 for i in checklist.indicators)


def test_county_checklist_adds_its_item_to_the_default() -> None:
    county = rules.checklist_for("152223100001")
    assert len(county.indicators) == 40
    assert county.by_code()["B07"].category_name == "建筑与设施设备安全"
    assert rules.checklist_for("411700000000").code == "default"
    assert rules.checklist_for("152223100001", dt.date(2025, 1, 1)).code == "152223"
    assert (
        rules.checklist_for("152223100001", dt.date(2024, 12, 31)).code == "default"
    )  # before its valid_from


def test_score_is_100_minus_deductions_and_flags_suspension() -> None:
    checklist = rules.load_checklist("default")
    assert rules.inspection_score(checklist, set()).score == 100
    score = rules.inspection_score(checklist, {"F03", "H02"})
    assert (score.score, score.deductions, score.suspend) == (94, 6, False)
    assert rules.inspection_score(checklist, {"F02"}).suspend is True
    everything = rules.inspection_score(checklist, {i.code for i in checklist.indicators})
    assert everything.score == 0
    with pytest.raises(rules.RuleError, match="没有指标"):
        rules.inspection_score(checklist, {"X99"})


@pytest.mark.parametrize(
    ("level", "opened", "due"),
    [
        ("major", at(2026, 1, 31, 15), at(2026, 2, 1, 15)),  # 24 h over a month end
        ("major", at(2026, 12, 31, 23), at(2027, 1, 1, 23)),  # over a year end
        ("high", at(2026, 1, 30), at(2026, 2, 3, 0)),  # 3 days: to the end of 2 February
        ("medium", at(2026, 2, 25), at(2026, 3, 5, 0)),  # 7 days across a common February
        ("medium", at(2028, 2, 25), at(2028, 3, 4, 0)),  # and a leap one
        ("low", at(2026, 12, 20), at(2027, 1, 5, 0)),  # 15 days across the year end
    ],
)
def test_hazard_deadlines_by_level_across_month_and_year_ends(
    level: str, opened: dt.datetime, due: dt.datetime
) -> None:
    assert rules.hazard_deadline(level, opened) == due


def test_escalation_township_at_the_deadline_county_three_days_later() -> None:
    due = at(2026, 2, 1, 0)
    assert rules.escalation(due, at(2026, 1, 31, 23), False) == ""
    assert rules.escalation(due, at(2026, 2, 1, 1), False) == "township"
    assert rules.escalation(due, at(2026, 2, 4, 0), False) == "township"
    assert rules.escalation(due, at(2026, 2, 4, 1), False) == "county"
    assert rules.escalation(due, at(2026, 3, 1), True) == ""


def test_reply_deadline_by_severity() -> None:
    assert rules.reply_deadline("urgent", at(2026, 6, 30, 9)) == at(2026, 7, 1, 9)
    assert rules.reply_deadline("normal", at(2026, 6, 30, 9)) == at(2026, 7, 4, 0)
    with pytest.raises(rules.RuleError):
        rules.reply_deadline("whenever", at(2026, 6, 30))


def _scores(fraction: float) -> dict[str, int]:
    return {str(i["code"]): round(int(i["max"]) * fraction) for _, i in rules.rating_items()}


def test_rating_total_and_level_from_item_scores() -> None:
    full = rules.rate(_scores(1.0))
    assert (full.total, full.level, full.level_name) == (1000, 5, "五级")
    assert full.areas == {"环境": 120, "设施设备": 130, "运营管理": 150, "服务": 600}
    scores = _scores(0.75)
    result = rules.rate(scores)
    assert result.total == sum(scores.values())
    assert (result.level, result.level_name) == (3, "三级")  # 750: 700 ≤ total < 800
    assert rules.rate(_scores(0.3)).level_name == "未达等级"


def test_rating_refuses_an_item_above_its_maximum_or_missing() -> None:
    scores = _scores(1.0)
    scores["svc_life"] = 121
    with pytest.raises(rules.RuleError, match="超出范围"):
        rules.rate(scores)
    del scores["svc_life"]
    with pytest.raises(rules.RuleError, match="未评分"):
        rules.rate(scores)


def test_rating_validity_three_years() -> None:
    assert rules.valid_until(dt.date(2026, 6, 17)) == dt.date(2029, 6, 16)
    assert rules.valid_until(dt.date(2028, 2, 29)) == dt.date(2031, 2, 28)


def test_risk_score_is_the_published_weighted_sum_with_caps() -> None:
    risk = rules.risk_score({"open_hazards": 2, "overdue_hazards": 1, "months_since_inspection": 30})
    assert risk.score == 2 * 5 + 1 * 10 + 24 * 1 + 5 * 2 * 0
    assert "未清零隐患 2×5=10" in risk.explain()
    assert rules.risk_score({}).score == 0


def test_evidence_is_recognised_by_its_first_bytes() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest") == ("image/jpeg", "jpg")
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == ("image/png", "png")
    assert sniff(b"%PDF-1.7") == ("application/pdf", "pdf")
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == ("image/webp", "webp")
    assert sniff(b"MZ\x90\x00") is None
    assert sniff(b"<html>") is None
