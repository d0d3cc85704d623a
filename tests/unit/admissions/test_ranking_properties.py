"""Property-style tests of the ranking over generated applicants: the set-based query gives the order a
plain-Python reference gives (the explainer's class and tie-breakers, then the date, the age and the ID
number; a couple together at the better place), positions are a total order 1…k, the result does not
depend on the input's order, and every reason is the explainer's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yanglao.core.admissions import Application, Explainer, explain, load_rules, rank, reference_reasons
from yanglao.core.admissions.explain import months_before
from yanglao.core.idnumber import make_id_number

ON = dt.date(2026, 6, 17)
REGIONS = {"152223": "152223", "411303": "411303", "411700": "411702"}


@st.composite
def applicant(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "birth": dt.date(
            draw(st.integers(1926, 1968)), draw(st.sampled_from([1, 6])), draw(st.sampled_from([1, 17, 18]))
        ),
        "tekun": draw(st.sampled_from([None, None, "dispersed", "centralized"])),
        "tekun_care": draw(st.sampled_from([None, "self", "half", "full"])),
        "self_care_unable": draw(st.sampled_from([None, True, False])),
        "disability_grade": draw(st.sampled_from([None, None, 1, 2, 3])),
        "dibao": draw(st.sampled_from([None, True, False])),
        "dibao_edge": draw(st.sampled_from([None, True])),
        "no_supporter": draw(st.sampled_from([None, True])),
        "living_arrangement": draw(st.sampled_from([None, "alone", "empty_nest", "with_family"])),
        "fp_special": draw(st.sampled_from([None, None, "bereaved", "disabled_child"])),
        "military_family": draw(st.sampled_from([None, True])),
        "special_contribution": draw(st.sampled_from([None, None, "martyr_family", "retired_soldier"])),
        "periodic_pension": draw(st.sampled_from([None, True])),
        "ability_level": draw(st.sampled_from([None, 0, 0, 1, 2, 3, 4])),
        "assessed_ago": draw(st.integers(-2, 400)),
        "applied_ago": draw(st.integers(0, 2)),  # few dates: many ties on the date
        "wants": draw(st.sampled_from([True] * 9 + [False])),
        "status": draw(st.sampled_from(["waiting"] * 8 + ["resident", "withdrawn"])),
        "death_in": draw(st.sampled_from([None] * 7 + [-1, 0, 1])),
        "outside": draw(st.sampled_from([False] * 9 + [True])),
    }


def build(code: str, drawn: list[dict[str, Any]], couples: list[int]) -> list[Application]:
    region = REGIONS[code]
    ids = [make_id_number(region, d["birth"], i) for i, d in enumerate(drawn)]
    partner: dict[int, int] = {}
    for i in couples:
        if i + 1 < len(drawn) and i not in partner and i + 1 not in partner:
            partner[i], partner[i + 1] = i + 1, i
    apps = []
    for i, d in enumerate(drawn):
        person = {
            k: d[k]
            for k in d
            if k not in ("birth", "assessed_ago", "applied_ago", "wants", "status", "death_in", "outside")
        }
        person.update(
            id_number=ids[i],
            birth_date=d["birth"],
            hukou_region="110101" if d["outside"] else region,
            ability_assessed_on=ON - dt.timedelta(days=d["assessed_ago"])
            if d["ability_level"] is not None
            else None,
            death_date=ON + dt.timedelta(days=d["death_in"]) if d["death_in"] is not None else None,
        )
        apps.append(
            Application(
                person=person,
                applied_on=ON - dt.timedelta(days=d["applied_ago"]),
                wants_placement=d["wants"],
                status=d["status"],
                partner_id_number=ids[partner[i]] if i in partner else None,
            )
        )
    return apps


def expected_positions(code: str, apps: list[Application]) -> dict[str, int]:
    """The order by hand: the explainer's verdicts, sorted in plain Python."""
    explainer = Explainer(load_rules(code), ON)
    keys: dict[str, tuple[Any, ...]] = {}
    for app in apps:
        verdict = explainer.explain(app)
        if verdict.in_queue:
            birth = app.person["birth_date"]
            keys[app.id_number] = (
                verdict.own_class,
                *(not t for t in verdict.tie_breaks),
                app.applied_on,
                birth,
                app.id_number,
            )
    partner_of = {a.id_number: a.partner_id_number for a in apps}
    groups: list[list[str]] = []
    done: set[str] = set()
    for ident in keys:
        if ident in done:
            continue
        other = partner_of[ident]
        if other in keys and partner_of[other] == ident:
            groups.append(sorted([ident, other], key=keys.__getitem__))
            done |= {ident, other}
        else:
            groups.append([ident])
            done.add(ident)
    groups.sort(key=lambda g: keys[g[0]])
    order = [ident for group in groups for ident in group]
    return {ident: i + 1 for i, ident in enumerate(order)}


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    code=st.sampled_from(sorted(REGIONS)),
    drawn=st.lists(applicant(), min_size=1, max_size=18),
    couples=st.lists(st.integers(0, 17), max_size=4),
    seed=st.randoms(use_true_random=False),
)
def test_the_queue_is_the_reference_order_and_does_not_depend_on_the_input_order(
    code: str, drawn: list[dict[str, Any]], couples: list[int], seed: Any
) -> None:
    rules = load_rules(code)
    apps = build(code, drawn, couples)
    results = rank(rules, apps, ON)
    positions = {r.id_number: r.position for r in results if r.position is not None}
    assert positions == expected_positions(code, apps)
    assert sorted(positions.values()) == list(range(1, len(positions) + 1))  # a total order 1…k
    for result in results:
        assert (result.position is not None) == result.in_queue
        assert result.in_queue <= result.eligible
        if result.couple:
            partner = next(a.partner_id_number for a in apps if a.id_number == result.id_number)
            assert partner is not None
            assert abs(positions[partner] - positions[result.id_number]) == 1
    assert [r.reasons for r in results] == reference_reasons(rules, apps, results, ON)
    shuffled = list(apps)
    seed.shuffle(shuffled)
    again = {r.id_number: r for r in rank(rules, shuffled, ON)}
    for result in results:
        other = again[result.id_number]
        assert (other.position, other.rank_class, other.eligible, other.reasons) == (
            result.position,
            result.rank_class,
            result.eligible,
            result.reasons,
        )


