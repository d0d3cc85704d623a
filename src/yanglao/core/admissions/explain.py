"""One application, explained: eligibility, the assessment, the priority class, the tie-breakers.

The reference for the bulk ranking (:mod:`yanglao.core.admissions.queue`): both must agree on every
application (the YAML cases run through both). Conditions are evaluated by the catalogue's evaluator
(:func:`~yanglao.core.catalog.evaluate.eval_cond`) and put into words by its ``success_reason`` /
``failure_reason``; nothing here interprets a condition itself.

The global rules (docs/admissions.md):

1. A person who died on or before the ranking date is not in the queue and not eligible.
2. Eligible = the jurisdiction's eligibility rule holds, an assessment whose result meets the rule and is
   no older than the parameter's number of months (and not after the ranking date), the application
   says 有入住意愿, and one of the classes holds (the last class of every file is a catch-all).
3. The class is the first class whose rule holds (class 1 is the highest).
4. In the queue: eligible, alive and ``status = waiting``; ``resident`` and ``withdrawn`` are not.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from yanglao.core.admissions.application import Application
from yanglao.core.admissions.model import STATUS_WORDS, Rules
from yanglao.core.catalog.evaluate import Context, eval_cond, failure_reason, is_deceased, success_reason
from yanglao.core.catalog.rules import Age, Cond, FieldRef, IsKnown, fields_used, walk
from yanglao.core.person import ABILITY_LEVELS, Value, age_on, derive_defaults


@dataclass(frozen=True)
class Verdict:
    """What the rules say about one application on one date (the position comes from the ranking)."""

    eligible: bool
    own_class: int | None
    tie_breaks: tuple[bool, ...]
    in_queue: bool
    deceased: bool
    reasons: tuple[str, ...]


def months_before(on: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it has no such day)."""
    index = on.year * 12 + on.month - 1 - months
    year, month = divmod(index, 12)
    day = min(on.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def assessment_cutoff(rules: Rules, on: dt.date) -> dt.date | None:
    """The earliest assessment date accepted on ``on`` (None: the parameter has no value yet)."""
    months = rules.months(on)
    return None if months is None else months_before(on, months)


@dataclass(frozen=True)
class _Outcome:
    """One condition for one combination of the values it reads: whether it holds, and its reason."""

    result: bool
    success: str
    failure: str


class CachedCond:
    """A condition of the rules, evaluated by the catalogue's evaluator once per combination of the
    values it reads (its fields, and the age when it reads the age): a county's applicants share few."""

    def __init__(self, cond: Cond, explainer: Explainer) -> None:
        self.cond = cond
        self.explainer = explainer
        nodes = walk(cond)
        self.uses_age = any(
            isinstance(n, Age) or (isinstance(n, IsKnown) and n.field == "age") for n in nodes
        )
        reads_birth = any(
            (isinstance(n, FieldRef) and n.name == "birth_date")
            or (isinstance(n, IsKnown) and n.field == "birth_date")
            for n in nodes
        )
        used = fields_used(cond)
        if not reads_birth:
            used.discard("birth_date")
        self.fields = tuple(sorted(used))
        self.cache: dict[Hashable, _Outcome] = {}

    def __call__(self, person: Mapping[str, Value]) -> _Outcome:
        age: int | None = None
        if self.uses_age:
            birth = person.get("birth_date")
            age = age_on(birth, self.explainer.on) if isinstance(birth, dt.date) else None
        key = (age, *(person.get(name) for name in self.fields))
        found = self.cache.get(key)
        if found is None:
            ctx = Context(self.explainer.rules.catalog, person, self.explainer.on, {})
            trace = eval_cond(self.cond, ctx)
            found = self.cache[key] = _Outcome(
                trace.result,
                success_reason(trace) if trace.result else "",
                "" if trace.result else failure_reason(trace),
            )
        return found


class Explainer:
    """Explains applications under one jurisdiction's rules on one date (conditions cached by the values
    they read, so explaining a whole file stays quick)."""

    def __init__(self, rules: Rules, on: dt.date) -> None:
        self.rules = rules
        self.on = on
        self.cutoff = assessment_cutoff(rules, on)
        self.eligibility = CachedCond(rules.eligibility.rule, self)
        self.assessment = CachedCond(rules.assessment.rule, self)
        self.classes = [CachedCond(p.rule, self) for p in rules.classes]
        self.ties = [CachedCond(p.rule, self) for p in rules.tie_breakers]

    def assessment_words(self, person: Mapping[str, Value]) -> tuple[bool, str]:
        """Whether the person has an assessment recent enough, with the words."""
        assessed = person.get("ability_assessed_on")
        level = person.get("ability_level")
        months = self.rules.months(self.on)
        if self.cutoff is None or months is None:
            label = self.rules.parameters[self.rules.assessment.valid_months].label
            return False, f"{label}在 {self.on} 没有有效值，无法判断能力评估是否有效"
        if level is None or not isinstance(assessed, dt.date):
            return (
                False,
                f"没有能力评估结果：入住须有 {months} 个月内的老年人能力评估（{self.cutoff} 及以后）",
            )
        if assessed > self.on:
            return False, f"能力评估日期 {assessed} 晚于排序日期 {self.on}"
        if assessed < self.cutoff:
            return False, (
                f"能力评估已过期：{assessed} 评估，超过 {months} 个月（须在 {self.cutoff} 及以后），请重新评估"
            )
        shown = f"{dict(ABILITY_LEVELS).get(str(level), str(level))}（{level}级）"
        return True, f"能力评估：{shown}（{assessed} 评估，{months} 个月内有效）"

    def explain(self, app: Application) -> Verdict:
        person = app.person
        if any(person.get(name) is None for name in ("birth_date", "sex", "residence_region")):
            person = derive_defaults(dict(person))  # as the ranking frame does (applications_frame)
        rules = self.rules
        if is_deceased(person, self.on):
            return Verdict(
                False, None, (), False, True, (f"已于 {person['death_date']} 去世，不在轮候队列中",)
            )
        elig = self.eligibility(person)
        if elig.result:
            reasons = [f"符合申请条件（{rules.eligibility.name}）：{elig.success}"]
        else:
            reasons = [f"不符合申请条件（{rules.eligibility.name}）：{elig.failure}"]
        assessed, assess_text = self.assessment_words(person)
        reasons.append(assess_text)
        result = self.assessment(person)
        if not result.result:
            reasons.append(f"能力评估结果不符合入住要求：{result.failure}")
        reasons.append(
            "本人有入住意愿"
            if app.wants_placement
            else "本人没有入住意愿（申请表“入住意愿”为否），不进入轮候"
        )
        own: int | None = None
        class_texts: list[str] = []
        for rank, (cond, provision) in enumerate(zip(self.classes, rules.classes, strict=True), start=1):
            outcome = cond(person)
            if outcome.result:
                own = rank
                class_texts.append(
                    f"第{rank}类（{provision.name}）：{outcome.success}；依据：{provision.reference}"
                )
                break
            class_texts.append(f"不属于第{rank}类（{provision.name}）：{outcome.failure}")
        eligible = elig.result and assessed and result.result and app.wants_placement and own is not None
        ties: list[bool] = []
        if eligible:
            reasons.extend(class_texts)
            for cond, provision in zip(self.ties, rules.tie_breakers, strict=True):
                outcome = cond(person)
                ties.append(outcome.result)
                if outcome.result:
                    reasons.append(
                        f"同等条件下优先（{provision.name}）：是，{outcome.success}；依据：{provision.reference}"
                    )
                else:
                    reasons.append(f"同等条件下优先（{provision.name}）：否")
            reasons.append(f"申请日期：{app.applied_on}（同一类别、同等条件下先申请者在前）")
        elif own is None and elig.result:
            reasons.append("不属于任何轮候类别")
        in_queue = eligible and app.status == "waiting"
        if app.status != "waiting":
            reasons.append(f"申请状态：{STATUS_WORDS[app.status]}，不在轮候队列中")
        elif not eligible:
            reasons.append("不符合入住条件，不在轮候队列中")
        return Verdict(eligible, own if eligible else None, tuple(ties), in_queue, False, tuple(reasons))


def explain(rules: Rules, app: Application, on: dt.date) -> Verdict:
    """One application on one date (without the position: that needs the whole queue)."""
    return Explainer(rules, on).explain(app)
