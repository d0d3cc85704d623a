"""User administration: only the administrator (everywhere) and county caseworkers (in their county)
manage users; a township caseworker — the outsider too — may never (403). Out-of-scope users (404,
audited) are tested in ``tests/integration/test_users_admin.py`` with a county of its own."""

from __future__ import annotations

from tests.integration.urlpolicy import Case, answers

MANAGERS_ONLY = answers(403, 403, 403, 200, outsider=403)

CASES = {
    "users:edit": Case(lambda w: [w.township_user.pk], MANAGERS_ONLY),
    "users:reset": Case(lambda w: [w.township_user.pk], MANAGERS_ONLY, "post"),
}

# The header's 用户管理 link (base.html: ``{% if user|may:"users.manage" %}<a href="{% url 'users:list' %}">用户管理</a>{% endif %}``).
MENU = {"users:list": "users.manage"}
