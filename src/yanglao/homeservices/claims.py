"""A provider's monthly claim: imported from XLSX/CSV (row errors kept) or entered line by line, then
matched by the core's three-way match (:func:`yanglao.core.services.match_frame`, the same code as
``yanglao services match``) against the plans and check-ins in the database; the sample reviewed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from yanglao.audit.log import audit
from yanglao.audit.models import Action
from yanglao.core.catalog.model import LEVELS
from yanglao.core.services.reasons import REASONS
from yanglao.homeservices.claimmodels import (
    Claim,
    ClaimError,
    ClaimLine,
    ClaimState,
    LineStatus,
    ReviewResult,
    SettledLine,
)
from yanglao.homeservices.models import CheckIn, Plan, Provider
from yanglao.registry.models import Person

if TYPE_CHECKING:  # the match and its columnar engine are imported when a claim is read or matched
    import polars as pl

NOT_IN_CONTRACT = "not_in_contract"
FUND_HOLD = "fund_hold"  # held by a fund-fraud check on the settlement roll and taken out of it
CLAIM_REASONS = {
    **REASONS,
    NOT_IN_CONTRACT: "服务不在该机构的服务合同内（或合同当日未生效）",
    FUND_HOLD: "基金监管规则暂停结算，已从结算表剔除",
}
SAMPLE_SHARE = Decimal("0.05")  # the share of payable lines reviewed (a parameter of the call)
FAR = dt.date(9999, 12, 31)


class ClaimRefused(ValueError):
    """A claim file that cannot be used at all (the message in Chinese)."""


def month_end(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


@transaction.atomic
def do_import_claim(
    actor: Any, provider: Provider, month: dt.date, catalog: str, path: Path, *,
    source: str = "", request: HttpRequest | None = None,
) -> Claim:  # fmt: skip
    """Read the claims file (the fixed columns of docs/service-match.md) into a claim of ``provider``:
    rows with errors, of another provider, or whose claim line was claimed before are row errors (so a
    file imported twice pays nothing twice); the other lines wait for the match."""
    from yanglao.core.services.files import InputError, read_claims

    month = month.replace(day=1)
    try:
        frame, _rejected, errors = read_claims(path, month)
    except InputError as exc:
        raise ClaimRefused(str(exc)) from exc
    claim = Claim.objects.create(
        provider=provider, month=month, catalog=catalog, source=source or path.name,
        received_at=timezone.now(), received_by=str(getattr(actor, "username", actor)),
    )  # fmt: skip
    bad = [ClaimError(claim=claim, line=e.line, field=e.field, reason=e.reason) for e in errors]
    seen = set(ClaimLine.objects.filter(provider=provider).values_list("claim_line", flat=True))
    people = dict(
        Person.objects.filter(id_number__in=frame["id_number"].unique().to_list()).values_list(
            "id_number", "pk"
        )
    )
    lines: list[ClaimLine] = []
    for row in frame.iter_rows(named=True):
        if row["provider"] != provider.code:
            bad.append(
                ClaimError(
                    claim=claim,
                    line=row["row"],
                    field="服务机构",
                    reason=f"不是本机构（{provider.code}）的申报",
                )
            )
        elif row["claim_line"] in seen:
            bad.append(
                ClaimError(
                    claim=claim, line=row["row"], field="明细号", reason="该明细号已申报过，不再重复结算"
                )
            )
        else:
            seen.add(row["claim_line"])
            lines.append(ClaimLine(
                claim=claim, provider=provider, claim_line=row["claim_line"], row=row["row"],
                person_id=people.get(row["id_number"]), id_number=row["id_number"], service=row["service"],
                date=row["date"], units=Decimal(row["units_c"]) / 100, amount=Decimal(row["amount_fen"]) / 100,
            ))  # fmt: skip
    ClaimError.objects.bulk_create(bad)
    ClaimLine.objects.bulk_create(lines)
    audit(
        None if isinstance(actor, str) else actor, Action.IMPORT, request=request, object_type="service_claim",
        object_id=str(claim.pk), summary=f"导入{provider.name} {month:%Y-%m} 服务结算申报：{len(lines)} 行，出错 {len(bad)} 行",
    )  # fmt: skip
    return claim


def _frames(claim: Claim) -> dict[str, pl.DataFrame]:
    """The claim, the plans, the check-ins and the persons as the match's typed frames."""
    import polars as pl

    from yanglao.core.services.files import sample_keys
    from yanglao.entitlements.frames import person_frame

    first, last = claim.month, month_end(claim.month)
    lines = list(
        claim.lines.order_by("row").values_list(
            "pk", "claim_line", "id_number", "service", "date", "units", "amount"
        )
    )
    claims = pl.DataFrame(
        {
            "row": [r[0] for r in lines],
            "claim_line": [r[1] for r in lines],
            "provider": [claim.provider.code] * len(lines),
            "id_number": [r[2] for r in lines],
            "service": [r[3] for r in lines],
            "date": [r[4] for r in lines],
            "units_c": [int(r[5] * 100) for r in lines],
            "amount_fen": [int(r[6] * 100) for r in lines],
        },
        schema={"row": pl.Int64, "claim_line": pl.String, "provider": pl.String, "id_number": pl.String,
                "service": pl.String, "date": pl.Date, "units_c": pl.Int64, "amount_fen": pl.Int64},
    )  # fmt: skip
    claims = claims.with_columns(sample_key=sample_keys(claims["claim_line"], claim.pk))
    ids = claims["id_number"].unique().to_list()
    plans = list(
        Plan.objects.filter(person__id_number__in=ids, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .values_list("person__id_number", "service", "provider__code", "units_per_month", "start", "end")
    )
    plan_frame = pl.DataFrame(
        [(a, b, c, int(d * 100), e, f or FAR) for a, b, c, d, e, f in plans],
        schema={"id_number": pl.String, "service": pl.String, "provider": pl.String, "plan_units_c": pl.Int64,
                "start": pl.Date, "end": pl.Date}, orient="row",
    )  # fmt: skip
    tz = timezone.get_current_timezone()
    visits = CheckIn.objects.filter(
        person__id_number__in=ids, start__date__gte=first - dt.timedelta(days=1), start__date__lte=last
    ).values_list("pk", "provider__code", "worker__code", "person__id_number", "service", "start", "end")
    checkins = pl.DataFrame(
        [(k, p, w, i, s, a.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0),
          b.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)) for k, p, w, i, s, a, b in visits],
        schema={"krow": pl.Int64, "provider": pl.String, "worker": pl.String, "id_number": pl.String,
                "service": pl.String, "start": pl.Datetime("us"), "end": pl.Datetime("us")}, orient="row",
    )  # fmt: skip
    persons = person_frame(Person.objects.filter(id_number__in=ids)).drop("pk")
    settled = pl.DataFrame(
        {"claim_line": list(SettledLine.objects.filter(line__provider=claim.provider).values_list("line__claim_line", flat=True))},
        schema={"claim_line": pl.String},
    )  # fmt: skip
    return {
        "claims": claims,
        "plans": plan_frame,
        "checkins": checkins,
        "persons": persons,
        "settled": settled,
        "stays": _stays(ids, first, last),
    }


