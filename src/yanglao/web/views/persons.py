"""Search, a person's page (masked values, sources, history, conflicts), reveal, edit, resolve."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.accounts.current import current_user
from yanglao.accounts.models import Role
from yanglao.accounts.scope import require
from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core import masking
from yanglao.core import person as spec
from yanglao.core.idnumber import mask_id_number
from yanglao.core.personfields import PERSON_FIELDS
from yanglao.core.personfields import sections as field_sections
from yanglao.regions.models import Level, Region
from yanglao.regions.tree import name_of
from yanglao.registry.access import (
    SEARCH_LIMIT,
    access_person_by_pk,
    region_filter,
    scoped_regions,
    search_persons,
)
from yanglao.registry.actions import (
    EDITABLE_FIELDS,
    EditError,
    do_edit_person,
    do_resolve_conflict,
    do_reveal,
    parse_edit,
)
from yanglao.registry.history import field_histories, masked_histories, person_changes, text
from yanglao.registry.models import Conflict, ConflictStatus, Person, field_label
from yanglao.visits.access import visit_persons
from yanglao.web.views.personform import Typed, village_suggestions, widget


def words(name: str, value: str, regions: dict[str, str] | None = None) -> str:
    """A value's interchange text in the words of the page (code labels, 是/否, region names);
    ``regions``: the names of the codes read beforehand (:func:`region_names`), else one query each."""
    fld = spec.FIELD_BY_NAME.get(name)
    if fld is not None and fld.kind == "region":
        return f"{(regions or {}).get(value) or name_of(value)}（{value}）"
    return spec.value_words(name, value)


def shown_text(
    user: Any, name: str, value: str, empty: str = "未知", regions: dict[str, str] | None = None
) -> str:
    """What this user sees of one value (interchange text) of a field: through the one masking
    function (``core.masking``), then in words where it is shown in full."""
    if not value:
        return empty
    role = getattr(user, "role", "")
    if not masking.sees(role, name):
        return masking.mask(role, name, value)
    return words(name, value, regions)


def shown_value(user: Any, person: Person, name: str, regions: dict[str, str] | None = None) -> str:
    """What this user sees of one field of a person."""
    return shown_text(user, name, text(getattr(person, name)), regions=regions)


def region_names(codes: set[str]) -> dict[str, str]:
    """``name_of`` for many codes in one query (a 12-digit code unknown here falls back to its county)."""
    found = dict(Region.objects.filter(code__in=codes | {c[:6] for c in codes}).values_list("code", "name"))
    return {c: found.get(c) or (found.get(c[:6]) if len(c) == 12 else None) or c for c in codes if c}


def place_names(codes: set[str]) -> dict[str, str]:
    """A village with its township (``音德尔镇 龙腾社区``: village names repeat across townships), a
    township or a county by its name; one query for all of them."""
    codes = {c for c in codes if c}
    townships = {c[:9] + "000" for c in codes if len(c) == 12}
    names = region_names(codes | townships)
    out = {}
    for code in codes:
        township = code[:9] + "000"
        if len(code) == 12 and township != code and township in names and names[township] != township:
            out[code] = f"{names[township]} {names[code]}"
        else:
            out[code] = names[code]
    return out


def page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 10_000 else 1


def region_choices(user: Any, township: str) -> dict[str, Any]:
    """The township and village select lists of the user's scope (villages: of the chosen township)."""
    return {
        "townships": list(scoped_regions(user, Level.TOWNSHIP).values_list("code", "name")),
        "villages": list(scoped_regions(user, Level.VILLAGE, township).values_list("code", "name"))
        if township
        else [],
    }


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    user = current_user(request)
    result = search_persons(
        request,
        query,
        township=request.GET.get("township", ""),
        village=request.GET.get("village", ""),
        page=page_number(request),
    )
    township, village, _ = region_filter(
        user, request.GET.get("township", ""), request.GET.get("village", "")
    )
    names = place_names({p.residence_region or p.hukou_region or "" for p in result.rows})
    rows = [
        {
            "pk": p.pk,
            "name": masking.person_label(user, p),
            "id_number": masking.mask(user.role, "id_number", p.id_number),
            "synthetic": p.synthetic,
            "sex": "男" if p.sex == "1" else "女" if p.sex == "2" else "",
            "birth_date": p.birth_date,
            "region": names.get(p.residence_region or p.hukou_region or "", ""),
            "dead": p.death_date is not None,
        }
        for p in result.rows
    ]
    params = {"q": query, "township": township, "village": village}
    return render(
        request,
        "web/search.html",
        {
            "query": query,
            "township": township,
            "village": village,
            "searched": bool(query or township or village),
            "rows": rows,
            "page": result,
            "first": (result.number - 1) * SEARCH_LIMIT + 1,
            "last": (result.number - 1) * SEARCH_LIMIT + len(rows),
            "previous": urlencode({**params, "page": result.number - 1}) if result.number > 1 else "",
            "next": urlencode({**params, "page": result.number + 1}) if result.has_next else "",
            **region_choices(user, township),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person_by_pk(request, pk)
    return render(request, "web/person.html", person_context(request, person))


def person_context(request: HttpRequest, person: Person, typed: Typed | None = None) -> dict[str, Any]:
    """The person page: its sections of fields (value, source, history, the edit input), conflicts;
    ``typed`` is a refused edit, shown again beside its field with its errors."""
    user: Any = request.user
    editable = current_user(request).can_write
    histories = masked_histories(user.role, field_histories(person_changes(person)))
    names = [f.name for f in PERSON_FIELDS]
    # Every region code of the page (its fields and their history) named in one query.
    codes = {text(getattr(person, f.name)) for f in spec.FIELDS if f.kind == "region"}
    codes |= {v.value for f in spec.FIELDS if f.kind == "region" for v in histories.get(f.name, [])}
    regions = region_names({c for c in codes if c.isdigit()})
    rows = []
    for name in names:
        versions = histories.get(name, [])
        rows.append(
            {
                "name": name,
                "label": field_label(name),
                "value": shown_value(user, person, name, regions),
                "source": versions[-1].source
                if versions
                else ("公民身份号码" if name in ("sex", "birth_date") else ""),
                "as_of": versions[-1].as_of if versions else None,
                "history": [
                    {
                        # already masked by masked_histories; in words where the role sees it in full
                        "value": words(name, v.value, regions)
                        if v.value and masking.sees(user.role, name)
                        else v.value,
                        "source": v.source,
                        "as_of": v.as_of,
                        "at": v.at,
                        "by": v.by,
                    }
                    for v in reversed(versions)
                ],
                "edit": widget(user, person, name, typed) if editable else None,
            }
        )
    conflicts = person.conflicts.filter(status=ConflictStatus.OPEN)
    by_name = {row["name"]: row for row in rows}
    # The sections and their fields as core/personfields.py describes them.
    sections = [
        {"title": s.title, "rows": [by_name[f.name] for f in fields]} for s, fields in field_sections()
    ]
    today = timezone.localdate()
    return {
        "person": person,
        "label": masking.person_label(request.user, person),
        "age": spec.age_on(person.birth_date, person.death_date or today) if person.birth_date else None,
        "place": regions.get(person.residence_region or person.hukou_region or "")
        or name_of(person.residence_region or person.hukou_region),
        "rows": rows,
        "sections": sections,
        "conflicts": [
            {
                "obj": c,
                "label": field_label(c.field),
                "current": shown_text(user, c.field, c.current_value, empty="", regions=regions),
                "proposed": shown_text(user, c.field, c.proposed_value, empty="", regions=regions),
            }
            for c in conflicts
        ],
        "reveals_phone": may_reveal_phone(user, person),
        "editable": editable,
        "typed": typed,
        "villages": village_suggestions(user) if editable else [],
    }


def may_reveal_phone(user: Any, person: Person) -> bool:
    """A role that may reveal phone numbers; a visitor only those of the people assigned to them."""
    if not user.can_reveal_phone or not person.phone:
        return False
    return user.role != Role.VISITOR or visit_persons(user).filter(pk=person.pk).exists()


@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_person_by_pk(request, pk, purpose="查看完整信息")
    user: Any = request.user
    if (
        request.POST.get("field") == "phone"
        and user.role == Role.VISITOR
        and not may_reveal_phone(user, person)
    ):
        audit(
            user,
            Action.DENIED,
            request=request,
            object_type="person",
            object_id=mask_id_number(person.id_number),
            summary="查看完整联系电话：不是本人包干的服务对象",
            detail={"person": person.pk, "field": "phone"},
        )
        return JsonResponse({"error": "只能查看本人包干服务对象的完整电话"}, status=403)
    try:
        value = do_reveal(request, person, request.POST.get("field", ""))
    except PermissionError as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    return JsonResponse({"value": value})


@login_required
@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """One field changed with its reason. A refused value answers the page again (400) with the error
    beside the field and what was typed kept (the form posts without JavaScript)."""
    require(request, "persons.write")
    person = access_person_by_pk(request, pk, purpose="修改信息")
    name = request.POST.get("field", "")
    typed = Typed(name, request.POST.get("value", ""), request.POST.get("reason", "").strip())
    if not typed.reason:
        typed.errors["reason"] = "请填写修改原因"
    try:
        parse_edit({name: typed.value})
        if typed.reason:
            do_edit_person(request, person, {name: typed.value}, typed.reason)
    except EditError as exc:
        typed.errors.update(
            {"value" if k == name and name in EDITABLE_FIELDS else k: v for k, v in exc.errors.items()}
        )
    if not typed.errors:
        return redirect("person", pk=pk)
    if name not in EDITABLE_FIELDS:
        typed.field = ""  # no field to show it beside: the error above the page
    person.refresh_from_db()
    return render(request, "web/person.html", person_context(request, person, typed), status=400)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int, conflict_pk: int) -> HttpResponse:
    require(request, "persons.write")
    person = access_person_by_pk(request, pk, purpose="处理数据冲突")
    conflict = get_object_or_404(Conflict, pk=conflict_pk, person=person)
    do_resolve_conflict(
        request, conflict, accept=request.POST.get("decision") == "accept", note=request.POST.get("note", "")
    )
    return redirect("person", pk=pk)
