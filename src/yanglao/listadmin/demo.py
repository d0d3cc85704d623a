"""The demo's list adjustments (``yanglao demo``): one published local adjustment of the county's list
and one open draft, made through the same actions as the web, by the demo's two county caseworkers
(``county<code>`` edits, ``county<code>b`` approves and publishes).

- The published version raises the list's first standard that is a real figure (a 高龄津贴 when the
  list has one) by a tenth from the first day of next month: the public page shows it in plain words,
  and the next month's roll and discovery use it, while this month stays as it was.
- The draft, from the first day of the month after, switches on the first local option that is off (or
  else raises another standard): the approval page and the impact page have something to show.

The documents named are the demo's own (示例文件), never real ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from yanglao.accounts.models import User
from yanglao.core.catalog.drafts import add_value, set_option
from yanglao.core.catalog.loader import list_codes
from yanglao.core.catalog.model import Catalog
from yanglao.listadmin import actions
from yanglao.listadmin.models import OPEN_STATES, ListVersion, State

DOCUMENT = "演示：{name}关于调整基本养老服务清单的通知（示例文件，非真实文件）"


def _first_of_next(on: dt.date, months: int = 1) -> dt.date:
    year, month = divmod(on.month - 1 + months, 12)
    return dt.date(on.year + year, month + 1, 1)


def _standards(catalog: Catalog, on: dt.date) -> list[str]:
    """The parameters whose value on ``on`` is a real amount of money, 高龄津贴 first."""
    names = [
        name
        for name, param in catalog.parameters.items()
        if (value := param.value_on(on)) is not None and not value.example and param.unit.startswith("元")
    ]
    return sorted(names, key=lambda n: (not n.startswith("gaoling"), list(catalog.parameters).index(n)))


def _raise(version: ListVersion, editor: User, name: str, since: dt.date, reference: str) -> ListVersion:
    catalog = actions.base_catalog(version)
    old = catalog.parameters[name].value_on(since)
    assert old is not None
    new = (old.value * Decimal("1.1")).quantize(Decimal("1"), ROUND_HALF_UP)
    text = add_value(version.files["parameters.yaml"], name, since, new, reference)
    return actions.do_save_files(
        editor, version, {"parameters.yaml": text}, version.revision, f"演示：参数 {name} 自 {since} 起 {new}"
    )


def build_list_versions(code: str, on: dt.date) -> list[ListVersion]:
    """The published adjustment and the open draft of list ``code`` (nothing when the county has no
    list of its own or already has versions). Returns them, published first."""
    editor = User.objects.filter(username=f"county{code}").first()
    checker = User.objects.filter(username=f"county{code}b").first()
    if code not in list_codes() or editor is None or checker is None:
        return []
    if ListVersion.objects.filter(code=code).exists():
        return list(
            ListVersion.objects.filter(code=code, state__in=[State.PUBLISHED, *OPEN_STATES]).order_by("seq")
        )
    since = _first_of_next(on)
    version = actions.do_create_draft(editor, code)
    reference = DOCUMENT.format(name=actions.base_catalog(version).jurisdiction or code)
    version = actions.do_save_files(
        editor,
        version,
        {},
        version.revision,
        "演示：生效日期",
        meta={"effective_from": since, "summary": "演示调整"},
    )
    standards = _standards(actions.base_catalog(version), since)
    version = _raise(version, editor, standards[0], since, reference)
    version = actions.do_save_files(
        editor,
        version,
        {},
        version.revision,
        "演示：理由",
        meta={"justification": "演示：标准只提高，不低于上级清单；比对中的其余差异是现行清单原有的"},
    )
    actions.do_submit(editor, version)
    actions.do_approve(checker, version)
    published = actions.do_publish(checker, version)

    later = _first_of_next(on, 2)
    draft = actions.do_create_draft(editor, code)
    draft = actions.do_save_files(
        editor,
        draft,
        {},
        draft.revision,
        "演示：生效日期",
        meta={"effective_from": later, "summary": "演示草稿"},
    )
    catalog = actions.base_catalog(draft)
    off = [name for name, option in catalog.options.items() if not option.default]
    if off:
        text = set_option(draft.files["catalog.yaml"], off[0], True, reference, later)
        draft = actions.do_save_files(
            editor,
            draft,
            {"catalog.yaml": text},
            draft.revision,
            f"演示：开启地方选项 {off[0]}",
            meta={"references": {off[0]: reference}},
        )
    else:
        draft = _raise(draft, editor, _standards(catalog, later)[-1], later, reference)
    return [published, draft]
