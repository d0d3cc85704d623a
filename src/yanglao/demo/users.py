"""The demo's logins: one per role, two county caseworkers (so that one reviews a payment roll and the
other approves it), the care-home staff at a care home of the county when there is one.

Their password is printed by ``yanglao demo``, so they are not forced to change it: no one-time
password, and no password date (a password set outside the password pages never expires)."""

from __future__ import annotations

from django.db import transaction

from yanglao.accounts.models import Role, User
from yanglao.facilities.access import facility_of, set_facility
from yanglao.facilities.models import Facility, FacilityKind
from yanglao.regions.models import Level, Region

DEMO_PASSWORD = "Yanglao#2026"
CARE_HOMES = (FacilityKind.PUBLIC_HOME, FacilityKind.PRIVATE_HOME)


def _first(county: Region, level: Level, inside: Region | None = None) -> Region | None:
    prefix = (inside or county).prefix
    return Region.objects.filter(code__startswith=prefix, level=level).order_by("code").first()


@transaction.atomic
def build_users(county: Region) -> list[tuple[str, str, str]]:
    """The demo logins of ``county`` (made once, kept after). Returns (role label, username, region
    name) per login, the password being :data:`DEMO_PASSWORD`."""
    township = _first(county, Level.TOWNSHIP)
    village = _first(county, Level.VILLAGE, township) if township else None
    home = (
        Facility.objects.filter(region__code__startswith=county.prefix, kind__in=CARE_HOMES)
        .order_by("region_id", "name")
        .first()
    )
    code = county.code
    plan: list[tuple[Role, str, Region | None, str]] = [
        (Role.ADMIN, "admin", None, "系统管理员"),
        (Role.COUNTY, f"county{code}", county, "县级经办"),
        (Role.COUNTY, f"county{code}b", county, "县级经办（审批）"),
        (Role.TOWNSHIP, f"township{code}", township or county, "乡镇经办"),
        (Role.VISITOR, f"visitor{code}", village or township or county, "网格员"),
        (Role.CAREHOME, f"carehome{code}", county, "机构人员"),
        (Role.AUDITOR, f"auditor{code}", county, "审计员"),
    ]
    out = []
    for role, username, region, display in plan:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, region=region, display_name=f"演示{display}")
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.ADMIN
            user.save()
        where = region.name if region else "全部"
        if role == Role.CAREHOME and home is not None:
            if facility_of(user) is None:
                set_facility(user, home)
            where = f"{where}·{home.name}"
        out.append((Role(role).label, username, where))
    return out
