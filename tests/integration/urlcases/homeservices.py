"""Home services: a provider of 音德尔镇, its claim and claim line, its settlement roll, an order of the
world's elder. Caseworkers, auditors and the administrator read (services.read); only caseworkers match,
review, settle, export the bank file and record visits (the lesser roles 403); only caseworkers register
providers, contracts, workers and volunteers and take the workflows' steps. The outsider (新林镇) gets the
audited 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.integration.urlpolicy import NEVER, TOWNSHIP, Case, World, answers

READERS = answers(403, 403, 200, 200)


def _provider(w: World) -> Any:
    from yanglao.homeservices.models import Contract, Provider

    def make() -> Any:
        p = Provider.objects.create(code="P001", name="安康家政", kind="housekeeping", region_id=TOWNSHIP)
        Contract.objects.create(
            provider=p, number="C1", catalog="152223", region_id="152223",
            start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), prices={"cleaning_aid": "40"},
        )  # fmt: skip
        return p

    return w.once("provider", make)


def _claim(w: World) -> Any:
    from yanglao.homeservices.claimmodels import Claim

    return w.once(
        "claim",
        lambda: Claim.objects.create(
            provider=_provider(w),
            month=dt.date(2026, 5, 1),
            catalog="152223",
            source="c.csv",
            received_at=w.on,
            received_by="township",
        ),
    )


def _line(w: World) -> list[Any]:
    from yanglao.homeservices.claimmodels import ClaimLine

    line = ClaimLine.objects.create(
        claim=_claim(w), provider=_provider(w), claim_line="L1", row=2, person=w.person,
        id_number=w.person.id_number, service="cleaning_aid", date=dt.date(2026, 5, 6), units=2, amount=80,
        status="payable", sampled=True,
    )  # fmt: skip
    return [line.pk]


def _roll(w: World) -> list[Any]:
    from yanglao.homeservices.claimmodels import Settlement

    roll = Settlement.objects.create(
        provider=_provider(w), month=dt.date(2026, 5, 1), prepared_by=w.township_user, prepared_at=w.on,
        totals={"subsidy": "0.00", "lines": 0},
    )  # fmt: skip
    return [roll.pk]


def _order(w: World) -> list[Any]:
    from yanglao.homeservices.models import Order

    order = Order.objects.create(person=w.person, provider=_provider(w), service="cleaning_aid", due=w.on)
    return [order.pk]


def _contract(w: World) -> list[Any]:
    return [_provider(w).contracts.get().pk]


def _worker(w: World) -> list[Any]:
    from yanglao.homeservices.models import Worker

    worker = w.once("worker", lambda: Worker.objects.create(provider=_provider(w), code="W01", name="刘桂芳"))
    return [worker.pk]


def _volunteer(w: World) -> list[Any]:
    from yanglao.homeservices.models import Volunteer

    volunteer = Volunteer.objects.create(
        name="包志勇", team="party", region_id=TOWNSHIP, joined_on=w.on.date()
    )
    return [volunteer.pk]


def _bed(w: World) -> list[Any]:
    from yanglao.homeservices.flowmodels import HomeBed

    return [HomeBed.objects.create(person=w.person, provider=_provider(w)).pk]


def _adaptation(w: World) -> list[Any]:
    from yanglao.homeservices.flowmodels import Adaptation

    return [Adaptation.objects.create(person=w.person, applied_on=w.on.date()).pk]


CASES = {
    "homeservices:provider-edit": Case(lambda w: [_provider(w).pk], NEVER, denied="provider"),
    "homeservices:contract-new": Case(lambda w: [_provider(w).pk], NEVER, denied="provider"),
    "homeservices:contract-edit": Case(_contract, NEVER, denied="provider"),
    "homeservices:worker-new": Case(lambda w: [_provider(w).pk], NEVER, denied="provider"),
    "homeservices:worker": Case(_worker, READERS, denied="provider"),
    "homeservices:worker-training": Case(_worker, NEVER, "post", {}, "provider"),
    "homeservices:volunteer": Case(_volunteer, READERS, denied="volunteer"),
    "homeservices:volunteer-assess": Case(_volunteer, NEVER, "post", {}, "volunteer"),
    "homeservices:bed": Case(_bed, READERS, denied="home_bed"),
    "homeservices:bed-step": Case(_bed, NEVER, "post", {"step": "adapt"}, "home_bed"),
    "homeservices:bed-open": Case(_bed, NEVER, "post", {}, "home_bed"),
    "homeservices:bed-close": Case(_bed, NEVER, "post", {"reason": "本人申请"}, "home_bed"),
    "homeservices:adaptation": Case(_adaptation, READERS, denied="adaptation"),
    "homeservices:adaptation-assess": Case(_adaptation, NEVER, "post", {}, "adaptation"),
    "homeservices:adaptation-works": Case(_adaptation, NEVER, "post", {}, "adaptation"),
    "homeservices:adaptation-accept": Case(_adaptation, NEVER, "post", {}, "adaptation"),
    "homeservices:adaptation-grant": Case(_adaptation, NEVER, "post", {}, "adaptation"),
    "homeservices:provider": Case(lambda w: [_provider(w).pk], READERS, denied="provider"),
    "homeservices:claim": Case(lambda w: [_claim(w).pk], READERS, denied="service_claim"),
    "homeservices:claim-match": Case(lambda w: [_claim(w).pk], NEVER, "post", {}, "service_claim"),
    "homeservices:line-review": Case(_line, NEVER, "post", {"result": "accepted"}, "service_claim_line"),
    "homeservices:settlement": Case(_roll, READERS, denied="service_settlement"),
    "homeservices:xlsx": Case(_roll, READERS, denied="service_settlement"),
    "homeservices:advance": Case(_roll, NEVER, "post", {}, "service_settlement"),
    "homeservices:release": Case(_roll, {**NEVER, "outsider": 403}, "post", {"hold": "1", "reason": "核实"}),
    "homeservices:exclude": Case(_roll, {**NEVER, "outsider": 403}, "post"),  # a township never approves
    "homeservices:bank": Case(_roll, NEVER, "post", {}, "service_settlement"),
    "homeservices:phone-order": Case(_order, NEVER, denied="service_order"),
    "homeservices:phone-send": Case(_order, NEVER, "post", {}, "service_order"),
}
MENU = {"homeservices:index": "services.read"}  # providers, workers, volunteers: links on its page
