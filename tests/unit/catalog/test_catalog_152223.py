"""The 扎赉特旗 list (扎政办发〔2023〕16号 附件2) as transcribed, and the shared taxonomy."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from yanglao.core.catalog import evaluate, load_catalog, load_taxonomy
from yanglao.core.catalog.compare import amount_on


def test_it_has_the_twenty_items_numbered_as_printed() -> None:
    catalog = load_catalog("152223")
    assert [item.no for item in catalog.items] == [str(n) for n in range(1, 21)]
    assert (catalog.document_number, catalog.issued_on, catalog.parent) == (
        "扎政办发〔2023〕16号",
        dt.date(2023, 6, 15),
        None,
    )
    assert not catalog.reconstructed


def test_every_item_has_type_target_content_and_policy_basis() -> None:
    for item in load_catalog("152223").items:
        assert item.target_text, item.no
        assert item.content, item.no
        assert item.policy_basis, item.no
        assert item.type in ("material_aid", "care_service", "caring_service")


def test_only_the_temporary_assistance_has_no_machine_rule() -> None:
    catalog = load_catalog("152223")
    no_rule = [(item.no, b.code) for item in catalog.items for b in item.benefits if b.rule is None]
    assert no_rule == [("11", "temporary_assistance")]


def test_the_printed_figures_are_the_parameters_on_the_list_date() -> None:
    catalog = load_catalog("152223")
    on = dt.date(2023, 6, 15)
    values = {name: p.value_on(on) for name, p in catalog.parameters.items()}
    printed = {
        "gaoling_jintie_80_99": Decimal(100),
        "gaoling_jintie_100_plus": Decimal(600),
        "service_subsidy_amount": Decimal(50),
        "urban_rural_pension_supplement_70_79": Decimal(10),
        "urban_rural_pension_supplement_80_plus": Decimal(20),
        "tekun_basic_living_multiple": Decimal("1.3"),
    }
    for name, value in printed.items():
        found = values[name]
        assert found is not None
        assert (found.value, found.example) == (value, False), name
    examples = {name for name, v in values.items() if v is not None and v.example}
    assert examples == {"urban_rural_basic_pension", "dibao_standard"}
    assert amount_on(catalog, catalog.item("6").benefits[0], on) == Decimal("50.00")


def test_the_two_care_subsidies_are_the_applicants_choice() -> None:
    """可择高申领: both shown as eligible, the choice left to the person — no tie-break drops the national
    重度残疾人护理补贴 when both amounts are unknown."""
    catalog = load_catalog("152223")
    assert catalog.exclusive_groups == ()
    (group,) = catalog.choice_groups
    assert group.members == ("care_subsidy", "severe_disability_care_subsidy")
    assert group.chooser == "applicant"
    person = {
        "birth_date": dt.date(1949, 1, 1),
        "dibao": True,
        "self_care_unable": True,
        "disability_grade": 2,
    }
    decision = evaluate(catalog, person, dt.date(2024, 7, 1))
    assert decision.item("8").granted
    assert [p.status for p in decision.item("17").parts] == ["granted", "granted"]
    assert "择高，由本人选择" in decision.item("8").choice
    assert "第17项" in decision.item("8").choice
    assert "第8项" in decision.item("17").parts[1].choice


def test_the_taxonomy_has_every_code_of_the_five_seed_lists() -> None:
    services = load_taxonomy().services
    expected = {
        "employee_pension", "enterprise_pension", "public_sector_pension", "urban_rural_pension",
        "ltc_insurance", "accident_insurance", "health_management", "ability_assessment",
        "medical_convenience", "gaoling_jintie", "service_subsidy", "care_subsidy", "integrated_care_funding",
        "disability_subsidies", "disability_living_subsidy", "severe_disability_care_subsidy",
        "fp_special_support", "dibao", "temporary_assistance", "tekun_support", "tekun_dispersed",
        "tekun_centralized", "tekun_basic_living", "tekun_care_standard", "medical_assistance",
        "vagrant_assistance", "special_contribution_care", "home_adaptation", "family_care_support",
        "assistive_devices", "visits", "priority_admission", "difficulty_care_services", "institutional_care",
        "home_community_care", "home_services", "meal_assistance", "culture_services", "public_transport",
        "notary_fee_relief", "litigation_fee_relief", "legal_services", "public_facility_adaptation",
        "double_ninth_visits", "parent_hukou_transfer",
    }  # fmt: skip
    assert expected <= set(services)
    assert load_taxonomy().related("tekun_dispersed") == {"tekun_dispersed", "tekun_support"}
    assert "tekun_dispersed" in load_taxonomy().related("tekun_support")


def test_the_rules_core_never_evaluates_text() -> None:
    source = Path(__file__).resolve().parents[3] / "src" / "yanglao" / "core" / "catalog"
    for path in source.glob("*.py"):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<![.\w])(eval|exec|compile|__import__)\(", code), path.name
        assert "yaml.load(" not in code or "Loader=StrictLoader" in code, path.name


def test_a_dibao_disabled_person_is_granted_home_adaptation_by_default() -> None:
    """任务16 of the same document: “对纳入分散特困供养以及城乡低保对象中的失能、高龄、残疾老年人家庭实施居家
    适老化改造” — 低保 households are in the rule itself, not behind a default-off option (issue 12)."""
    catalog = load_catalog("152223")
    assert "home_adaptation_extend_dibao" not in catalog.options
    person = {"birth_date": dt.date(1949, 1, 1), "hukou_region": "152223", "dibao": True, "ability_level": 2}
    item = evaluate(catalog, person, dt.date(2024, 7, 1)).item("7")
    assert item.granted
    assert "最低生活保障对象" in item.reason
    assert "任务16" in catalog.item("7").notes
    not_poor = evaluate(catalog, {**person, "dibao": False}, dt.date(2024, 7, 1)).item("7")
    assert not not_poor.granted
