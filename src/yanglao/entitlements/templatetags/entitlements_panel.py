"""``{% person_entitlements person as panel %}``: the person page's panel (today's entitlements with
the reasons, the enrolments, the open findings), shown only to roles that see sensitive information."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from yanglao.core import masking
from yanglao.entitlements import catalogs
from yanglao.entitlements.access import can_read, scoped_findings
from yanglao.entitlements.explain import decide, decision_json
from yanglao.entitlements.models import LIVE_STATES, Enrolment, PayeeAccount

register = template.Library()


@register.simple_tag(takes_context=True)
def person_entitlements(context: dict[str, Any], person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not masking.sees_sensitive(getattr(user, "role", "")):
        return {"hidden": True}
    today = timezone.localdate()
    found = catalogs.person_list(person.hukou_region, person.residence_region, today)
    code = found.code
    explanation = None
    if code:
        catalog = catalogs.catalog(code, today)
        record, decision = decide(catalog, person, today)
        explanation = decision_json(catalog, record, decision)
    account = PayeeAccount.objects.filter(person=person).first()
    findings = (
        list(scoped_findings(user).filter(person=person, state__in=LIVE_STATES).order_by("kind", "pk"))
        if can_read(user)
        else []
    )
    return {
        "hidden": False,
        "on": today,
        "explanation": explanation,
        "lists_passed": found.words,  # a 征求意见稿 not adopted, a list not in force (issue 12)
        "granted": [i for i in explanation["items"] if i["granted"]] if explanation else [],
        "others": [i for i in explanation["items"] if not i["granted"]] if explanation else [],
        "enrolments": list(Enrolment.objects.filter(person=person).order_by("status", "catalog", "start")),
        "account": account.masked if account else "",
        "bank": account.bank if account else "",
        "findings": findings,
        "can_open": can_read(user),
    }
