"""The public pages (no login): the index of lists, one list, the self-check, the XLSX export.

Nothing here reads or writes a person: the self-check builds a record in memory for one request and
neither stores nor logs it (no audit event, no session, ``Cache-Control: no-store``).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from yanglao.catalogweb.forms import SelfCheckForm
from yanglao.catalogweb.listing import history_dates, list_view
from yanglao.catalogweb.plain import places
from yanglao.catalogweb.selfcheck import self_check
from yanglao.catalogweb.source import entries, get_catalog, page_date, today
from yanglao.core.catalog import CatalogError


def _broken(request: HttpRequest, code: str, exc: CatalogError) -> HttpResponse:
    return render(request, "catalogweb/broken.html", {"code": code, "error": str(exc)}, status=503)


def _name(code: str | None) -> str:
    if not code:
        return ""
    try:
        return get_catalog(code).name
    except (CatalogError, Http404):
        return code


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    rows = entries()
    names = {e.code: e.catalog.name for e in rows if e.catalog is not None}
    table = [(e, names.get(e.catalog.parent or "", "") if e.catalog else "") for e in rows]
    return render(request, "catalogweb/index.html", {"entries": rows, "rows": table, "on": today()})


@require_GET
def catalog_page(request: HttpRequest, code: str) -> HttpResponse:
    on, date_error = page_date(request)
    try:
        catalog = get_catalog(code, on)
    except CatalogError as exc:
        return _broken(request, code, exc)
    context = {
        "view": list_view(catalog, on),
        "catalog": catalog,
        "on": on,
        "is_today": on == today(),
        "date_error": date_error,
        "history_dates": history_dates(catalog),
        "place": places(catalog).short,
        "parent_name": _name(catalog.parent),
    }
    return render(request, "catalogweb/catalog.html", context)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def selfcheck(request: HttpRequest, code: str) -> HttpResponse:
    on, date_error = page_date(request)
    try:
        catalog = get_catalog(code, on)
    except CatalogError as exc:
        return _broken(request, code, exc)
    form = SelfCheckForm(catalog, on, request.POST if request.method == "POST" else None)
    result = None
    answers: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = self_check(catalog, form.cleaned_data, on, form.options())
            answers = form.answers()
        except ValueError as exc:
            form.add_error(None, str(exc))
    context = {
        "catalog": catalog,
        "form": form,
        "result": result,
        "answers": answers,
        "on": on,
        "is_today": on == today(),
        "date_error": date_error,
        "place": places(catalog).short,
    }
    return render(request, "catalogweb/selfcheck.html", context)


@require_GET
def export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    from yanglao.catalogweb.xlsx import catalog_xlsx  # openpyxl: imported on the first download only

    on, _ = page_date(request)
    try:
        catalog = get_catalog(code, on)
    except CatalogError as exc:
        return _broken(request, code, exc)
    response = HttpResponse(
        catalog_xlsx(catalog, on),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="catalog-{catalog.code}-{on}.xlsx"'
    return response
