"""The reasons a claim line is held (code → the words staff read), apart from the match itself so
that the pages listing them import no columnar engine."""

from __future__ import annotations

# The reasons a line is held, in the order they are listed (code → the words staff read).
REASONS: dict[str, str] = {
    "unknown_service": "服务不在本地服务目录内（或当月未执行）",
    "unknown_person": "人员信息中没有此人",
    "not_eligible": "不符合该服务的对象条件",
    "no_plan": "没有该服务机构、该服务在当日有效的服务计划",
    "no_checkin": "当日没有该服务的签到记录",
    "impossible_time": "签到时间不可能（签退早于签到、超过24小时或同一服务人员一天超过24小时）",
    "worker_overlap": "同一服务人员同一时间在两处服务",
    "dead": "服务日期在老人死亡日期当天或之后",
    "in_care_home": "服务日期老人在养老机构",
    "in_hospital": "服务日期老人住院",
    "duplicate": "重复申报（同一明细号、同人同服务同日同数量，或已在以前结算）",
    "over_price_cap": "金额超过价格上限（单价上限 × 数量）",
    "over_plan": "超出服务计划的每月数量",
    "over_monthly_cap": "超出目录的每月上限（数量或金额）",
}

__all__ = ["REASONS"]
