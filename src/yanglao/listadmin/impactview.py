"""The impact of a draft before approval: the draft against the version in force on its effective
date, over the people of the list's jurisdiction (:func:`yanglao.core.catalog.impact.impact`, on the
bulk engine). Counts and costs for every reader; the people gaining and losing each item (masked ID
number and name as the user may see it) only for the caseworkers who work 服务找人."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yanglao.accounts.scope import may
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.catalog import source
from yanglao.core.catalog.drafts import load_texts
from yanglao.core.catalog.yamlio import YamlFileError
from yanglao.core.idnumber import mask_id_number
from yanglao.core.masking import person_label
from yanglao.listadmin.access import access_version
from yanglao.listadmin.actions import check_day
from yanglao.listadmin.models import ListVersion
from yanglao.listadmin.store import ancestors_on
from yanglao.regions.models import Region
from yanglao.registry.models import Person

if TYPE_CHECKING:
    from yanglao.core.catalog.impact import ImpactReport

SHOWN = 50  # people listed per item and direction


def report_for(version: ListVersion) -> ImpactReport:
    # the impact's frames (Polars): imported when a report is made, not with the URL modules
    from yanglao.core.catalog.impact import impact
    from yanglao.listadmin.people import persons_of

    on = check_day(version)
    before = source.catalog_on(version.code, on)
    after = load_texts(version.code, version.files, ancestors_on(version.files, on))
    return impact(before, after, persons_of(version.code).drop("pk"), on)


def _people(request: HttpRequest, report: ImpactReport) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    wanted = {
        (str(item["no"]), change): report.people(str(item["no"]), change)[:SHOWN]
        for item in report.items
        for change in ("gaining", "losing")
    }
    ids = {i for found in wanted.values() for i in found}
    names = {p.id_number: p for p in Person.objects.filter(id_number__in=ids).only("id_number", "name")}
    for (no, change), found in wanted.items():
        if found:
            out.setdefault(no, {})[change] = [
                f"{person_label(request.user, names[i]) if i in names else ''} {mask_id_number(i)}".strip()
                for i in found
            ]
    return out


def _towns(by_township: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(code, name, figures) of each township, named from the region tree."""
    full = {code: code.ljust(12, "0") if len(code) == 9 else code for code in by_township}
    names = dict(Region.objects.filter(code__in=list(full.values())).values_list("code", "name"))
    return [(code, names.get(full[code], code), figures) for code, figures in by_township.items()]


@login_required
def impact_page(request: HttpRequest, pk: int) -> HttpResponse:
    version = access_version(request, pk)
    error = ""
    report = None
    try:
        report = report_for(version)
    except YamlFileError as exc:
        error = str(exc)
    show_people = may(request.user, "entitlements.work")
    context: dict[str, Any] = {
        "version": version,
        "on": check_day(version),
        "error": error,
        "report": report.to_dict() if report else None,
        "towns": _towns(report.total.get("by_township", {})) if report else [],
        "people": _people(request, report) if report and show_people else {},
        "show_people": show_people,
    }
    if report is not None:
        total = report.total
        audit(
            request.user,
            Action.VIEW,
            request=request,
            object_type="list_version",
            object_id=str(version.pk),
            summary=f"查看清单 {version.code} 版本 {version.version} 的影响：增加 {total.get('gaining', 0)} 人，"
            f"减少 {total.get('losing', 0)} 人",
            detail={"code": version.code, "people": show_people},
        )
    return render(request, "listadmin/impact.html", context)
