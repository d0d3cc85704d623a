"""Ranking applications and explaining each place: the one function the command line and the web use.

The order and the classes come from the set-based query (:mod:`.queue`); the words from the one-person
explainer (:mod:`.explain`), which must agree with it on eligibility and class for every application
(:class:`RankingDisagreement` otherwise, as the entitlement engine does)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from yanglao.core.admissions.application import Application
from yanglao.core.admissions.explain import Explainer
from yanglao.core.admissions.model import Rules, Status
from yanglao.core.admissions.queue import APPLICATION_SCHEMA, rank_frame
from yanglao.core.engine.polars_backend import PERSON_SCHEMA
from yanglao.core.person import Value


class RankingDisagreement(RuntimeError):
    """The bulk ranking and the one-person explainer disagree (a bug, never a data problem)."""


@dataclass(frozen=True)
class Ranked:
    """One application's place: ``rank_class`` is the class it is ranked at (a couple's better class),
    ``own_class`` the person's own; ``position`` is None out of the queue."""

    id_number: str
    eligible: bool
    rank_class: int | None
    class_name: str | None
    position: int | None
    reasons: tuple[str, ...]
    own_class: int | None = None
    in_queue: bool = False
    couple: bool = False
    ref: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON Lines record of ``yanglao admissions rank``."""
        return {
            "id_number": self.id_number,
            "eligible": self.eligible,
            "class": self.rank_class,
            "class_name": self.class_name,
            "position": self.position,
            "reasons": list(self.reasons),
        }


def applications_frame(apps: Sequence[Application]) -> pl.DataFrame:
    """The typed frame the query ranks (person columns and the application's own)."""
    rows = [
        {
            **{name: app.person.get(name) for name in PERSON_SCHEMA},
            "applied_on": app.applied_on,
            "wants_placement": app.wants_placement,
            "status": app.status,
            "partner_id_number": app.partner_id_number,
        }
        for app in apps
    ]
    return pl.DataFrame(rows, schema={**PERSON_SCHEMA, **APPLICATION_SCHEMA})


def _tail(id_number: str) -> str:
    return id_number[-4:]


def rank(rules: Rules, apps: Sequence[Application], on: dt.date, *, explain: bool = True) -> list[Ranked]:
    """Rank ``apps`` (one jurisdiction's applications) on ``on``; results in the input's order.

    ``explain=False`` leaves ``reasons`` empty (the order and classes are the same)."""
    ranked = rank_frame(rules, applications_frame(apps), on)
    return _results(rules, apps, ranked, on, explain=explain)


def rank_from_frame(rules: Rules, frame: pl.DataFrame, on: dt.date, *, explain: bool = True) -> list[Ranked]:
    """As :func:`rank`, from a typed frame (``PERSON_SCHEMA`` + the application columns, as read from a
    file); ``preferred_facilities`` and ``ref`` are not needed for the ranking."""
    apps = [
        application_of(row) for row in frame.select(*PERSON_SCHEMA, *APPLICATION_SCHEMA).iter_rows(named=True)
    ]
    return rank(rules, apps, on, explain=explain)


def application_of(row: Mapping[str, Any]) -> Application:
    person: dict[str, Value] = {name: row.get(name) for name in PERSON_SCHEMA}
    status: Status = row.get("status") or "waiting"
    return Application(
        person=person,
        applied_on=row["applied_on"],
        wants_placement=bool(row.get("wants_placement")),
        status=status,
        partner_id_number=row.get("partner_id_number"),
    )


def _results(
    rules: Rules, apps: Sequence[Application], ranked: pl.DataFrame, on: dt.date, *, explain: bool
) -> list[Ranked]:
    explainer = Explainer(rules, on)
    columns = ranked.select("eligible", "own_class", "class", "position", "in_queue", "couple").rows()
    where = {app.id_number: i for i, app in enumerate(apps)}
    out: list[Ranked] = []
    for app, (eligible, own, klass, position, in_queue, couple) in zip(apps, columns, strict=True):
        reasons: tuple[str, ...] = ()
        verdict = explainer.explain(app)
        if (
            verdict.eligible != bool(eligible)
            or verdict.own_class != own
            or verdict.in_queue != bool(in_queue)
        ):
            raise RankingDisagreement(
                f"{_tail(app.id_number)}: explainer {verdict.eligible}/{verdict.own_class}/{verdict.in_queue}, "
                f"ranking {eligible}/{own}/{in_queue}"
            )
        if explain:
            words = list(verdict.reasons)
            partner = app.partner_id_number
            if couple and partner is not None:
                words.append(
                    f"与配偶（公民身份号码后四位 {_tail(partner)}）一同申请：按两人中较高的第{klass}类"
                    f"（{rules.class_name(klass)}）和较前的位次排序，位次相连"
                )
            elif partner is not None and in_queue:
                words.append(
                    f"配偶（公民身份号码后四位 {_tail(partner)}）{_partner_gap(apps, where, partner, app.id_number)}，本人单独轮候"
                )
            if position is not None:
                words.append(f"轮候位次：第 {position} 位（{rules.jurisdiction or rules.code}）")
            reasons = tuple(words)
        out.append(
            Ranked(
                id_number=app.id_number,
                eligible=bool(eligible),
                rank_class=klass,
                class_name=rules.class_name(klass) if klass is not None else None,
                position=position,
                reasons=reasons,
                own_class=own,
                in_queue=bool(in_queue),
                couple=bool(couple),
                ref=app.ref,
            )
        )
    return out


def _partner_gap(apps: Sequence[Application], where: Mapping[str, int], partner: str, me: str) -> str:
    """Why a named partner is not ranked together with this applicant."""
    i = where.get(partner)
    if i is None:
        return "没有申请"
    other = apps[i]
    if other.partner_id_number != me:
        return "的申请没有填写本人为配偶"
    return "不在轮候队列中"
