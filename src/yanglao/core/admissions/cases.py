"""The YAML test cases beside each rule file (``carehomes/rules/<code>.cases.yaml``).

A case is a date, a list of applications written as a file's row would be (person fields and the
application's own, Chinese or English values), and what is expected for each applicant, by name::

    cases:
      - name: 同一类别内优抚对象在前
        date: 2026-06-17
        applications:
          - {name: 甲, id_number: "…", applied_on: 2026-01-05, wants_placement: 是, …}
        expect:
          甲: {eligible: true, class: 6, position: 2, reason: 现役军人家属}

Every case runs through the one-person explainer and the set-based ranking; both must give what is
expected (``reason``: words that one of the reasons must contain; a list for several).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yanglao.core.admissions.application import Application, parse_application_cells
from yanglao.core.admissions.explain import Explainer
from yanglao.core.admissions.loader import RULES_ROOT, load_rules
from yanglao.core.admissions.model import Status
from yanglao.core.admissions.ranking import rank, reference_reasons
from yanglao.core.catalog.yamlio import At, boolean, date_value, mapping, read_yaml, sequence, text
from yanglao.core.person import FIELD_BY_NAME, derive_defaults, parse_record

EXPECT_KEYS = ("eligible", "class", "position", "reason")


@dataclass(frozen=True)
class Case:
    name: str
    on: dt.date
    applications: tuple[Application, ...]
    names: tuple[str, ...]  # the applicant's name, per application
    expect: dict[str, dict[str, Any]]
    line: int | None


def cases_path(code: str, root: Path | None = None) -> Path:
    return (RULES_ROOT if root is None else root) / f"{code}.cases.yaml"


def load_cases(code: str, root: Path | None = None) -> list[Case]:
    path = cases_path(code, root)
    at = At(str(path))
    data = mapping(read_yaml(path), at, required=("cases",))
    items = sequence(data["cases"], at.key("cases", data), allow_empty=False)
    return [_case(raw, at.key("cases", data).index(i, items)) for i, raw in enumerate(items)]


def _case(raw: object, at: At) -> Case:
    body = mapping(raw, at, required=("name", "date", "applications", "expect"), optional=("notes",))
    on = date_value(body["date"], at.key("date", body))
    apps_at = at.key("applications", body)
    rows = sequence(body["applications"], apps_at, allow_empty=False)
    apps: list[Application] = []
    names: list[str] = []
    for i, row_raw in enumerate(rows):
        here = apps_at.index(i, rows)
        row = mapping(row_raw, here, free=True)
        person_cells = {str(k): v for k, v in row.items() if k in FIELD_BY_NAME}
        app_cells = {str(k): v for k, v in row.items() if k not in FIELD_BY_NAME}
        for key in app_cells:
            if key not in (
                "applied_on",
                "wants_placement",
                "partner_id_number",
                "status",
                "preferred_facilities",
            ):
                raise here.key(key, row).error(f"未知字段“{key}”")
        record, problems = parse_record(person_cells)
        if "name" not in record or "id_number" not in record:
            raise here.error("每个申请都要写 name 和 id_number")
        parsed, app_problems = parse_application_cells(app_cells, str(record["id_number"]), on)
        for problem in (*problems, *app_problems):
            raise here.key(problem.field, row).error(problem.reason)
        status: Status = parsed["status"]  # type: ignore[assignment]
        apps.append(
            Application(
                person=derive_defaults(record),
                applied_on=parsed["applied_on"],  # type: ignore[arg-type]
                wants_placement=bool(parsed["wants_placement"]),
                status=status,
                partner_id_number=parsed.get("partner_id_number"),  # type: ignore[arg-type]
            )
        )
        names.append(str(record["name"]))
    if len(set(names)) != len(names):
        raise apps_at.error("同一用例中申请人的 name 不能重复")
    exp_at = at.key("expect", body)
    expect_raw = mapping(body["expect"], exp_at, free=True)
    expect: dict[str, dict[str, Any]] = {}
    for who, spec in expect_raw.items():
        here = exp_at.key(str(who), expect_raw)
        if who not in names:
            raise here.error(f"没有名为“{who}”的申请")
        fields = mapping(spec, here, optional=EXPECT_KEYS)
        checked: dict[str, Any] = {}
        if "eligible" in fields:
            checked["eligible"] = boolean(fields["eligible"], here.key("eligible", fields))
        for key in ("class", "position"):
            if key in fields:
                value = fields[key]
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise here.key(key, fields).error("应为整数或 null")
                checked[key] = value
        if "reason" in fields:
            words = fields["reason"] if isinstance(fields["reason"], list) else [fields["reason"]]
            checked["reason"] = [text(w, here.key("reason", fields)) for w in words]
        expect[str(who)] = checked
    return Case(text(body["name"], at.key("name", body)), on, tuple(apps), tuple(names), expect, at.line)


def run_case(code: str, case: Case, root: Path | None = None) -> list[str]:
    """The failures of one case (empty when it passes), through the explainer and the ranking."""
    rules = load_rules(code, root)
    failures: list[str] = []
    explainer = Explainer(rules, case.on)
    results = rank(rules, case.applications, case.on)
    reference = reference_reasons(rules, case.applications, results, case.on)
    for app, who, result in zip(case.applications, case.names, results, strict=True):
        want = case.expect.get(who)
        if want is None:
            continue
        verdict = explainer.explain(app)
        got = {"eligible": result.eligible, "class": result.rank_class, "position": result.position}
        one = {
            "eligible": verdict.eligible,
            "class": verdict.own_class if not result.couple else result.rank_class,
        }
        for key in ("eligible", "class", "position"):
            if key in want and got[key] != want[key]:
                failures.append(f"{case.name}：{who} 的 {key} 应为 {want[key]}，排序结果为 {got[key]}")
            if key in want and key in one and one[key] != want[key]:
                failures.append(f"{case.name}：{who} 的 {key} 应为 {want[key]}，单人解释为 {one[key]}")
        if reference[case.names.index(who)] != result.reasons:
            failures.append(
                f"{case.name}：{who} 的理由，整体排序与单人解释不同：{result.reasons} ≠ {reference[case.names.index(who)]}"
            )
        for words in want.get("reason", []):
            if not any(words in reason for reason in result.reasons):
                failures.append(f"{case.name}：{who} 的理由中没有“{words}”：{'；'.join(result.reasons)}")
    return failures


def run_all(code: str, root: Path | None = None) -> list[str]:
    return [failure for case in load_cases(code, root) for failure in run_case(code, case, root)]
