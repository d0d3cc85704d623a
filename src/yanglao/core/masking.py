"""What one role sees of one personal value: the one masking rule of every page, history and answer.

Every value of a person is of one kind, and each kind has one rule per role (PIPL art. 28;
GB/T 35273-2020):

| kind | fields | county, township, visitor | care-home staff, auditor, administrator |
|---|---|---|---|
| ID number | ``id_number``, ``spouse_id_number`` | masked 6 + 4 | masked 6 + 4 |
| phone | ``phone``, ``emergency_contact_phone`` | masked 3 + 4 | masked 3 + 4 |
| name | ``name``, ``emergency_contact_name``, ``holder_name`` | full | first character |
| sensitive | health, ability, disability, 特困/低保, 计生特殊家庭… | full | hidden |
| account | ``account_number`` | masked 4 + 4 | masked 4 + 4 |
| other | address, sex, birth date, regions… | full | full |

A full ID or phone number is never rendered: it is given only by an explicit, audited reveal to a
role that needs it (``registry.actions.do_reveal``). Roles are the ``accounts.models.Role`` values.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from yanglao.core import person as spec
from yanglao.core.idnumber import mask_id_number, mask_name, mask_phone

HIDDEN = "已隐藏（敏感个人信息）"

# Roles that work with people face to face or on their cases: they see names and sensitive personal
# information (the ``accounts.models.SENSITIVE_ROLES``).
SEES_PEOPLE = frozenset({"county_caseworker", "township_caseworker", "visitor"})


class Kind(StrEnum):
    ID = "id"
    PHONE = "phone"
    NAME = "name"
    SENSITIVE = "sensitive"
    ACCOUNT = "account"
    OTHER = "other"


class Shown(StrEnum):
    FULL = "full"
    MASKED = "masked"
    HIDDEN = "hidden"


def mask_account(value: str) -> str:
    """First 4 and last 4 characters shown (``6217********7890``)."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


FIELD_KINDS: dict[str, Kind] = {
    f.name: Kind.SENSITIVE for f in spec.FIELDS if f.sensitive and f.kind != "id"
} | {
    "id_number": Kind.ID,
    "spouse_id_number": Kind.ID,
    "phone": Kind.PHONE,
    "emergency_contact_phone": Kind.PHONE,
    "name": Kind.NAME,
    "emergency_contact_name": Kind.NAME,
    "holder_name": Kind.NAME,
    "account_number": Kind.ACCOUNT,
}
SENSITIVE_FIELDS: tuple[str, ...] = tuple(
    name for name, kind in FIELD_KINDS.items() if kind is Kind.SENSITIVE
)
MASKERS: dict[Kind, Callable[[str], str]] = {
    Kind.ID: mask_id_number,
    Kind.PHONE: mask_phone,
    Kind.NAME: mask_name,
    Kind.ACCOUNT: mask_account,
}


def kind_of(field: str) -> Kind:
    return FIELD_KINDS.get(field, Kind.OTHER)


def rule(role: str, field: str) -> Shown:
    """How ``role`` sees ``field``: in full, masked or hidden."""
    kind = kind_of(field)
    if kind in (Kind.ID, Kind.PHONE, Kind.ACCOUNT):
        return Shown.MASKED
    if kind is Kind.NAME:
        return Shown.FULL if role in SEES_PEOPLE else Shown.MASKED
    if kind is Kind.SENSITIVE:
        return Shown.FULL if role in SEES_PEOPLE else Shown.HIDDEN
    return Shown.FULL


def sees(role: str, field: str) -> bool:
    """Whether ``role`` sees ``field`` in full."""
    return rule(role, field) is Shown.FULL


def sees_sensitive(role: str) -> bool:
    """Whether ``role`` sees every sensitive field in full: what a view showing the consequences of
    sensitive values (an entitlement's 低保/特困 or disability conditions) asks."""
    return all(sees(role, name) for name in SENSITIVE_FIELDS)


def mask(role: str, field: str, value: str) -> str:
    """``value`` (text) of ``field`` as ``role`` may see it: unchanged, masked, or :data:`HIDDEN`.

    An empty value stays empty (that a value is unknown is not itself personal information)."""
    if not value:
        return value
    shown = rule(role, field)
    if shown is Shown.FULL:
        return value
    if shown is Shown.HIDDEN:
        return HIDDEN
    return MASKERS[kind_of(field)](value)


def person_label(user: Any, person: Any) -> str:
    """A person's name as ``user`` may see it (the label of a person in every list and page)."""
    return mask(str(getattr(user, "role", "")), "name", str(person.name))
