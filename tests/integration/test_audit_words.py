"""The audit log page speaks Chinese: roles, actions and object types by name, never their codes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse

from yanglao.audit.log import audit
from yanglao.audit.models import Action

pytestmark = pytest.mark.django_db


def cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


@pytest.fixture
def admin(db: None) -> Any:
    from yanglao.accounts.models import User

    return User.objects.create_user(username="admin", password="x-Admin-2026!", role="admin")


def test_the_log_names_roles_actions_and_object_types_in_chinese(
    login: Any, admin: Any, county_user: Any, make_person: Any
) -> None:
    person = make_person("王秀英")
    audit(
        county_user, Action.VIEW, object_type="person", object_id=str(person.pk), detail={"person": person.pk}
    )
    audit(county_user, Action.EXPORT, object_type="payroll", object_id="7", summary="导出发放表")
    audit("import-script", Action.IMPORT, object_type="import", summary="命令行导入")

    page = login(admin).get(reverse("audit")).content.decode()

    shown = cells(page)
    for words in (
        "县级民政经办人员",
        "查看",
        f"老年人 {person.pk}",
        "导出",
        "补贴发放表 7",
        "命令行",
        "数据导入",
    ):
        assert words in shown, words
    for code in ("county_caseworker", "payroll", "person", "view", "cli"):
        assert code not in shown, code


def test_the_action_filter_offers_actions_by_name(login: Any, auditor: Any) -> None:
    page = login(auditor).get(reverse("audit")).content.decode()

    assert '<option value="denied">越权访问被拒绝</option>' in page


def test_the_label_filters_put_codes_in_words() -> None:
    template = Template(
        "{% load labels %}{{ a|code_label:'living_arrangement' }}|{{ b|code_label:'dibao' }}|"
        "{{ c|code_label:'ability_level' }}|{{ d|code_label:'tekun' }}|{{ e|code_label:'name' }}|"
        "{{ 'living_arrangement'|field_label }}|{{ 'phone'|field_label }}|{{ 'auditor'|role_label }}|"
        "{{ 'resolve'|action_label }}|{{ 'enrolment'|object_type_label }}"
    )

    text = template.render(Context({"a": "alone", "b": "true", "c": "2", "d": "dispersed", "e": "王秀英"}))

    assert text.split("|") == [
        "独居",
        "是",
        "中度失能",
        "分散供养",
        "王秀英",
        "居住状况",
        "联系电话",
        "审计员",
        "处理冲突",
        "享受服务记录",
    ]
