"""The pages of 清单调整: the lists of the user's region, one list's versions, a version (the draft
editor and the approval page), the YAML editor of one file, adding an item, the impact of a draft."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from yanglao.accounts.scope import deny, require
from yanglao.core.catalog import source
from yanglao.core.catalog.drafts import FILES, add_value, append_item, load_texts, retire_item, set_option
from yanglao.core.catalog.loader import load_taxonomy
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.versions import history
from yanglao.core.catalog.yamlio import YamlFileError
from yanglao.listadmin import actions
from yanglao.listadmin.access import access_code, access_version, can, codes_for
from yanglao.listadmin.checks import blocking
from yanglao.listadmin.models import OPEN_STATES, ListVersion, State
from yanglao.listadmin.store import ancestors_on, in_force

ITEM_TEMPLATE = """no: "{no}"
code: {code}
name: 新增项目名称
type: caring_service
target_text: 服务对象（照录文件）
rule:
  ">=": [age, 80]
content: 服务内容
standard_text: 服务标准
valid_from: {valid_from}
notes: 依据：文件名称和文号
"""


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request, "lists.read")
    today = timezone.localdate()
    rows = []
    for code in codes_for(request.user):
        catalog = source.catalog_on(code, today)
        rows.append(
            {
                "code": code,
                "name": catalog.name,
                "version": catalog.version,
                "open": ListVersion.objects.filter(code=code, state__in=OPEN_STATES).first(),
                "published": ListVersion.objects.filter(code=code, state=State.PUBLISHED).count(),
            }
        )
    return render(
        request, "listadmin/index.html", {"rows": rows, "can_edit": can(request.user, "lists.edit")}
    )


@login_required
def code_page(request: HttpRequest, code: str) -> HttpResponse:
    access_code(request, code)
    versions = ListVersion.objects.filter(code=code).order_by("-seq")
    today = timezone.localdate()
    context = {
        "code": code,
        "catalog": source.catalog_on(code, today),
        "versions": versions,
        "in_force": in_force(code, today),
        "can_edit": can(request.user, "lists.edit"),
        "has_open": versions.filter(state__in=OPEN_STATES).exists(),
    }
    return render(request, "listadmin/list.html", context)


@login_required
@require_POST
def new_draft(request: HttpRequest, code: str) -> HttpResponse:
    access_code(request, code, "lists.edit")
    try:
        version = actions.do_create_draft(request.user, code, request=request)
    except actions.StepError as exc:
        messages.error(request, str(exc))
        return redirect("listadmin:list", code)
    messages.success(request, f"已起草版本 {version.version}（以现行版本为底稿）")
    return redirect("listadmin:version", version.pk)


def _draft_catalog(version: ListVersion) -> Catalog | None:
    try:
        return load_texts(
            version.code, version.files, ancestors_on(version.files, actions.check_day(version))
        )
    except YamlFileError:
        return None


def _param_rows(catalog: Catalog, base: Catalog) -> list[dict[str, Any]]:
    rows = []
    for name, param in catalog.parameters.items():
        old = base.parameters.get(name)
        known = set(old.values) if old else set()
        rows.append(
            {
                "name": name,
                "label": param.label,
                "unit": param.unit,
                "values": [{"v": v, "new": v not in known} for v in param.values],
            }
        )
    return rows


def version_context(request: HttpRequest, version: ListVersion) -> dict[str, Any]:
    user = request.user
    catalog = _draft_catalog(version)
    base = actions.base_catalog(version)
    editor = user.pk in version.editors or user.pk == version.created_by_id
    changes = history(base, catalog, actions.check_day(version), version.references) if catalog else []
    if version.state == State.PUBLISHED:
        changes_text = [line["text"] for line in version.history]
    else:
        changes_text = [line.text for line in changes]
    return {
        "version": version,
        "catalog": catalog,
        "base": base,
        "params": _param_rows(catalog, base) if catalog else [],
        "changes": changes_text,
        "checks": version.checks,
        "blocking": blocking(version.checks, version.justification) if version.checks else ["尚未检查"],
        "files": [name for name in FILES if name in version.files],
        "editable": version.state == State.DRAFT and can(user, "lists.edit"),
        "can_submit": version.state == State.DRAFT and can(user, "lists.edit"),
        "can_check": version.state in (State.REVIEW, State.APPROVED) and can(user, "lists.approve"),
        "is_editor": editor,
        "can_recheck": can(user, "lists.edit"),
        "today": timezone.localdate(),
    }


@login_required
def version_page(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request, pk)
    return render(request, "listadmin/version.html", version_context(request, version))


def _revision(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def _save(
    request: HttpRequest,
    version: ListVersion,
    changes: dict[str, str],
    what: str,
    meta: dict[str, Any] | None = None,
) -> str | None:
    """Save; the error's words when refused (nothing saved)."""
    try:
        actions.do_save_files(
            request.user, version, changes, _revision(request), what, request=request, meta=meta
        )
    except (actions.StepError, YamlFileError) as exc:
        return str(exc)
    return None