def _stays(ids: list[str], first: dt.date, last: dt.date) -> pl.DataFrame:
    """The care-home stays of the claim's elders that touch the month (the care-homes app's residences,
    asked by name so that neither app imports the other)."""
    import polars as pl

    rows: list[tuple[str, str, dt.date, dt.date]] = []
    try:
        residence = apps.get_model("carehomes", "Residence")
    except LookupError:
        residence = None
    if residence is not None:
        found = residence.objects.filter(person__id_number__in=ids, admitted_on__lte=last).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=first)
        )
        rows = [
            (i, "care_home", a, e or FAR)
            for i, a, e in found.values_list("person__id_number", "admitted_on", "ended_on")
        ]
    return pl.DataFrame(
        rows,
        schema={"id_number": pl.String, "kind": pl.String, "start": pl.Date, "end": pl.Date},
        orient="row",
    )


@transaction.atomic
def do_match_claim(
    actor: Any, claim: Claim, *, sample_share: Decimal = SAMPLE_SHARE, request: HttpRequest | None = None
) -> dict[str, Any]:
    """Match every line (again): payable or held with reasons, the subsidy by level, the co-payment,
    the sample. A line of a service outside the provider's contract is held too."""
    from yanglao.core.services import load_services, match_frame
    from yanglao.core.services.match import LEVEL_COLUMNS

    claim = Claim.objects.select_for_update().select_related("provider").get(pk=claim.pk)
    if claim.state == ClaimState.SETTLED:
        raise ClaimRefused("该申报已结算，不能重新核对")
    f = _frames(claim)
    result = match_frame(
        load_services(claim.catalog), claim.month, f["claims"], f["plans"], f["checkins"],
        persons=f["persons"], stays=f["stays"], settled=f["settled"], sample_share=sample_share,
    )  # fmt: skip
    contracts = list(claim.provider.contracts.filter(catalog=claim.catalog))
    lines = {line.pk: line for line in claim.lines.all()}
    counts: dict[str, int] = {}
    for row in result.iter_rows(named=True):
        line = lines[row["row"]]
        reasons = [r for r in REASONS if row[r]]
        if not any(c.start <= line.date <= c.end and line.service in c.prices for c in contracts):
            reasons.append(NOT_IN_CONTRACT)
        line.reasons = reasons
        line.status = LineStatus.HELD if reasons else LineStatus.PAYABLE
        paid = not reasons
        line.subsidy = Decimal(row["subsidy_fen"] or 0) / 100 if paid else Decimal(0)
        line.copay = Decimal(row["copay_fen"] or 0) / 100 if paid else Decimal(0)
        line.by_level = {
            lv: str(Decimal(row[LEVEL_COLUMNS[lv]] or 0) / 100)
            for lv in LEVELS
            if paid and row[LEVEL_COLUMNS[lv]]
        }
        line.sampled = bool(row["review"]) and paid
        line.category = row["category"] or ""
        for r in reasons:
            counts[r] = counts.get(r, 0) + 1
    ClaimLine.objects.bulk_update(
        lines.values(),
        ["reasons", "status", "subsidy", "copay", "by_level", "sampled", "category"],
        batch_size=500,
    )
    held = sum(1 for line in lines.values() if line.status == LineStatus.HELD)
    claim.summary = {"lines": len(lines), "payable": len(lines) - held, "held": held, "reasons": counts,
                     "errors": claim.errors.count()}  # fmt: skip
    claim.state, claim.matched_at = ClaimState.MATCHED, timezone.now()
    claim.save(update_fields=["summary", "state", "matched_at"])
    audit(
        None if isinstance(actor, str) else actor, Action.CHANGE, request=request, object_type="service_claim",
        object_id=str(claim.pk), summary=f"三方核对：可结算 {len(lines) - held} 行，暂缓 {held} 行",
    )  # fmt: skip
    return dict(claim.summary)


