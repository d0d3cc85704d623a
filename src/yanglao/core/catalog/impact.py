"""What a draft list would change against the version in force: who gains or loses each item, and
what it costs a month, per item, township and funding level (issue 13, docs/impact.md).

::

    impact(before, after, persons, on, engine="embedded") -> ImpactReport
    impact_file(before, after, path, on, engine="embedded") -> ImpactReport   # a person-record file
    load_folder(path) -> Catalog                                               # a draft list folder

The bulk engine (:func:`yanglao.core.engine.api.entitle_frame`, or ``entitle_spark`` on Spark) runs
once per version; the two results are joined on (ID number, item) and summed per item and township
(:mod:`.impactjoin`), batch by batch, so a province streams through in bounded memory. Amounts are
yuan; a monthly cost is the monthly amounts plus a twelfth of the yearly ones (one-off amounts are
given apart as ``once``).
An item whose amount rests on an example figure (示例值, :mod:`.placeholders`) on the date is marked
and its money is never added into the totals: totals carry it apart as ``example_…``. An item with a
quantity other than money (times per period, a sum insured, a percentage, free, priority) is counted
too: its people and, where it adds up, the total per period (``每月至少N人次``, :mod:`.quantities`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import polars as pl

from yanglao.core.catalog.decimals import round_amount
from yanglao.core.catalog.impactjoin import COUNTS as COUNTS  # COUNTS, SUMS, UNKNOWN: also impactspark's
from yanglao.core.catalog.impactjoin import SUMS as SUMS
from yanglao.core.catalog.impactjoin import UNKNOWN as UNKNOWN
from yanglao.core.catalog.impactjoin import combine, township_expr
from yanglao.core.catalog.loader import CATALOGS_ROOT, list_codes, load_catalog
from yanglao.core.catalog.model import Catalog, Item, no_sort_key
from yanglao.core.catalog.placeholders import example_params, rests_on_example
from yanglao.core.catalog.quantities import item_quantity, on_date
from yanglao.core.catalog.yamlio import CatalogError, read_yaml

Engine = Literal["embedded", "spark"]
UNSPLIT = "未拆分"


def load_folder(path: Path | str) -> Catalog:
    """A list folder in the shipped format (``catalog.yaml``, ``parameters.yaml``, ``items.yaml`` …)
    loaded by the strict loader beside the shipped lists (its parent's definitions, the taxonomy)."""
    folder = Path(path)
    meta = read_yaml(folder / "catalog.yaml") if (folder / "catalog.yaml").exists() else None
    if not isinstance(meta, Mapping) or not isinstance(meta.get("code"), str):
        raise CatalogError(
            str(folder / "catalog.yaml"), "code", "草稿目录应含 catalog.yaml 并写明清单代码 code"
        )
    code = str(meta["code"])
    with tempfile.TemporaryDirectory(prefix="yanglao-draft-") as tmp:
        root = Path(tmp)
        (root / "taxonomy.yaml").symlink_to(CATALOGS_ROOT / "taxonomy.yaml")
        for other in list_codes():
            if other != code:
                (root / other).symlink_to(CATALOGS_ROOT / other, target_is_directory=True)
        (root / code).symlink_to(folder.resolve(), target_is_directory=True)
        try:
            catalog = load_catalog(code, root)
        except CatalogError as exc:
            raise CatalogError(
                exc.file.replace(str(root / code), str(folder)), exc.path, exc.reason
            ) from None
    return dataclasses.replace(catalog, folder=str(folder))


def example_items(catalog: Catalog, on: dt.date) -> frozenset[str]:
    """The numbers of the items some part of whose amount rests on an example figure on ``on``."""
    examples = example_params(catalog, on)
    return frozenset(i.no for i in catalog.items if any(rests_on_example(b, examples) for b in i.benefits))


def level_shares(catalog: Catalog, item: Item, on: dt.date) -> dict[str, Decimal]:
    """How an item's money divides among 中央/省/市/县 on ``on``: the payroll's rule
    (:func:`yanglao.core.payments.funding.funding_rule`: the list's share parameters, else the one
    level it names), else all of it ``未拆分``."""
    from yanglao.core.payments.funding import funding_rule

    rule = funding_rule(catalog, item, on)
    return dict(rule.shares) if rule.shares else {UNSPLIT: Decimal(1)}


# --- the report ------------------------------------------------------------------------------------


def _yuan(fen: int | Decimal) -> Decimal:
    return round_amount(Decimal(fen) / 100)


def _monthly(month: int, year: int) -> Decimal:
    return round_amount(Decimal(month) / 100 + Decimal(year) / 1200)


@dataclass
class ImpactReport:
    catalog: str
    on: dt.date
    before_version: str
    after_version: str
    items: list[dict[str, Any]]
    total: dict[str, Any]
    ids: pl.DataFrame = field(repr=False)  # no, id_number, change (gaining|losing), township
    persons: int = 0
    errors: list[Any] = field(default_factory=list)  # RowError of the rows left out of a file
    engine: str = "embedded"
    seconds: float = 0.0

    def people(self, no: str, change: str) -> list[str]:
        """The ID numbers gaining (``change="gaining"``) or losing item ``no``."""
        rows = self.ids.filter((pl.col("no") == int(no)) & (pl.col("change") == change))
        return sorted(rows.get_column("id_number").to_list())

    def to_dict(self) -> dict[str, Any]:
        return {
            "catalog": self.catalog,
            "date": self.on.isoformat(),
            "before_version": self.before_version,
            "after_version": self.after_version,
            "persons": self.persons,
            "items": self.items,
            "total": self.total,
        }


def _quantity(item: Item | None, people: int) -> dict[str, Any] | None:
    """The item's quantity other than money counted over the people granted it (``每月至少N人次``)."""
    quantity = None if item is None else item_quantity(item)
    return None if quantity is None else on_date(quantity, people)


def _add(target: dict[str, dict[str, Decimal]], key: str, name: str, value: Decimal) -> None:
    target.setdefault(key, {}).setdefault(name, Decimal(0))
    target[key][name] += value


def build_report(
    before: Catalog,
    after: Catalog,
    on: dt.date,
    sums: pl.DataFrame,
    ids: pl.DataFrame,
    persons_total: Mapping[str, int],
) -> ImpactReport:
    """The report from the summed figures (:func:`.impactjoin.combine`, added over every batch)."""
    items_b = {int(i.no): i for i in before.items}
    items_a = {int(i.no): i for i in after.items}
    example_b, example_a = example_items(before, on), example_items(after, on)
    rows = (
        sums.group_by("no", "township").agg(pl.col(c).sum() for c in (*COUNTS, *SUMS)).sort("no", "township")
    )
    by_item: dict[int, list[dict[str, Any]]] = {}
    for row in rows.iter_rows(named=True):
        by_item.setdefault(int(row["no"]), []).append(row)
    total_counts = dict.fromkeys(("unpriced_b", "unpriced_a"), 0)
    real: dict[str, Decimal] = {k: Decimal(0) for k in ("monthly_b", "monthly_a", "once_b", "once_a")}
    example: dict[str, Decimal] = dict.fromkeys(real, Decimal(0))
    levels: dict[str, dict[str, Decimal]] = {}
    towns: dict[str, dict[str, Decimal]] = {}
    out_items: list[dict[str, Any]] = []
    numbers = sorted(set(items_b) | set(items_a) | set(by_item), key=lambda n: no_sort_key(str(n)))
    for number in numbers:
        item = items_a.get(number) or items_b[number]
        no = item.no
        parts = by_item.get(number, [])
        s = {c: sum(int(p[c]) for p in parts) for c in (*COUNTS, *SUMS)}
        monthly_b, monthly_a = _monthly(s["month_b"], s["year_b"]), _monthly(s["month_a"], s["year_a"])
        ex_b, ex_a = no in example_b and number in items_b, no in example_a and number in items_a
        shares_b = level_shares(before, items_b[number], on) if number in items_b else {}
        shares_a = level_shares(after, items_a[number], on) if number in items_a else {}
        item_levels: dict[str, dict[str, Decimal]] = {}
        for side, shares, monthly, ex in (("b", shares_b, monthly_b, ex_b), ("a", shares_a, monthly_a, ex_a)):
            for level, share in shares.items():
                part = round_amount(monthly * share)
                _add(item_levels, level, f"monthly_{side}", part)
                _add(levels, level, f"{'example_' if ex else ''}monthly_{side}", part)
        item_towns: dict[str, dict[str, Any]] = {}
        for p in parts:
            mb, ma = _monthly(p["month_b"], p["year_b"]), _monthly(p["month_a"], p["year_a"])
            item_towns[p["township"]] = {
                "gaining": int(p["gaining"]),
                "losing": int(p["losing"]),
                "changed": int(p["changed"]),
                "people_before": int(p["people_b"]),
                "people_after": int(p["people_a"]),
                "monthly_cost_before": float(mb),
                "monthly_cost_after": float(ma),
            }
            _add(towns, p["township"], "example_monthly_b" if ex_b else "monthly_b", mb)
            _add(towns, p["township"], "example_monthly_a" if ex_a else "monthly_a", ma)
            for c in ("gaining", "losing", "changed"):
                _add(towns, p["township"], c, Decimal(int(p[c])))
        priced = any(b.amount is not None for b in item.benefits)
        if not priced:  # a service without an amount in the list: nothing is "unknown"
            s["unpriced_b"] = s["unpriced_a"] = 0
        for side, monthly, ex in (("b", monthly_b, ex_b), ("a", monthly_a, ex_a)):
            (example if ex else real)[f"monthly_{side}"] += monthly
            (example if ex else real)[f"once_{side}"] += _yuan(s[f"once_{side}"])
            total_counts[f"unpriced_{side}"] += s[f"unpriced_{side}"]
        out_items.append(
            {
                "no": no,
                "code": item.code,
                "name": item.name,
                "status": "新增" if number not in items_b else "取消" if number not in items_a else "",
                "people_before": s["people_b"],
                "people_after": s["people_a"],
                "gaining": s["gaining"],
                "losing": s["losing"],
                "changed": s["changed"],
                "monthly_cost_before": float(monthly_b),
                "monthly_cost_after": float(monthly_a),
                "yearly_cost_before": float(monthly_b * 12 + _yuan(s["once_b"])),
                "yearly_cost_after": float(monthly_a * 12 + _yuan(s["once_a"])),
                "once_cost_before": float(_yuan(s["once_b"])),
                "once_cost_after": float(_yuan(s["once_a"])),
                "has_amount": priced,
                "unpriced_before": s["unpriced_b"],
                "unpriced_after": s["unpriced_a"],
                "example_before": ex_b,
                "example_after": ex_a,
                "quantity_before": _quantity(items_b.get(number), s["people_b"]),
                "quantity_after": _quantity(items_a.get(number), s["people_a"]),
                "by_level": {
                    level: {
                        "share_before": float(shares_b[level]) if level in shares_b else None,
                        "share_after": float(shares_a[level]) if level in shares_a else None,
                        "monthly_cost_before": float(v.get("monthly_b", Decimal(0))),
                        "monthly_cost_after": float(v.get("monthly_a", Decimal(0))),
                    }
                    for level, v in item_levels.items()
                },
                "by_township": item_towns,
            }
        )
    total: dict[str, Any] = {
        "people_before": persons_total.get("people_b", 0),
        "people_after": persons_total.get("people_a", 0),
        "gaining": persons_total.get("gaining", 0),
        "losing": persons_total.get("losing", 0),
        "changed": persons_total.get("changed", 0),
        "affected": persons_total.get("affected", 0),
        "unpriced_before": total_counts["unpriced_b"],
        "unpriced_after": total_counts["unpriced_a"],
        "monthly_cost_before": float(real["monthly_b"]),
        "monthly_cost_after": float(real["monthly_a"]),
        "yearly_cost_before": float(real["monthly_b"] * 12 + real["once_b"]),
        "yearly_cost_after": float(real["monthly_a"] * 12 + real["once_a"]),
        "example_monthly_cost_before": float(example["monthly_b"]),
        "example_monthly_cost_after": float(example["monthly_a"]),
        "example_items_before": sorted(example_b, key=no_sort_key),
        "example_items_after": sorted(example_a, key=no_sort_key),
        "by_level": {
            level: {
                k.replace("_b", "_before").replace("_a", "_after").replace("monthly", "monthly_cost"): float(
                    v
                )
                for k, v in sorted(values.items())
            }
            for level, values in sorted(levels.items(), key=lambda kv: _level_order(kv[0]))
        },
        "by_township": {
            town: {
                **{c: int(values.get(c, 0)) for c in ("gaining", "losing", "changed")},
                **{
                    k.replace("_b", "_cost_before").replace("_a", "_cost_after"): float(
                        values.get(k, Decimal(0))
                    )
                    for k in ("monthly_b", "monthly_a", "example_monthly_b", "example_monthly_a")
                },
            }
            for town, values in sorted(towns.items())
        },
    }
    return ImpactReport(before.code, on, before.version, after.version, out_items, total, ids)


def _level_order(level: str) -> tuple[int, str]:
    order = ("中央", "省", "市", "县", UNSPLIT)
    return (order.index(level) if level in order else len(order), level)


# --- running it ------------------------------------------------------------------------------------


class Accumulator:
    """Sums over batches: the per-(item, township) figures, the moved IDs and the persons' totals."""

    def __init__(self) -> None:
        self.sums: list[pl.DataFrame] = []
        self.ids: list[pl.DataFrame] = []
        self.totals: dict[str, int] = {}
        self.persons = 0

    def add(self, sums: pl.DataFrame, moved: pl.DataFrame, counts: Mapping[str, int], persons: int) -> None:
        self.sums.append(sums)
        self.ids.append(moved)
        self.persons += persons
        for key, value in counts.items():
            self.totals[key] = self.totals.get(key, 0) + value

    def report(self, before: Catalog, after: Catalog, on: dt.date) -> ImpactReport:
        schema: dict[str, pl.DataType] = {
            "no": pl.Int64(),
            "township": pl.String(),
            **dict.fromkeys((*COUNTS, *SUMS), pl.Int64()),
        }
        sums = (
            pl.concat([s.cast(pl.Schema(schema)) for s in self.sums])
            if self.sums
            else pl.DataFrame(schema=schema)
        )
        id_schema: dict[str, pl.DataType] = {
            "no": pl.Int64(),
            "id_number": pl.String(),
            "change": pl.String(),
            "township": pl.String(),
        }
        ids = (
            pl.concat([i.cast(pl.Schema(id_schema)) for i in self.ids])
            if self.ids
            else pl.DataFrame(schema=id_schema)
        )
        report = build_report(before, after, on, sums, ids, self.totals)
        report.persons = self.persons
        return report


def impact(
    before: Catalog,
    after: Catalog,
    persons: pl.LazyFrame | pl.DataFrame,
    on: dt.date,
) -> ImpactReport:
    """The draft ``after`` against ``before`` over ``persons`` (person-record columns, the engine's
    :data:`~yanglao.core.engine.api.PERSON_SCHEMA`) on ``on``, on the embedded engine."""
    return impact_batches(before, after, [persons], on)


def _numbers(*catalogs: Catalog) -> list[int]:
    return [int(i.no) for c in catalogs for i in c.items] or [0]


def impact_batches(
    before: Catalog,
    after: Catalog,
    batches: Iterable[pl.LazyFrame | pl.DataFrame],
    on: dt.date,
    *,
    plain: bool = False,
) -> ImpactReport:
    """Batch by batch on the embedded engine: the version in force in full, the draft only for the
    items it changes (:mod:`.impactdelta`); ``plain=True`` evaluates both versions in full and joins on
    the ID number (the reference the fast way is tested against)."""
    from yanglao.core.catalog import impactdelta
    from yanglao.core.engine.api import entitle_frame

    plain = plain or impactdelta.uses_id_number(before, after) or max(_numbers(before, after)) >= 1024
    changed = impactdelta.changed_items(before, after, on)
    draft = impactdelta.reduced(after, changed) if changed else None
    acc = Accumulator()
    for batch in batches:
        frame = batch.collect() if isinstance(batch, pl.LazyFrame) else batch
        if plain:
            towns = frame.lazy().select("id_number", township_expr()).unique("id_number")
            acc.add(
                *combine(entitle_frame(before, frame, on), entitle_frame(after, frame, on), towns),
                frame.height,
            )
        else:
            acc.add(*impactdelta.batch_figures(before, draft, changed, frame, on), frame.height)
    return acc.report(before, after, on)


def impact_file(
    before: Catalog,
    after: Catalog,
    path: Path | str,
    on: dt.date,
    engine: Engine = "embedded",
    batch_rows: int | None = None,
) -> ImpactReport:
    """Over a person-record file (CSV, JSON Lines or Parquet, read as ``yanglao entitle`` reads it):
    invalid rows are left out and listed in ``report.errors``."""
    import time

    from yanglao.core.engine.frames import read_batches

    started = time.perf_counter()
    reader = read_batches(Path(path), batch_rows) if batch_rows else read_batches(Path(path))
    errors: list[Any] = list(reader.header_errors)

    def batches() -> Iterator[pl.DataFrame]:
        for batch in reader.batches:
            errors.extend(batch.errors)
            yield batch.persons.drop("__line")

    if engine == "spark":
        from yanglao.core.catalog.impactspark import impact_spark

        report = impact_spark(before, after, batches(), on)
    else:
        report = impact_batches(before, after, batches(), on)
    report.errors = sorted([*errors, *reader.extra], key=lambda e: e.line)
    report.engine = engine
    report.seconds = time.perf_counter() - started
    return report
