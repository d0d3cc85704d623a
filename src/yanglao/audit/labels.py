"""The words the audit log is read in: every action, object type and role by its Chinese name.

An event stores codes (``view``, ``person``, ``county_caseworker``); the log page shows these names.
A code written by an earlier version and no longer known is shown as it is, never hidden.
``tests/unit/test_audit_labels.py`` fails when the source writes an object type that has no name here.
"""

from __future__ import annotations

from yanglao.accounts.models import Role
from yanglao.audit.models import Action

ACTIONS: dict[str, str] = {str(code): str(label) for code, label in Action.choices}

# Who acted: a user's role, or the two actors that are not users.
ROLES: dict[str, str] = {str(code): str(label) for code, label in Role.choices} | {
    "cli": "命令行",
    "system": "系统",
}

# What an event is about (the ``object_type`` every ``audit(...)`` call names).
OBJECT_TYPES: dict[str, str] = {
    "person": "老年人",
    "import": "数据导入",
    "user": "用户",
    "users": "用户列表",
    "api_token": "接口令牌",
    "audit": "审计日志",
    "region": "行政区划",
    "assessment": "能力评估",
    "finding": "服务找人事项",
    "findings": "服务找人工作清单",
    "discovery": "服务找人",
    "enrolment": "享受服务记录",
    "enrolments": "享受服务记录导入",
    "payroll": "补贴发放表",
    "payee_account": "补贴发放账户",
    "conflict": "数据冲突",
    "visits": "探访关爱",
    "visitor": "探访员",
    "bulletin": "统计公报",
    "evaluation": "考核排名",
    "assessor": "评估员资质",
    "facility": "养老服务设施",
    "facilities": "养老服务设施名录",
    "facility_import": "设施信息导入",
    "facility_staff": "设施工作人员",
    "facility_training": "工作人员培训记录",
    "capacity_report": "床位月报",
    "residential_project": "居住区配建项目",
    "job": "后台任务",
    "inspection": "监管检查",
    "inspection_plan": "检查计划",
    "hazard": "安全隐患",
    "rating": "等级评定",
    "complaint": "投诉",
    "evidence": "证据材料",
    "supervision": "综合监管",
    "settlement": "机构结算表",
    "application": "入住申请",
    "offer": "入住通知",
    "residence": "入住记录",
    "refusal": "拒收记录",
    "provider": "服务商",
    "volunteer": "志愿者",
    "service_plan": "服务计划",
    "service_checkin": "上门服务签到",
    "service_claim": "服务结算申报",
    "service_claim_line": "服务结算申报明细",
    "service_settlement": "服务结算表",
    "service_order": "服务工单",
    "home_bed": "家庭养老床位",
    "adaptation": "适老化改造",
    "meal_point": "助餐点",
    "meal_month": "助餐月度核算",
    "services_daily": "居家服务每日核查",
    "list_version": "服务清单版本",
}


def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


def role_label(code: str) -> str:
    return ROLES.get(code, code)


def object_type_label(code: str) -> str:
    return OBJECT_TYPES.get(code, code)