def _edited(request: HttpRequest, version: ListVersion, error: str | None, done: str) -> HttpResponse:
    if error:
        messages.error(request, f"未保存：{error}")
    else:
        messages.success(request, done)
    return redirect("listadmin:version", version.pk)


@login_required
@require_POST
def meta(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request, pk, "lists.edit")
    effective = _date(request.POST.get("effective_from", ""))
    if effective is None:
        return _edited(request, version, "生效日期应写成 YYYY-MM-DD", "")
    values = {
        "effective_from": effective,
        "summary": request.POST.get("summary", "").strip()[:300],
        "justification": request.POST.get("justification", "").strip(),
    }
    return _edited(request, version, _save(request, version, {}, "修改生效日期和说明", values), "已保存")


@login_required
@require_POST
def value(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request, pk, "lists.edit")
    name = request.POST.get("name", "")
    start = _date(request.POST.get("from", ""))
    reference = request.POST.get("reference", "")
    try:
        amount = Decimal(request.POST.get("value", "").strip())
    except InvalidOperation:
        amount = None
    if start is None or amount is None or not amount.is_finite():
        return _edited(request, version, "请填写生效日期（YYYY-MM-DD）和数值", "")
    try:
        text = add_value(
            version.files["parameters.yaml"],
            name,
            start,
            amount,
            reference,
            example="example" in request.POST,
        )
    except YamlFileError as exc:
        return _edited(request, version, str(exc), "")
    what = f"参数 {name} 加值：自 {start} 起 {amount}，依据：{reference.strip()}"
    return _edited(request, version, _save(request, version, {"parameters.yaml": text}, what), what)


@login_required
@require_POST
def option(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request, pk, "lists.edit")
    name = request.POST.get("name", "")
    on = request.POST.get("on") == "1"
    reference = request.POST.get("reference", "")
    since = version.effective_from or timezone.localdate()
    try:
        text = set_option(version.files["catalog.yaml"], name, on, reference, since)
    except YamlFileError as exc:
        return _edited(request, version, str(exc), "")
    what = f"地方选项 {name} {'开启' if on else '关闭'}" + (
        f"，依据：{reference.strip()}" if reference.strip() else ""
    )
    meta = {"references": {name: reference.strip()}}
    return _edited(request, version, _save(request, version, {"catalog.yaml": text}, what, meta), what)


@login_required
@require_POST
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request, pk, "lists.edit")
    no = request.POST.get("no", "")
    last = _date(request.POST.get("last_day", ""))
    if last is None:
        return _edited(request, version, "请填写最后执行日期（YYYY-MM-DD）", "")
    try:
        text = retire_item(version.files["items.yaml"], no, last)
    except YamlFileError as exc:
        return _edited(request, version, str(exc), "")
    what = f"第{no}项执行到 {last}"
    return _edited(request, version, _save(request, version, {"items.yaml": text}, what), what)


