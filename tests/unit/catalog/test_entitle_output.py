"""``yanglao entitle`` output (issue 12): payee, placeholder and quantity beside each item, and no amount
resting on an example figure (示例值) printed without its mark — scanned over every list and a probe
population, in the bulk output, the explained output and the evaluator's own words."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest

from tests.unit.engine.engine_population import make_person
from yanglao.cli import main as yanglao_main
from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.loader import list_codes, load_catalog
from yanglao.core.catalog.words import PLACEHOLDER_MARK
from yanglao.core.engine.api import entitle_file
from yanglao.core.idnumber import make_id_number
from yanglao.core.person import derive_defaults, parse_record

ON = dt.date(2024, 7, 1)
PROBES = 300


def _probe_population(code: str, folder: Path) -> tuple[Path, list[dict[str, Any]]]:
    """Persons living in the list's jurisdiction, with every field drawn from the engine's pools."""
    rng = random.Random(f"placeholder-scan-{code}")
    regions = [code, code[:4] + "99", code[:2] + "9900", "990000"]
    records: list[dict[str, Any]] = []
    for n in range(PROBES):
        person = make_person(rng.choice, ON, regions)
        birth = person.get("birth_date") or dt.date(1950, 1, 1)
        person["id_number"] = make_id_number("411303" if code == "410000" else code, birth, n + 1)
        person.pop("sex", None)
        person["birth_date"] = birth
        records.append(person)
    path = folder / f"{code}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for person in records:
            row = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in person.items()}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path, records


def _lines(path: Path) -> dict[str, dict[int, dict[str, Any]]]:
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        person = json.loads(line)
        out[person["id_number"]] = {item["no"]: item for item in person["items"]}
    return out


@pytest.mark.parametrize("code", list_codes())
def test_no_example_amount_is_printed_without_its_mark(code: str, tmp_path: Path) -> None:
    catalog = load_catalog(code)
    source, records = _probe_population(code, tmp_path)
    plain, explained = tmp_path / "plain.jsonl", tmp_path / "explained.jsonl"
    entitle_file(code, ON, source, plain)
    entitle_file(code, ON, source, explained, explain=True)
    bulk, words = _lines(plain), _lines(explained)
    marked = 0
    for raw in records:
        record = derive_defaults(parse_record(dict(raw))[0])
        decision = evaluate(catalog, record, ON)
        for item in decision.granted():
            reads = [p for part in (item.parts or (item,)) if part.granted for p in part.params]
            on_example = item.amount is not None and any(p.example for p in reads)
            got = bulk[raw["id_number"]][int(item.no)]
            said = words[raw["id_number"]][int(item.no)]
            assert got["amount"] == said["amount"]
            if on_example:
                marked += 1
                assert item.placeholder, (code, item.no, item.amount_text)
                assert got["placeholder"] is True, (code, item.no)
                assert said["placeholder"] is True, (code, item.no)
                assert any(PLACEHOLDER_MARK in r for r in said["reasons"]), (code, item.no, said["reasons"])
                texts = [p.amount_text for p in (item.parts or (item,)) if p.granted and p.placeholder]
                assert texts, (code, item.no)
                assert all(PLACEHOLDER_MARK in t for t in texts), texts
            assert got["payee"] in ("person", "institution")
    if any(v.example for p in catalog.parameters.values() for v in p.values if v.valid_from <= ON):
        assert marked, f"{code}: no probe was granted an amount resting on an example figure"


def test_entitle_explain_shows_the_home_as_payee_of_woolong_item_11(tmp_path: Path) -> None:
    source = tmp_path / "wl.csv"
    ident = make_id_number("411303", dt.date(1950, 1, 1), 1)
    source.write_text(f"id_number,hukou_region,tekun\n{ident},411303,centralized\n", encoding="utf-8")
    out = tmp_path / "wl.jsonl"
    argv = ["entitle", "--catalog", "411303", "--date", "2024-07-01", "--input", str(source)]
    assert yanglao_main([*argv, "--output", str(out), "--explain"]) == 0
    (person,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    item = next(i for i in person["items"] if i["no"] == 11)
    assert item["payee"] == "institution"
    assert item["amount"] == 500
    assert item["placeholder"] is False
    assert any("由供养本人的敬老院领取（不发给本人）" in r for r in item["reasons"])
    # 第10项 特困集中供养 is paid to the 供养服务机构 too; everything else to the person
    assert {i["no"] for i in person["items"] if i["payee"] == "institution"} == {10, 11}


def test_entitle_says_a_named_draft_is_a_draft(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "zmd.csv"
    ident = make_id_number("411702", dt.date(1950, 1, 1), 1)
    source.write_text(f"id_number,hukou_region\n{ident},411702\n", encoding="utf-8")
    argv = ["entitle", "--catalog", "411700", "--date", "2024-07-01", "--input", str(source)]
    assert yanglao_main([*argv, "--output", str(tmp_path / "z.jsonl")]) == 0
    assert "征求意见稿" in capsys.readouterr().err


@pytest.mark.parametrize("code", list_codes())
def test_every_amount_resting_on_an_example_is_noted_beside_its_item(code: str) -> None:
    """Issue 12, class 1: money the documents do not give is marked, and the item says so quoting the text."""
    from yanglao.core.catalog.placeholders import example_params, rests_on_example

    catalog = load_catalog(code)
    examples = frozenset(
        name for name, p in catalog.parameters.items() if any(v.example for v in p.values)
    ) | example_params(catalog, ON)
    for item in catalog.items:
        if any(rests_on_example(b, examples) for b in item.benefits):
            assert "示例值（政策复核）：原文“" in item.notes, (code, item.no)


def test_entitle_grants_a_zhalaite_dibao_disabled_person_home_adaptation_by_default(tmp_path: Path) -> None:
    """扎赉特旗 item 7 (任务16: 低保对象中的失能老年人家庭) without any local option switched on; the JSON
    Lines items carry ``payee`` and, where the item has one, ``quantity: {value, unit, per}``."""
    source = tmp_path / "zl.csv"
    ident = make_id_number("152223", dt.date(1949, 1, 1), 2)
    source.write_text(f"id_number,hukou_region,dibao,ability_level\n{ident},152223,是,2\n", encoding="utf-8")
    out = tmp_path / "zl.jsonl"
    argv = ["entitle", "--catalog", "152223", "--date", "2024-07-01", "--input", str(source)]
    assert yanglao_main([*argv, "--output", str(out), "--explain"]) == 0
    (person,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    items = {i["no"]: i for i in person["items"]}
    assert 7 in items
    assert any("最低生活保障对象" in r for r in items[7]["reasons"])
    assert all(i["payee"] == "person" for i in items.values())
    assert items[19]["quantity"] == {"value": 25000.0, "unit": "sum_insured", "per": None, "comparison": None}
    assert items[7]["quantity"] is None
