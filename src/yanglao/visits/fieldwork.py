"""The lists visitors take into the field: the monthly plan and the overdue list.

Both are read a page at a time (the plan is paged in the database; the state of a line is worked out
for that page only) and exported whole, in chunks, with the region as names (乡镇（街道）, 村（社区）)
and each person's address and phone as the user's role may see them:

- the address for roles that may see sensitive personal information (``persons.sensitive``), hidden
  otherwise;
- the full phone number for roles that may reveal it (``persons.reveal_phone``: the export is then
  the audited reveal), masked otherwise (``core.masking``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from yanglao.accounts.scope import may
from yanglao.core import masking
from yanglao.core.idnumber import mask_id_number
from yanglao.core.visits.schedule import Interval, add_months, month_bounds
from yanglao.regions.models import Region
from yanglao.registry.models import Person
from yanglao.visits.access import visit_person_q
from yanglao.visits.actions import village_of
from yanglao.visits.filters import RegionFilter
from yanglao.visits.models import PlanEntry, Visit

CHUNK = 2000
CONTACT_HEADERS = ["乡镇（街道）", "村（社区）", "居住地址", "联系电话"]


@dataclass(frozen=True)
class Contact:
    township: str
    village: str
    address: str
    phone: str

    def cells(self) -> list[str]:
        return [self.township, self.village, self.address, self.phone]


def full_phone(user: Any) -> bool:
    return may(user, "persons.reveal_phone")


def contacts(user: Any, person_ids: Iterable[int]) -> dict[int, Contact]:
    """Each person's township and village names, address and phone as ``user`` may see them."""
    role = str(getattr(user, "role", ""))
    address_shown = may(user, "persons.sensitive")
    phone_shown = full_phone(user)
    rows = list(
        Person.objects.filter(pk__in=set(person_ids)).values_list(
            "pk", "residence_region", "hukou_region", "address", "phone"
        )
    )
    villages = {pk: village_of(residence, hukou) for pk, residence, hukou, _, _ in rows}
    codes = {c for c in villages.values() if c} | {c[:9] + "000" for c in villages.values() if len(c) == 12}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    out: dict[int, Contact] = {}
    for pk, _, _, address, phone in rows:
        village = villages[pk]
        township = village[:9] + "000" if len(village) == 12 else ""
        out[pk] = Contact(
            names.get(township, township),
            names.get(village, village),
            address if address_shown or not address else masking.HIDDEN,
            phone if phone_shown else masking.mask(role, "phone", phone),
        )
    return out


# --- the monthly plan ----------------------------------------------------------------------------


@dataclass
class PlanRow:
    person_pk: int
    name: str
    id_number: str
    visitor: str
    due_on: dt.date
    tier: str
    state: str


PLAN_HEADERS = ["最迟探访日期", "老年人", "公民身份号码", *CONTACT_HEADERS, "探访人员", "分级", "状态"]


def plan_entries(user: Any, year: int, month: int, region: RegionFilter) -> QuerySet[PlanEntry]:
    """The month's plan lines of the user's people (optionally of one township or village), in order."""
    start, _ = month_bounds(year, month)
    qs = PlanEntry.objects.filter(visit_person_q(user), month=start, person__visit_target__active=True)
    if region.prefix:
        qs = qs.filter(person__visit_target__village__startswith=region.prefix)
    related = qs.select_related("person", "visitor", "person__visit_target")
    return related.order_by("due_on", "visitor_id", "person_id", "pk")


def _minus(day: dt.date, interval: Interval) -> dt.date:
    """The day one interval before ``day`` (calendar months clamp to the month's end)."""
    if interval.days:
        return day - dt.timedelta(days=interval.days)
    return add_months(day, -interval.months)


def plan_rows(user: Any, entries: Iterable[PlanEntry], today: dt.date) -> list[PlanRow]:
    """The lines (from ``plan_entries``) with their state: 已探访 (a visit in the window of one interval
    ending on the due date), 逾期 (none, and the date has passed) or 待探访."""
    entries = list(entries)
    if not entries:
        return []
    windows = {e.pk: _minus(e.due_on, e.person.visit_target.interval) for e in entries}
    visits: dict[int, list[dt.date]] = defaultdict(list)
    for pid, day in Visit.objects.filter(
        person_id__in={e.person_id for e in entries},
        visited_on__gt=min(windows.values()),
        visited_on__lte=max(e.due_on for e in entries),
    ).values_list("person_id", "visited_on"):
        visits[pid].append(day)
    out: list[PlanRow] = []
    for e in entries:
        done = any(windows[e.pk] < d <= e.due_on for d in visits[e.person_id])
        state = "已探访" if done else ("逾期" if e.due_on < today else "待探访")
        out.append(
            PlanRow(
                e.person_id,
                masking.person_label(user, e.person),
                mask_id_number(e.person.id_number),
                e.visitor.name,
                e.due_on,
                e.tier,
                state,
            )
        )
    return out


def batches(rows: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def plan_sheet(
    user: Any, entries: QuerySet[PlanEntry], today: dt.date, people: set[int]
) -> Iterator[list[Any]]:
    """The rows of the plan's sheet (one pass over the plan); fills ``people`` with the persons written."""
    for batch in batches(entries.iterator(chunk_size=CHUNK)):
        rows = plan_rows(user, batch, today)
        found = contacts(user, {r.person_pk for r in rows})
        people.update(found)
        for r in rows:
            yield [r.due_on, r.name, r.id_number, *found[r.person_pk].cells(), r.visitor, r.tier, r.state]


# --- the overdue list ----------------------------------------------------------------------------

OVERDUE_HEADERS = [
    "姓名",
    "公民身份号码",
    *CONTACT_HEADERS,
    "分级",
    "探访频次",
    "上次探访",
    "应探访日期",
    "逾期天数",
    "探访人员",
]


def overdue_sheet(user: Any, rows: Sequence[Any], people: set[int]) -> Iterator[list[Any]]:
    """The rows of the overdue sheet (``reports.OverdueRow``s); fills ``people``."""
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        found = contacts(user, {r.person_pk for r in chunk})
        people.update(found)
        for r in chunk:
            yield [
                r.name,
                r.id_number,
                *found[r.person_pk].cells(),
                r.tier,
                r.interval,
                r.last_visit,
                r.due,
                r.days,
                r.visitor,
            ]
