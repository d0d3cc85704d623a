"""服务找人 over the registry: entitle everybody of a region with the Polars engine, compare with the
enrolments, and keep the findings (docs/discovery.md).

``run_discovery(region, on)`` reads the people with one SQL query, the active enrolments with another,
runs the engine once per list, and hands the frames to :mod:`yanglao.core.discovery`. Findings are
keyed (:attr:`Finding.key`), so a re-run updates rather than duplicates; a live finding that a re-run
no longer finds is closed with the reason the data now gives.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Q

from yanglao.core.catalog import Decision, ItemDecision, evaluate
from yanglao.core.catalog.model import PERIODS, Catalog
from yanglao.core.catalog.placeholders import placeholder_codes
from yanglao.core.catalog.words import PLACEHOLDER_MARK
from yanglao.core.discovery import (
    double_paid,
    granted_changes,
    group_members,
    missed,
    not_entitled,
    upcoming_birthdays,
)
from yanglao.core.discovery.reasons import Why, classify
from yanglao.core.engine.api import OUTPUT_SCHEMA, PERSON_SCHEMA
from yanglao.core.engine.api import entitle_frame as entitle
from yanglao.entitlements import catalogs
from yanglao.entitlements.frames import person_frame
from yanglao.entitlements.models import Enrolment, EnrolmentStatus, Finding, FindingKind
from yanglao.regions.models import Region
from yanglao.registry.models import Person

# The ages the documents attach brackets to; a birthday at one of them is checked for a change.
MILESTONES = (60, 65, 70, 80, 90, 100)
WITHIN_DAYS = 30


@dataclass
class Candidate:
    """A finding as this run sees it (saved as a :class:`Finding` row)."""

    key: str
    kind: str
    person_pk: int
    township: str
    summary: str
    catalog: str = ""
    item_no: str = ""
    item_code: str = ""
    item_name: str = ""
    amount: Decimal | None = None
    period: str = ""
    reason_kind: str = ""
    reason: str = ""
    due_on: dt.date | None = None
    enrolment_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scan:
    """What one region looks like on one date: the frames and the findings they give."""

    region: Region
    on: dt.date
    within: int
    persons: pl.DataFrame  # FRAME_SCHEMA + jcat (the person's list) + township
    received: pl.DataFrame
    granted: pl.DataFrame
    candidates: list[Candidate]
    timings: dict[str, float]


def money(amount: Decimal | float | None, period: str | None, placeholder: bool = False) -> str:
    """An amount as a finding says it, marked 〔示例值〕 when it rests on an example figure."""
    if amount is None:
        return "金额按规定"
    per = f"/{PERIODS[period]}" if period in PERIODS else ""
    mark = PLACEHOLDER_MARK if placeholder else ""
    return f"{Decimal(str(amount)).quantize(Decimal('0.01'))} 元{per}{mark}"


def township_of(code: str, prefix: str, region_code: str) -> str:
    if len(code) == 12 and code.startswith(prefix):
        return code[:9] + "000"
    return region_code


# --- reading ---------------------------------------------------------------------------------------


def population(region: Region) -> Any:
    prefix = region.prefix
    enrolled_here = Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE, region__startswith=prefix).values(
        "person_id"
    )
    return Person.objects.filter(
        Q(hukou_region__startswith=prefix) | Q(residence_region__startswith=prefix) | Q(pk__in=enrolled_here)
    )


def active_enrolments(region: Region, on: dt.date) -> list[tuple[int, int, str, str, str, str]]:
    """Enrolments active on ``on`` of the people of :func:`population` (a join, not a subquery)."""
    prefix = region.prefix
    return list(
        Enrolment.objects.filter(
            Q(person__hukou_region__startswith=prefix)
            | Q(person__residence_region__startswith=prefix)
            | Q(region__startswith=prefix),
            status=EnrolmentStatus.ACTIVE,
            start__lte=on,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .order_by("pk")
        .values_list("pk", "person_id", "catalog", "item_no", "service_code", "region")
    )


def received_frame(rows: Iterable[tuple[int, int, str, str, str, str]], ids: dict[int, str]) -> pl.DataFrame:
    """The ``received`` frame of :mod:`yanglao.core.discovery.compare` (built column-wise: fast)."""
    columns: dict[str, list[Any]] = {
        k: [] for k in ("enrolment_id", "id_number", "catalog", "item_code", "item_no", "codes", "region")
    }
    for pk, person_pk, code, item_no, service_code, region in rows:
        if code not in catalogs.available() or person_pk not in ids:
            continue
        cat = catalogs.catalog(code)
        try:
            item = cat.item(item_no)
        except KeyError:
            continue
        for name, value in zip(
            columns,
            (
                pk,
                ids[person_pk],
                code,
                item.code,
                item_no,
                "|".join(catalogs.paid_codes(cat, item, service_code)),
                region,
            ),
            strict=True,
        ):
            columns[name].append(value)
    schema: dict[str, Any] = {
        "enrolment_id": pl.Int64,
        "id_number": pl.String,
        "catalog": pl.String,
        "item_code": pl.String,
        "item_no": pl.String,
        "codes": pl.String,
        "region": pl.String,
    }
    frame = pl.DataFrame(columns, schema=schema)
    return frame.with_columns(pl.col("codes").str.split("|"))


def _with_places(frame: pl.DataFrame, received: pl.DataFrame, region: Region, on: dt.date) -> pl.DataFrame:
    prefix = region.prefix
    counties = frame.select(
        pl.coalesce("hukou_region", "residence_region").str.slice(0, 6).alias("c")
    ).unique()
    mapping = {
        c: catalogs.person_catalog(c, None, on) for c in counties.get_column("c").drop_nulls().to_list()
    }
    paid_in = (
        received.filter(pl.col("region").str.starts_with(prefix) & (pl.col("region").str.len_chars() == 12))
        .group_by("id_number")
        .agg(pl.col("region").first().alias("paid_region"))
    )

    def local(column: str) -> pl.Expr:
        col = pl.col(column)
        return col.str.starts_with(prefix) & (col.str.len_chars() == 12)

    township = (
        pl.when(local("residence_region"))
        .then(pl.col("residence_region").str.slice(0, 9) + "000")
        .when(local("hukou_region"))
        .then(pl.col("hukou_region").str.slice(0, 9) + "000")
        .when(local("paid_region"))
        .then(pl.col("paid_region").str.slice(0, 9) + "000")
        .otherwise(pl.lit(region.code))
    )
    return (
        frame.join(paid_in, on="id_number", how="left")
        .with_columns(
            pl.coalesce("hukou_region", "residence_region")
            .str.slice(0, 6)
            .replace_strict(mapping, default=None, return_dtype=pl.String)
            .alias("jcat"),
        )
        .with_columns(township.alias("township"))
        .drop("paid_region")
    )


def _entitle(frame: pl.DataFrame, received: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """The engine once per list, over the people of that list and the people paid under it."""
    parts = []
    codes = set(frame.get_column("jcat").drop_nulls().unique().to_list())
    codes |= set(received.get_column("catalog").unique().to_list())
    for code in sorted(codes):
        ids = received.filter(pl.col("catalog") == code).get_column("id_number").implode()
        subset = frame.filter((pl.col("jcat") == code) | pl.col("id_number").is_in(ids))
        if subset.height == 0:
            continue
        result = entitle(catalogs.catalog(code, on), subset.select(list(PERSON_SCHEMA)), on)
        parts.append(result.with_columns(pl.lit(code).alias("catalog")))
    if not parts:
        return pl.DataFrame(schema={**OUTPUT_SCHEMA, "catalog": pl.String()})
    return pl.concat(parts)


# --- the findings ----------------------------------------------------------------------------------


class Explainer:
    """One-person decisions, cached per (person, list, date)."""

    def __init__(self, persons: pl.DataFrame) -> None:
        self.persons = persons.select(list(PERSON_SCHEMA))
        self.records: dict[str, dict[str, Any]] = {}
        self.cache: dict[tuple[str, str, dt.date], Decision] = {}

    def preload(self, ids: Iterable[str]) -> None:
        """Fetch many records in one pass over the frame."""
        wanted = [i for i in ids if i not in self.records]
        if wanted:
            for row in self.persons.filter(pl.col("id_number").is_in(wanted)).iter_rows(named=True):
                self.records[row["id_number"]] = row

    def record(self, ident: str) -> dict[str, Any]:
        if ident not in self.records:
            self.records[ident] = self.persons.filter(pl.col("id_number") == ident).row(0, named=True)
        return self.records[ident]

    def decision(self, ident: str, code: str, on: dt.date, record: dict[str, Any] | None = None) -> Decision:
        key = (ident, code, on)
        if key not in self.cache:
            self.cache[key] = evaluate(catalogs.catalog(code, on), record or self.record(ident), on)
        return self.cache[key]

    def item(self, ident: str, code: str, item_code: str, on: dt.date) -> tuple[Decision, ItemDecision]:
        decision = self.decision(ident, code, on)
        return decision, next(d for d in decision.items if d.code == item_code)


def _missed(scan: pl.DataFrame, frame: pl.DataFrame, received: pl.DataFrame, on: dt.date) -> list[Candidate]:
    own = scan.join(
        frame.select("id_number", pl.col("jcat").alias("catalog")), on=["id_number", "catalog"], how="semi"
    )
    tracked = {code: catalogs.tracked(code) for code in own.get_column("catalog").unique().to_list()}
    examples = {code: placeholder_codes(catalogs.catalog(code, on), on) for code in tracked}
    rows = missed(own, received, tracked).join(frame.select("id_number", "pk", "township"), on="id_number")
    out = []
    for r in rows.iter_rows(named=True):
        item = catalogs.catalog(r["catalog"], on).item(str(r["no"]))
        out.append(
            Candidate(
                key=f"missed:{r['pk']}:{r['catalog']}:{item.no}",
                kind=FindingKind.MISSED,
                person_pk=r["pk"],
                township=r["township"],
                summary=f"第{item.no}项 {item.name}：符合条件，未见享受记录"
                f"（{money(r['amount'], r['period'], item.code in examples[r['catalog']])}）",
                catalog=r["catalog"],
                item_no=item.no,
                item_code=item.code,
                item_name=item.name,
                amount=r["amount"],
                period=r["period"] or "",
            )
        )
    return out


def _not_entitled(
    granted: pl.DataFrame, frame: pl.DataFrame, received: pl.DataFrame, on: dt.date, explainer: Explainer
) -> list[Candidate]:
    compared = {code: catalogs.evaluable(code) for code in received.get_column("catalog").unique().to_list()}
    rows = not_entitled(received, granted, compared).join(
        frame.select("id_number", "pk", "township"), on="id_number"
    )
    explainer.preload(rows.get_column("id_number").unique().to_list())
    out = []
    for r in rows.iter_rows(named=True):
        cat = catalogs.catalog(r["catalog"], on)
        item = cat.item(r["item_no"])
        decision, item_decision = explainer.item(r["id_number"], cat.code, item.code, on)
        why = classify(decision, item_decision, explainer.record(r["id_number"])["death_date"])
        out.append(
            Candidate(
                key=f"not_entitled:{r['pk']}:{r['enrolment_id']}",
                kind=FindingKind.NOT_ENTITLED,
                person_pk=r["pk"],
                township=r["township"],
                summary=f"第{item.no}项 {item.name}：仍在享受，但{why.short}",
                catalog=cat.code,
                item_no=item.no,
                item_code=item.code,
                item_name=item.name,
                reason_kind=why.kind,
                reason=why.reason,
                enrolment_id=r["enrolment_id"],
            )
        )
    return out


def _double(received: pl.DataFrame, frame: pl.DataFrame) -> list[Candidate]:
    groups = [
        m
        for code in received.get_column("catalog").unique().to_list()
        for m in group_members(catalogs.catalog(code))
    ]
    rows = double_paid(received, groups).join(frame.select("id_number", "pk", "township"), on="id_number")
    out = []
    for r in rows.iter_rows(named=True):
        cat = catalogs.catalog(r["catalog"])
        names = "、".join(cat.benefit(c)[1].name for c in r["codes"])
        out.append(
            Candidate(
                key=f"double_paid:{r['pk']}:{r['catalog']}:{r['group']}",
                kind=FindingKind.DOUBLE_PAID,
                person_pk=r["pk"],
                township=r["township"],
                summary=f"{r['group']}：同时享受 {names}（只能择高享受一项）",
                catalog=cat.code,
                item_name=r["group"],
                detail={"codes": r["codes"], "enrolments": r["enrolment_ids"]},
            )
        )
    return out


CHANGE_WORDS = {"gained": "新增", "lost": "停止", "changed": "调整"}


def _due(
    frame: pl.DataFrame, granted: pl.DataFrame, on: dt.date, within: int, explainer: Explainer
) -> list[Candidate]:
    """Birthdays at a milestone within ``within`` days that change a tracked item: the engine finds
    them (everyone evaluated at the window's end), the one-person evaluator confirms each on the day."""
    alive = frame.filter(pl.col("death_date").is_null() | (pl.col("death_date") > on))
    soon = upcoming_birthdays(alive, on, within, MILESTONES).join(
        frame.select("id_number", "jcat", "pk", "township"), on="id_number"
    )
    soon = soon.filter(pl.col("jcat").is_not_null())
    out: list[Candidate] = []
    until = on + dt.timedelta(days=within)
    for code in soon.get_column("jcat").unique().sort().to_list():
        mine = soon.filter(pl.col("jcat") == code)
        ids = mine.get_column("id_number").implode()
        subset = alive.filter(pl.col("id_number").is_in(ids)).with_columns(
            pl.lit(None, pl.Date).alias("death_date")
        )
        after = entitle(
            catalogs.catalog(code, until), subset.select(list(PERSON_SCHEMA)), until
        ).with_columns(pl.lit(code).alias("catalog"))
        before = granted.filter(
            (pl.col("catalog") == code)
            & pl.col("id_number").is_in(ids)
            & pl.col("code").is_in(list(catalogs.tracked(code)))
        )
        changed = set(
            granted_changes(before, after, {code: catalogs.tracked(code)}).get_column("id_number").to_list()
        )
        if not changed:
            continue
        had: dict[str, dict[str, tuple[str, str, Decimal | None, str | None]]] = {}
        for ident, no, item_code, name, amount, period in (
            before.filter(pl.col("id_number").is_in(list(changed)))
            .select("id_number", "no", "code", "name", "amount", "period")
            .iter_rows()
        ):
            had.setdefault(ident, {})[item_code] = (str(no), name, amount, period)
        explainer.preload(changed)
        for row in (
            mine.filter(pl.col("id_number").is_in(list(changed))).sort("id_number").iter_rows(named=True)
        ):
            out.extend(_due_one(row, code, had.get(row["id_number"], {}), explainer))
    return out


def _due_one(
    row: dict[str, Any],
    code: str,
    had: dict[str, tuple[str, str, Decimal | None, str | None]],
    explainer: Explainer,
) -> list[Candidate]:
    """Confirm with the one-person evaluator on the birthday itself (exact amounts on that day)."""
    ident, due_on, age = row["id_number"], row["due_on"], row["age"]
    tracked = catalogs.tracked(code)
    record = explainer.record(ident) | {"death_date": None}
    after = {
        d.code: (d.no, d.name, d.amount, d.period)
        for d in explainer.decision(ident, code, due_on, record).items
        if d.granted and d.code in tracked
    }
    examples = placeholder_codes(catalogs.catalog(code, due_on), due_on)  # once, not per item
    changes: list[dict[str, str]] = []
    for item_code in sorted(set(had) | set(after), key=lambda c: (had.get(c) or after[c])[0].zfill(4)):
        b, a = had.get(item_code), after.get(item_code)
        if b is not None and a is not None and b[2] == a[2]:
            continue
        kind = "gained" if b is None else "lost" if a is None else "changed"
        no, name, _amount, period = a or b  # type: ignore[misc]
        example = item_code in examples
        words = {
            "gained": f"新增 {money(a[2] if a else None, period, example)}",
            "lost": "停止",
            "changed": f"{money(b[2] if b else None, period, example)} → {money(a[2] if a else None, period, example)}",
        }[kind]
        changes.append(
            {  # strings only (the finding's JSON detail)
                "no": no,
                "code": item_code,
                "name": name,
                "change": kind,
                "words": f"第{no}项 {name} {words}",
                "amount": str(a[2]) if a and a[2] is not None else "",
                "period": period or "",
            }
        )
    if not changes:
        return []
    main = next((c for c in changes if c["change"] != "lost"), changes[0])
    return [
        Candidate(
            key=f"due_change:{row['pk']}:{code}:{due_on.isoformat()}",
            kind=FindingKind.DUE_CHANGE,
            person_pk=row["pk"],
            township=row["township"],
            summary=f"{due_on} 年满 {age} 周岁：" + "；".join(c["words"] for c in changes),
            catalog=code,
            item_no=main["no"],
            item_code=main["code"],
            item_name=main["name"],
            amount=Decimal(main["amount"]) if main["amount"] else None,
            period=main["period"],
            due_on=due_on,
            detail={"age": age, "changes": changes},
        )
    ]


def _expiring(region: Region, frame: pl.DataFrame, on: dt.date, within: int) -> list[Candidate]:
    from yanglao.assessments.results import expiring

    places = dict(frame.select("pk", "township").iter_rows())
    out = []
    for a in expiring(region.prefix, on, within):
        if a.person_id not in places or a.valid_until is None:
            continue
        out.append(
            Candidate(
                key=f"assessment_expiring:{a.person_id}:{a.number}",
                kind=FindingKind.ASSESSMENT_EXPIRING,
                person_pk=a.person_id,
                township=places[a.person_id],
                summary=f"能力评估结果 {a.number}（{a.level_display()}）将于 {a.valid_until} 到期，"
                "依据能力等级的待遇需重新评估",
                due_on=a.valid_until,
                detail={"assessment": a.number},
            )
        )
    return out


def scan(region: Region, on: dt.date, within: int = WITHIN_DAYS) -> Scan:
    """Everything discovery finds in ``region`` on ``on``, nothing written."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    persons = population(region)
    frame = person_frame(persons)
    ids = dict(frame.select("pk", "id_number").iter_rows())
    received = received_frame(active_enrolments(region, on), ids)
    frame = _with_places(frame, received, region, on)
    timings["read"] = time.perf_counter() - started
    mark = time.perf_counter()
    granted = _entitle(frame, received, on)
    timings["engine"] = time.perf_counter() - mark
    mark = time.perf_counter()
    explainer = Explainer(frame)
    candidates = [
        *_missed(granted, frame, received, on),
        *_not_entitled(granted, frame, received, on, explainer),
        *_double(received, frame),
        *_due(frame, granted, on, within, explainer),
        *_expiring(region, frame, on, within),
    ]
    timings["compare"] = time.perf_counter() - mark
    return Scan(region, on, within, frame, received, granted, candidates, timings)


def counts(candidates: Iterable[Candidate]) -> dict[str, int]:
    found = Counter(c.kind for c in candidates)
    return {kind.value: found.get(kind.value, 0) for kind in FindingKind}


def closing_reason(finding: Finding, scan: Scan) -> str:
    """Why a live finding is no longer found: what the data now says about the person."""
    from yanglao.entitlements.explain import record_of

    person = finding.person
    on = scan.on
    if finding.kind == FindingKind.DUE_CHANGE and finding.due_on is not None and finding.due_on <= on:
        return f"已到变化日期 {finding.due_on}"
    if finding.kind == FindingKind.NOT_ENTITLED and finding.enrolment is not None:
        e = finding.enrolment
        if e.status != EnrolmentStatus.ACTIVE or (e.end is not None and e.end < on):
            return f"数据变化：享受记录已停止{('（' + e.ended_reason + '）') if e.ended_reason else ''}"
        return "数据变化：重新符合享受条件"
    if person.death_date is not None and person.death_date <= on:
        return f"数据变化：已于 {person.death_date} 去世"
    if finding.kind == FindingKind.MISSED and finding.catalog:
        cat: Catalog = catalogs.catalog(finding.catalog)
        record = record_of(person)
        decision = evaluate(cat, record, on)
        item = next((d for d in decision.items if d.no == finding.item_no), None)
        if item is not None and not item.granted:
            why: Why = classify(decision, item, person.death_date)
            return f"数据变化：{why.short}"
        if catalogs.person_catalog(person.hukou_region, person.residence_region, on) != finding.catalog:
            return "数据变化：户籍已迁出本清单辖区"
        return "数据变化：已有享受记录"
    if finding.kind == FindingKind.DOUBLE_PAID:
        return "数据变化：已只享受其中一项"
    if finding.kind == FindingKind.ASSESSMENT_EXPIRING:
        return "数据变化：已有新的评估结果"
    return "数据变化：不再发现"
