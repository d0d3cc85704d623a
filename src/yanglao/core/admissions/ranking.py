"""Ranking applications and explaining each place: the one function the command line and the web use.

The order and the classes come from the set-based query (:mod:`.queue`), the words from
:mod:`.reasons`, which assembles for a whole file what :func:`reference_reasons` (the one-person
explainer, :mod:`.explain`, plus the couple and the position) writes for each application; the tests
hold the two to the same verdicts and the same words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from yanglao.core.admissions.application import Application
from yanglao.core.admissions.explain import Explainer
from yanglao.core.admissions.model import Rules, Status
from yanglao.core.admissions.queue import APPLICATION_SCHEMA, rank_lazy
from yanglao.core.admissions.reasons import with_reasons
from yanglao.core.engine.frames import id_birth, id_sex
from yanglao.core.engine.polars_backend import PERSON_SCHEMA
from yanglao.core.person import Value, derive_defaults

OUTPUT_COLUMNS = ("id_number", "eligible", "class", "class_name", "position", "reasons")


class RankingDisagreement(RuntimeError):
    """The set-based ranking and the one-person explainer disagree (a bug, never a data problem)."""


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
    """The typed frame the query ranks (person columns and the application's own). As for a flat file
    (``derive_defaults``): an empty birth date or sex comes from the ID number, an empty residence
    from 户籍."""
    people = [app.person for app in apps]
    columns: dict[str, list[Any]] = {name: [p.get(name) for p in people] for name in PERSON_SCHEMA}
    columns["applied_on"] = [app.applied_on for app in apps]
    columns["wants_placement"] = [app.wants_placement for app in apps]
    columns["status"] = [app.status for app in apps]
    columns["partner_id_number"] = [app.partner_id_number for app in apps]
    ident = pl.col("id_number")
    return pl.DataFrame(columns, schema={**PERSON_SCHEMA, **APPLICATION_SCHEMA}).with_columns(
        pl.coalesce("birth_date", id_birth(ident)).alias("birth_date"),
        pl.coalesce("sex", id_sex(ident)).alias("sex"),
        pl.coalesce("residence_region", "hukou_region").alias("residence_region"),
    )


def _derived(app: Application) -> Application:
    """Birth date and sex from the ID number, residence from 户籍, where the record leaves them empty
    (as a flat file is read: ``derive_defaults``)."""
    person = app.person
    if (
        person.get("birth_date") is None
        or person.get("sex") is None
        or person.get("residence_region") is None
    ):
        return replace(app, person=derive_defaults(dict(person)))
    return app


def ranked_frame(rules: Rules, frame: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """Set-based, explained: ``frame`` (``PERSON_SCHEMA`` + the application columns, as read from a file
    or built by :func:`applications_frame`) ranked, with ``class_name`` and ``reasons`` (list of text),
    ``own_class``, ``in_queue`` and ``couple``; in the input's order."""
    ranked = rank_lazy(rules, frame.lazy(), on, parts=True).collect()
    names = {i + 1: p.name for i, p in enumerate(rules.classes)}
    out = with_reasons(rules, ranked, on).with_columns(
        pl.col("class").replace_strict(names, default=None, return_dtype=pl.String).alias("class_name")
    )
    return out.select(*OUTPUT_COLUMNS, "own_class", "in_queue", "couple")


def rank(rules: Rules, apps: Sequence[Application], on: dt.date) -> list[Ranked]:
    """Rank ``apps`` (one jurisdiction's applications) on ``on``; results in the input's order."""
    frame = ranked_frame(rules, applications_frame(apps), on)
    cols = frame.to_dict(as_series=False)
    return [
        Ranked(
            id_number=ident,
            eligible=eligible,
            rank_class=klass,
            class_name=name,
            position=position,
            reasons=tuple(reasons),
            own_class=own,
            in_queue=in_queue,
            couple=couple,
            ref=app.ref,
        )
        for app, ident, eligible, klass, name, position, reasons, own, in_queue, couple in zip(
            apps,
            cols["id_number"],
            cols["eligible"],
            cols["class"],
            cols["class_name"],
            cols["position"],
            cols["reasons"],
            cols["own_class"],
            cols["in_queue"],
            cols["couple"],
            strict=True,
        )
    ]


def application_of(row: Mapping[str, Any]) -> Application:
    """An application from a row of the typed frame."""
    person: dict[str, Value] = {name: row.get(name) for name in PERSON_SCHEMA}
    status: Status = row.get("status") or "waiting"
    return Application(
        person=person,
        applied_on=row["applied_on"],
        wants_placement=bool(row.get("wants_placement")),
        status=status,
        partner_id_number=row.get("partner_id_number"),
    )


def reference_reasons(
    rules: Rules, apps: Sequence[Application], ranked: Sequence[Ranked], on: dt.date
) -> list[tuple[str, ...]]:
    """The reasons the one-person explainer gives each application, completed with the couple and the
    position from ``ranked``; raises :class:`RankingDisagreement` where its verdict differs."""
    apps = [_derived(app) for app in apps]
    explainer = Explainer(rules, on)
    where = {app.id_number: i for i, app in enumerate(apps)}
    out: list[tuple[str, ...]] = []
    for app, result in zip(apps, ranked, strict=True):
        verdict = explainer.explain(app)
        if (verdict.eligible, verdict.own_class, verdict.in_queue) != (
            result.eligible,
            result.own_class,
            result.in_queue,
        ):
            raise RankingDisagreement(
                f"{app.id_number[-4:]}: explainer {verdict.eligible}/{verdict.own_class}/{verdict.in_queue}, "
                f"ranking {result.eligible}/{result.own_class}/{result.in_queue}"
            )
        words = list(verdict.reasons)
        partner = app.partner_id_number
        if not verdict.deceased:
            if result.couple and partner is not None and result.rank_class is not None:
                words.append(
                    f"与配偶（公民身份号码后四位 {partner[-4:]}）一同申请：按两人中较高的第{result.rank_class}类"
                    f"（{rules.class_name(result.rank_class)}）和较前的位次排序，位次相连"
                )
            elif partner is not None and result.in_queue:
                gap = _partner_gap(apps, where, partner, app.id_number)
                words.append(f"配偶（公民身份号码后四位 {partner[-4:]}）{gap}，本人单独轮候")
            if result.position is not None:
                words.append(f"轮候位次：第 {result.position} 位（{rules.jurisdiction or rules.code}）")
        out.append(tuple(words))
    return out


def _partner_gap(apps: Sequence[Application], where: Mapping[str, int], partner: str, me: str) -> str:
    """Why a named partner is not ranked together with this applicant."""
    i = where.get(partner)
    if i is None:
        return "没有申请"
    if apps[i].partner_id_number != me:
        return "的申请没有填写本人为配偶"
    return "不在轮候队列中"
