"""``yanglao catalog impact`` on a person-record file: counts and costs per item and funding level,
checked against an independent count by the one-person evaluator (issue 13 item 3); and ``yanglao
catalog budget`` with its XLSX for the finance bureau (item 4)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from contextlib import redirect_stdout
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from yanglao.cli import main
from yanglao.core.catalog import evaluate, load_catalog
from yanglao.core.catalog.impact import load_folder
from yanglao.core.catalog.loader import CATALOGS_ROOT
from yanglao.core.engine.bench import persons_query
from yanglao.core.engine.frames import read_persons

ON = dt.date(2025, 3, 1)
SHARES = """  funding_share_gaoling_jintie_county:
    label: 高龄津贴县级分担比例
    unit: 比例
    values:
      - from: 2024-06-01
        value: 0.6
        reference: 测试用分担办法（县60%）
  funding_share_gaoling_jintie_province:
    label: 高龄津贴省级分担比例
    unit: 比例
    values:
      - from: 2024-06-01
        value: 0.4
        reference: 测试用分担办法（省40%）
"""


def make_draft(tmp: Path) -> Path:
    """新乡县's list with 高龄津贴 from 75 for 本县户籍 only (some gain, outsiders lose), 80–89 raised
    to 80 yuan from 2025-01-01, and a 60/40 county/province split of it."""
    folder = tmp / "draft" / "410721"
    shutil.copytree(CATALOGS_ROOT / "410721", folder)
    params = folder / "parameters.yaml"
    text = params.read_text(encoding="utf-8")
    text = text.replace(
        "        reference: 新政办〔2024〕13号 附件 第5项（每人每月不低于50元）\n",
        "        reference: 新政办〔2024〕13号 附件 第5项（每人每月不低于50元）\n"
        "      - from: 2025-01-01\n        value: 80\n        reference: 测试草稿（提高标准）\n",
        1,
    )
    params.write_text(text.replace("parameters:\n", "parameters:\n" + SHARES + "  gaoling_jintie_75_79:\n"
                                   "    label: 高龄津贴标准（75–79周岁）\n    unit: 元/人/月\n    values:\n"
                                   "      - from: 2024-06-01\n        value: 30\n        reference: 测试草稿\n", 1),
                      encoding="utf-8")  # fmt: skip
    items = folder / "items.yaml"
    text = items.read_text(encoding="utf-8")
    start = text.index('  - no: "5"')
    end = text.index('  - no: "6"')
    block = text[start:end].replace(
        '    rule:\n      ">=": [age, 80]\n',
        '    rule:\n      all:\n        - ">=": [age, 75]\n        - within: [hukou_region, "410721"]\n',
    )
    block = block.replace(
        "          - {from: 80, to: 89,",
        "          - {from: 75, to: 79, value: {param: gaoling_jintie_75_79}}\n          - {from: 80, to: 89,",
    )
    assert block != text[start:end]
    items.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return folder


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def independent(path: Path, draft: Path) -> dict[str, dict[str, Any]]:
    """Per item: gaining, losing, changed and the monthly cost before and after, person by person."""
    before, after = load_catalog("410721"), load_folder(draft)
    persons, _ = read_persons(path)
    out: dict[str, dict[str, Any]] = {}
    for record in persons.drop("__line").to_dicts():
        b = {d.no: d.amount for d in evaluate(before, record, ON).granted()}
        a = {d.no: d.amount for d in evaluate(after, record, ON).granted()}
        for no in set(b) | set(a):
            row = out.setdefault(
                no, {"gaining": 0, "losing": 0, "changed": 0, "before": Decimal(0), "after": Decimal(0)}
            )
            row["gaining"] += no in a and no not in b
            row["losing"] += no in b and no not in a
            row["changed"] += no in a and no in b and a[no] != b[no]
            row["before"] += b.get(no) or 0
            row["after"] += a.get(no) or 0
    return out


def test_impact_on_a_person_file_counts_and_costs_per_level(tmp_path: Path) -> None:
    source = tmp_path / "persons.csv"
    persons_query(600, seed=11).collect().write_csv(source)
    draft = make_draft(tmp_path)
    code, text = run(["catalog", "impact", "--catalog", "410721", "--draft", str(draft), "--date", "2025-03-01",
                      "--input", str(source), "--json"])  # fmt: skip
    assert code == 0
    data = json.loads(text)
    items = {i["no"]: i for i in data["items"]}
    truth = independent(source, draft)
    five = items["5"]
    assert five["gaining"] > 0
    assert five["losing"] > 0
    assert five["changed"] > 0
    for no, want in truth.items():
        got = items[no]
        assert (got["gaining"], got["losing"], got["changed"]) == (
            want["gaining"],
            want["losing"],
            want["changed"],
        ), no
        if got["has_amount"] and not got["example_before"]:  # monthly items in 新乡县: cost = sum of amounts
            assert Decimal(str(got["monthly_cost_before"])) == want["before"], no
            assert Decimal(str(got["monthly_cost_after"])) == want["after"], no
    # 高龄津贴's new 60/40 split: the after-cost by level; before, the list named 县 and 省 without shares
    assert five["by_level"]["县"]["monthly_cost_after"] == pytest.approx(
        float(truth["5"]["after"]) * 0.6, abs=0.01
    )
    assert five["by_level"]["省"]["monthly_cost_after"] == pytest.approx(
        float(truth["5"]["after"]) * 0.4, abs=0.01
    )
    assert five["by_level"]["未拆分"]["monthly_cost_before"] == float(truth["5"]["before"])
    # the example-based items (basic pension …) are counted apart, never in the total
    total = data["total"]
    assert "2" in total["example_items_after"]
    real_after = sum(Decimal(str(i["monthly_cost_after"])) for i in data["items"] if not i["example_after"])
    assert Decimal(str(total["monthly_cost_after"])) == real_after
    assert total["example_monthly_cost_after"] == pytest.approx(
        sum(i["monthly_cost_after"] for i in data["items"] if i["example_after"])
    )
    assert sum(v["monthly_cost_after"] for v in total["by_level"].values()) == pytest.approx(
        total["monthly_cost_after"], abs=0.05
    )
    # the table in Chinese
    code, table = run(["catalog", "impact", "--catalog", "410721", "--draft", str(draft), "--date", "2025-03-01",
                       "--input", str(source)])  # fmt: skip
    assert code == 0
    assert "合计（不含示例值）" in table
    assert "按资金层级" in table
    assert "※城乡居民基本养老保险" in table


def test_a_draft_that_does_not_load_is_refused_with_file_and_reason(tmp_path: Path) -> None:
    draft = make_draft(tmp_path)
    (draft / "items.yaml").write_text("items: [", encoding="utf-8")
    source = tmp_path / "persons.csv"
    persons_query(10).collect().write_csv(source)
    err = io.StringIO()
    from yanglao.core.catalog.cli import main as catalog_main

    code = catalog_main(["impact", "--catalog", "410721", "--draft", str(draft), "--date", "2025-03-01",
                         "--input", str(source)], io.StringIO(), err)  # fmt: skip
    assert code == 2
    assert "items.yaml" in err.getvalue()


def test_budget_xlsx_for_the_finance_bureau(tmp_path: Path) -> None:
    source = tmp_path / "persons.parquet"
    persons_query(300, seed=5).collect().write_parquet(source)
    target = tmp_path / "budget.xlsx"
    code, text = run(["catalog", "budget", "--catalog", "410721", "--year", "2025", "--input", str(source),
                      "--xlsx", str(target), "--json"])  # fmt: skip
    assert code == 0
    data = json.loads(text)
    assert data["mortality"]["example"] is True
    months = data["by_month"]
    assert len(months) == 12
    assert sum(m["cost"] for m in months) == pytest.approx(data["total"]["yearly_cost"], abs=0.2)
    assert sum(v["cost"] for v in data["by_level"].values()) == pytest.approx(
        data["total"]["yearly_cost"], abs=0.2
    )
    book = load_workbook(target)
    assert book.sheetnames == ["说明", "按项目", "按乡镇", "按资金层级"]
    sheet = book["按项目"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["序号", "项目", "示例值", "资金层级"]
    assert header[-1] == "全年"
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    total = next(r for r in rows if r[1] == "合计（不含示例值）")
    items = [r for r in rows if r[0]]
    assert total[-1] == pytest.approx(sum(r[-1] for r in items if r[2] != "示例值"), abs=0.1)
    assert any(r[2] == "示例值" for r in items)
    assert "示例值" in str(book["说明"]["A4"].value)


@pytest.mark.django_db
def test_without_input_the_registry_is_read(tmp_path: Path, make_person: Any) -> None:
    """Over the registry: the people of the list's region living on the date (two in 新乡县, one elsewhere)."""
    make_person("甲", region="410721100200", birth=dt.date(1940, 6, 1))  # 84: 80 → 80 yuan in the draft
    make_person("乙", region="410721101200", birth=dt.date(1948, 6, 1))  # 76: gains 高龄津贴 from 75
    make_person("丙", region="152223100001", birth=dt.date(1940, 6, 1))  # not in 新乡县
    draft = make_draft(tmp_path)
    code, text = run(["catalog", "impact", "--catalog", "410721", "--draft", str(draft), "--date", "2025-03-01",
                      "--json"])  # fmt: skip
    assert code == 0
    data = json.loads(text)
    assert data["persons"] == 2
    five = next(i for i in data["items"] if i["no"] == "5")
    assert (five["gaining"], five["losing"], five["changed"]) == (1, 0, 1)
    assert (five["monthly_cost_before"], five["monthly_cost_after"]) == (50.0, 110.0)
    assert set(five["by_township"]) == {"410721100", "410721101"}