def _numbered(text: str, error: YamlFileError | None) -> list[dict[str, Any]]:
    line = error.line if error is not None else None
    return [
        {"no": i, "text": t, "bad": i == line, "near": abs(i - line) <= 3 if line else i <= 5}
        for i, t in enumerate(text.split("\n"), start=1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def edit_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    version = access_version(request, pk, "lists.read")
    if name not in FILES:
        raise deny(request, exists=False, object_type="list_version", object_id=str(pk), what=name)
    text = version.files.get(name, "")
    revision = version.revision
    error: YamlFileError | None = None
    stale = ""
    if request.method == "POST":
        version = access_version(request, pk, "lists.edit")
        text = request.POST.get("text", "").replace("\r\n", "\n")
        revision = _revision(request)
        try:
            actions.do_save_files(
                request.user, version, {name: text}, revision, f"编辑 {name}", request=request
            )
        except YamlFileError as exc:
            error = exc
        except actions.StaleDraft as exc:
            stale = str(exc)
        except actions.StepError as exc:
            stale = str(exc)
        else:
            messages.success(request, f"已保存 {name}")
            return redirect("listadmin:version", version.pk)
    context = {
        "version": version,
        "name": name,
        "text": text,
        "revision": revision,
        "error": error,
        "stale": stale,
        "latest": version.files.get(name, "") if stale else "",
        "lines": _numbered(text, error) if error is not None else [],
        "editable": version.state == State.DRAFT and can(request.user, "lists.edit"),
    }
    return render(request, "listadmin/file.html", context, status=400 if (error or stale) else 200)


@login_required
@require_http_methods(["GET", "POST"])
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request, pk, "lists.edit")
    block = _skeleton(version)
    error: Exception | None = None
    if request.method == "POST":
        block = request.POST.get("block", "").replace("\r\n", "\n")
        try:
            text = append_item(version.files["items.yaml"], block)
            actions.do_save_files(
                request.user, version, {"items.yaml": text}, _revision(request), "新增项目", request=request
            )
        except (YamlFileError, actions.StepError) as exc:
            error = exc
        else:
            messages.success(request, "已新增项目")
            return redirect("listadmin:version", version.pk)
    context = {"version": version, "block": block, "error": error}
    return render(request, "listadmin/item.html", context, status=400 if error else 200)


def _skeleton(version: ListVersion) -> str:
    """A new item to fill in: the next number, a service code of the taxonomy the draft does not use
    yet, in force from the draft's effective date."""
    catalog = _draft_catalog(version)
    used = {b.code for item in catalog.items for b in item.benefits} if catalog else set()
    free = [code for code in sorted(load_taxonomy().services) if code not in used]
    numbers = [int(item.no) for item in catalog.items if item.no.isdigit()] if catalog else []
    return (
        ITEM_TEMPLATE.replace("{no}", str(max(numbers, default=0) + 1))
        .replace("{code}", free[0] if free else "service_code")
        .replace("{valid_from}", actions.check_day(version).isoformat())
    )


def _step(request: HttpRequest, pk: int, verb: str, work: Any, done: str) -> HttpResponse:
    version = access_version(request, pk, verb)
    try:
        work(version)
    except actions.StepError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("listadmin:version", version.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, "lists.edit", lambda v: actions.do_submit(request.user, v, request=request), "已提交审核"
    )


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, "lists.approve", lambda v: actions.do_approve(request.user, v, request=request), "已批准"
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "lists.approve",
        lambda v: actions.do_publish(request.user, v, request=request),
        "已发布：自生效日期起，自助查询、服务找人和发放表都按新版本计算",
    )


@login_required
@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _step(
        request,
        pk,
        "lists.approve",
        lambda v: actions.do_return(request.user, v, reason, request=request),
        "已退回草稿",
    )


@login_required
@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "lists.edit",
        lambda v: actions.do_recheck(request.user, v, request=request),
        "已完成检查（含与上级清单比对）",
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request, pk, "lists.edit", lambda v: actions.do_withdraw(request.user, v, request=request), "已作废"
    )