def do_review_line(
    actor: Any, line: ClaimLine, accepted: bool, *, request: HttpRequest | None = None
) -> ClaimLine:
    """The reviewer's verdict on a sampled line (抽查)."""
    if not line.sampled:
        raise ClaimRefused("该明细不在抽查样本内")
    if hasattr(line, "settled"):
        raise ClaimRefused("该明细已结算")
    line.review = ReviewResult.ACCEPTED if accepted else ReviewResult.REJECTED
    line.save(update_fields=["review"])
    audit(
        actor, Action.CHANGE, request=request, object_type="service_claim_line", object_id=str(line.pk),
        summary=f"抽查明细 {line.claim_line}：{line.get_review_display()}",
    )  # fmt: skip
    return line


CLAIM_COLUMNS = ("claim_line", "provider", "id_number", "service", "date", "units", "amount")


def do_enter_claim(
    actor: Any, provider: Provider, month: dt.date, catalog: str, rows: list[dict[str, str]], *,
    request: HttpRequest | None = None,
) -> Claim:  # fmt: skip
    """A claim entered in the web (网页填报): the rows go through exactly the file's checks (they are
    written as the file's columns and read by the same reader)."""
    import tempfile

    import polars as pl

    table = pl.DataFrame(
        {c: [provider.code if c == "provider" else str(r.get(c, "")) for r in rows] for c in CLAIM_COLUMNS},
        schema=dict.fromkeys(CLAIM_COLUMNS, pl.String),
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entered.csv"
        table.write_csv(path)  # the importer's input (not an export for people)
        return do_import_claim(actor, provider, month, catalog, path, source="网页填报", request=request)
