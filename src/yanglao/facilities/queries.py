"""Reading the registry: the facilities of a region as rows (the list command, the export, the pages)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db.models import QuerySet

from yanglao.core import exports
from yanglao.core.facilities.fileformat import COLUMNS, label_of
from yanglao.facilities.models import Facility
from yanglao.regions.models import Region


def in_region(qs: QuerySet[Facility], region: Region) -> QuerySet[Facility]:
    """The facilities inside ``region`` (a county's own 6-digit-coded facilities included)."""
    return qs.filter(region__code__startswith=region.prefix)


def facility_row(f: Facility) -> dict[str, Any]:
    """One facility as the list command prints it (codes; the labels beside them)."""
    return {
        "id": f.pk,
        "name": f.name,
        "kind": f.kind,
        "kind_label": label_of("kind", f.kind),
        "tier": f.tier,
        "operator": f.operator,
        "operator_label": label_of("operator", f.operator),
        "region": f.region_id,
        "status": f.status,
        "beds": f.beds,
        "nursing_beds": f.nursing_beds,
        "general_beds": f.general_beds,
        "occupied_beds": f.occupied_beds,
        "rooms": f.rooms,
        "services": list(f.services or []),
        "licence_number": f.licence_number,
        "lon": f.lon,
        "lat": f.lat,
        "coordinate_system": f.coordinate_system,
    }


def facility_rows(qs: QuerySet[Facility]) -> list[dict[str, Any]]:
    return [facility_row(f) for f in qs.order_by("region_id", "kind", "name", "pk")]


def _cell(f: Facility, name: str) -> Any:
    value = f.region_id if name == "region" else getattr(f, name)
    if value is None or value == "":
        return None
    if name == "services":
        return "、".join(label_of("services", s) for s in value) or None
    if name in ("kind", "tier", "operator", "status", "licence_kind", "coordinate_system"):
        return label_of(name, value)
    return value


def export_xlsx(qs: QuerySet[Facility]) -> bytes:
    """The facilities as an XLSX file in the import format (Chinese column names): importing the export
    back changes nothing."""
    book = exports.workbook(write_only=True)
    sheet = book.create_sheet("设施信息")
    names = list(COLUMNS)
    sheet.append([COLUMNS[n] for n in names])
    for f in qs.order_by("region_id", "kind", "name", "pk"):
        sheet.append([_cell(f, n) for n in names])
    return exports.workbook_bytes(book)


def visible_to(user: Any) -> QuerySet[Facility]:
    """The facilities ``user`` may see. Asks the access layer (``facilities.access``), whose region
    filter ``scope.q("region_id")`` Django refuses (no ``startswith`` on a foreign key): until that line
    reads ``scope.q("region__code")``, the same rule is applied here."""
    from yanglao.accounts.models import Role
    from yanglao.accounts.scope import scope_of
    from yanglao.facilities.access import facility_of, scoped_facilities

    try:
        return scoped_facilities(user)
    except FieldError:
        pass
    scope = scope_of(user)
    facilities = Facility.objects.filter(scope.q("region__code"))
    if scope.role == Role.CAREHOME:
        own = facility_of(user)
        return facilities.filter(pk=own.pk) if own else facilities.none()
    return facilities
