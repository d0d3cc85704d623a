"""Every write to a list version, each audited (object type ``list_version``).

- :func:`do_create_draft` copies the version in force (or the shipped list) into a new draft;
- :func:`do_save_files` saves a draft's files after the strict loader and the checks accept them,
  under an optimistic lock: the caller names the revision it edited, a save on a newer revision is
  refused (:class:`StaleDraft`) and the caller keeps its text;
- :func:`do_submit` (草稿 → 审核), :func:`do_return` (审核/批准 → 草稿), :func:`do_approve`
  (审核 → 批准) and :func:`do_publish` (批准 → 发布): the editors of a version never approve or publish
  it (maker-checker, decided on the row locked with ``select_for_update``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.catalog import source
from yanglao.core.catalog.drafts import Texts, load_texts, set_version
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.versions import history
from yanglao.core.catalog.yamlio import YamlFileError
from yanglao.listadmin import checks
from yanglao.listadmin.models import OPEN_STATES, ListVersion, State
from yanglao.listadmin.store import (
    ancestors_on,
    digest,
    load_files,
    published_versions,
    shipped_texts,
    texts_on,
)

OBJECT = "list_version"


class StepError(ValueError):
    """A step that may not be taken now (the message says why, in Chinese)."""


class StaleDraft(StepError):
    """The draft was saved by someone else since the editor opened it."""


def _audit(
    actor: Any, action: Action, version: ListVersion, summary: str, request: HttpRequest | None, **detail: Any
) -> None:
    audit(
        actor,
        action,
        request=request,
        object_type=OBJECT,
        object_id=str(version.pk),
        summary=f"清单 {version.code} 版本 {version.version}：{summary}"[:300],
        detail={"code": version.code, "version": version.version, "state": version.state, **detail},
    )


def base_catalog(version: ListVersion) -> Catalog:
    """The version the draft was made from, loaded (the old values it must keep), from its files as
    they were when the draft was made."""
    if version.base_files:
        return load_files(version.code, version.base_files, version.effective_from or timezone.localdate())
    row = ListVersion.objects.filter(
        code=version.code, version=version.base_version, state=State.PUBLISHED
    ).first()
    if row is None:
        return source.shipped(version.code)
    on = row.effective_from or timezone.localdate()
    return load_texts(version.code, row.files, ancestors_on(row.files, on))


def check_day(version: ListVersion) -> dt.date:
    return version.effective_from or timezone.localdate()


def do_create_draft(actor: Any, code: str, *, request: HttpRequest | None = None) -> ListVersion:
    """A new draft of list ``code``: a copy of its latest published version (the one in force, or one
    published to take effect later), or of the shipped list before any."""
    today = timezone.localdate()
    latest = published_versions(code)
    texts, base = texts_on(code, latest[-1].effective_from if latest else today)
    if not texts:
        raise StepError(f"没有清单 {code}")
    with transaction.atomic():
        if ListVersion.objects.filter(code=code, state__in=OPEN_STATES).exists():
            raise StepError("本清单已有一个未发布的版本，请在其上继续，或将其作废后再起草")
        seq = (ListVersion.objects.filter(code=code).aggregate(m=Max("seq"))["m"] or 0) + 1
        label = f"{today.year}-{seq}"
        now = timezone.now()
        try:
            version = ListVersion.objects.create(
                code=code,
                seq=seq,
                version=label,
                base_version=base,
                files={
                    name: (set_version(t, label) if name == "catalog.yaml" else t)
                    for name, t in texts.items()
                },
                base_files=texts,
                created_by=actor,
                created_at=now,
                updated_at=now,
                editors=[actor.pk],
            )
        except IntegrityError:
            raise StepError("本清单已有一个未发布的版本，请刷新页面") from None
        _audit(actor, Action.CREATE, version, f"以版本 {base} 起草", request)
    version.checks = {
        **checks.run(code, version.files, base_catalog(version), today, compare=False),
        "revision": version.revision,
    }
    version.save(update_fields=["checks"])
    return version


def _locked(pk: int) -> ListVersion:
    return ListVersion.objects.select_for_update().get(pk=pk)


def do_save_files(
    actor: Any,
    version: ListVersion,
    changes: Mapping[str, str],
    revision: int,
    what: str,
    *,
    request: HttpRequest | None = None,
    meta: Mapping[str, Any] | None = None,
) -> ListVersion:
    """Save changed files (and ``meta``: effective_from, summary, justification, references) of a
    draft edited at ``revision``. Raises :class:`StaleDraft`, :class:`StepError` or
    :class:`YamlFileError` (file, line, path, reason); nothing is saved then."""
    with transaction.atomic():
        row = _locked(version.pk)
        if row.state != State.DRAFT:
            raise StepError(f"版本处于“{row.get_state_display()}”状态，不能修改；须先退回草稿")
        if row.revision != revision:
            who = row.updated_at.astimezone(timezone.get_current_timezone()).strftime("%H:%M:%S")
            raise StaleDraft(
                f"这份草稿在你打开之后已被保存过（{who}，修订号 {row.revision}，你编辑的是 {revision}）；"
                "你的修改没有保存，仍在下面，请对照最新内容后重新保存"
            )
        texts = {**row.files, **changes}
        meta = dict(meta or {})
        effective = meta.get("effective_from", row.effective_from)
        on = effective or timezone.localdate()
        base = base_catalog(row)
        checks.validate(row.code, texts, base, on)
        row.files = texts
        for key, value in meta.items():
            if key == "references":
                row.references = {**row.references, **value}
            else:
                setattr(row, key, value)
        row.revision += 1
        row.updated_at = timezone.now()
        if actor.pk not in row.editors:
            row.editors = [*row.editors, actor.pk]
        row.checks = {**checks.run(row.code, texts, base, on, compare=False), "revision": row.revision}
        row.save()
        _audit(actor, Action.CHANGE, row, what, request, revision=row.revision, files=sorted(changes))
    return row


def _checked(row: ListVersion) -> dict[str, Any]:
    """The checks of the row as it is, the comparison with the parent list included (the stored ones
    when they were made on this revision and day)."""
    done = row.checks or {}
    on = check_day(row).isoformat()
    if done.get("revision") == row.revision and done.get("on") == on and "findings" in done:
        return done
    return {**checks.run(row.code, row.files, base_catalog(row), check_day(row)), "revision": row.revision}


def do_recheck(actor: Any, version: ListVersion, *, request: HttpRequest | None = None) -> ListVersion:
    """Run every check now, the comparison with the parent list included."""
    with transaction.atomic():
        row = _locked(version.pk)
        row.checks = _checked(row)
        row.save(update_fields=["checks"])
    return row


def _checker(row: ListVersion, actor: Any, step: str) -> None:
    if actor.pk in row.editors or actor.pk == row.created_by_id or actor.pk == row.submitted_by_id:
        raise StepError(f"编辑或提交这个版本的人不能{step}（审核与编辑须由不同的人完成）")


def do_submit(actor: Any, version: ListVersion, *, request: HttpRequest | None = None) -> ListVersion:
    """草稿 → 审核, after every check (the comparison with the parent list included) lets it through;
    otherwise the checks are kept on the draft and :class:`StepError` says why."""
    with transaction.atomic():
        row = _locked(version.pk)
        if row.state != State.DRAFT:
            raise StepError(f"只有草稿可以提交审核，当前为“{row.get_state_display()}”")
        if row.effective_from is None:
            raise StepError("请先填写生效日期")
        row.checks = _checked(row)
        problems = checks.blocking(row.checks, row.justification)
        if problems:
            row.save(update_fields=["checks"])
        else:
            row.state, row.submitted_by, row.submitted_at = State.REVIEW, actor, timezone.now()
            row.returned_reason = ""
            row.save()
            _audit(
                actor,
                Action.CHANGE,
                row,
                f"提交审核（自 {row.effective_from} 起生效）",
                request,
                step="submit",
            )
    if problems:
        raise StepError("不能提交：" + "；".join(problems))
    return row


def do_return(
    actor: Any, version: ListVersion, reason: str, *, request: HttpRequest | None = None
) -> ListVersion:
    if not reason.strip():
        raise StepError("退回须写理由")
    with transaction.atomic():
        row = _locked(version.pk)
        if row.state not in (State.REVIEW, State.APPROVED):
            raise StepError(f"只有审核中或已批准未发布的版本可以退回，当前为“{row.get_state_display()}”")
        _checker(row, actor, "退回")
        row.state, row.returned_reason = State.DRAFT, reason.strip()[:300]
        row.submitted_by = row.submitted_at = row.approved_by = row.approved_at = None
        row.save()
        _audit(actor, Action.CHANGE, row, f"退回草稿：{reason.strip()}", request, step="return")
    return row


def do_approve(actor: Any, version: ListVersion, *, request: HttpRequest | None = None) -> ListVersion:
    with transaction.atomic():
        row = _locked(version.pk)
        if row.state != State.REVIEW:
            raise StepError(f"只有审核中的版本可以批准，当前为“{row.get_state_display()}”")
        _checker(row, actor, "批准")
        row.state, row.approved_by, row.approved_at = State.APPROVED, actor, timezone.now()
        row.save()
        _audit(actor, Action.CHANGE, row, "批准", request, step="approve")
    return row


def do_publish(actor: Any, version: ListVersion, *, request: HttpRequest | None = None) -> ListVersion:
    """Publish an approved version: from its effective date every caller reads it."""
    with transaction.atomic():
        row = _locked(version.pk)
        if row.state != State.APPROVED:
            raise StepError(f"只有已批准的版本可以发布，当前为“{row.get_state_display()}”")
        _checker(row, actor, "发布")
        assert row.effective_from is not None
        base = base_catalog(row)
        row.checks = _checked(row)
        problems = checks.blocking(row.checks, row.justification)
        if problems:
            raise StepError("不能发布：" + "；".join(problems))
        new = load_texts(row.code, row.files, ancestors_on(row.files, row.effective_from))
        row.history = [
            {"on": line.on.isoformat(), "kind": line.kind, "text": line.text}
            for line in history(base, new, row.effective_from, row.references)
        ]
        row.digest = digest(row.files)
        row.state, row.published_by, row.published_at = State.PUBLISHED, actor, timezone.now()
        row.save()
        _audit(actor, Action.CHANGE, row, f"发布，自 {row.effective_from} 起执行", request, step="publish")
        transaction.on_commit(source.invalidate)
    source.invalidate()
    return row


def do_withdraw(actor: Any, version: ListVersion, *, request: HttpRequest | None = None) -> ListVersion:
    with transaction.atomic():
        row = _locked(version.pk)
        if row.state not in OPEN_STATES:
            raise StepError("已发布的版本不能作废；请起草新版本调整")
        row.state = State.WITHDRAWN
        row.save()
        _audit(actor, Action.CHANGE, row, "作废", request, step="withdraw")
    return row


def texts_for(version: ListVersion) -> Texts:
    return dict(version.files) or shipped_texts(version.code)


__all__ = ["StaleDraft", "StepError", "YamlFileError"]