def test_a_couple_is_ranked_at_the_better_of_the_two_places_on_consecutive_positions() -> None:
    base = dict.fromkeys(
        ("tekun", "tekun_care", "self_care_unable", "disability_grade", "dibao", "dibao_edge")
    )
    base |= dict.fromkeys(("no_supporter", "living_arrangement", "fp_special", "military_family"))
    base |= {"special_contribution": None, "periodic_pension": None, "ability_level": 0, "assessed_ago": 10}
    base |= {"wants": True, "status": "waiting", "death_in": None, "outside": False}
    drawn = [
        base | {"birth": dt.date(1950, 1, 1), "applied_ago": 1},  # other, applied late
        base | {"birth": dt.date(1950, 1, 1), "applied_ago": 100},  # other, applied early
        base | {"birth": dt.date(1950, 1, 1), "applied_ago": 3, "dibao": True, "ability_level": 3},  # class 4
        base | {"birth": dt.date(1951, 1, 1), "applied_ago": 50},  # other
    ]
    apps = build("152223", drawn, [2])  # the third and the fourth apply together
    results = rank(load_rules("152223"), apps, ON)
    by_birth = [(r.position, r.rank_class, r.own_class) for r in results]
    assert by_birth == [(4, 6, 6), (3, 6, 6), (1, 4, 4), (2, 4, 6)]
    assert "与配偶" in results[3].reasons[-2]
    assert results[3].reasons[-1].startswith("轮候位次：第 2 位")


def test_months_before_keeps_the_day_or_takes_the_month_end() -> None:
    assert months_before(dt.date(2026, 6, 17), 12) == dt.date(2025, 6, 17)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def test_one_application_is_explained_as_the_ranking_does_without_a_birth_date() -> None:
    rules = load_rules("152223")
    ident = make_id_number("152223", dt.date(1944, 1, 1), 1)
    person = {"id_number": ident, "hukou_region": "152223", "ability_level": 0, "ability_assessed_on": ON}
    app = Application(person=person, applied_on=ON, wants_placement=True)
    verdict = explain(rules, app, ON)
    (ranked,) = rank(rules, [app], ON)
    assert (verdict.eligible, verdict.own_class) == (True, 6)
    assert ranked.reasons[: len(verdict.reasons)] == verdict.reasons
    assert "年龄：82周岁" in verdict.reasons[0]
