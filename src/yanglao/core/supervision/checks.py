"""The six fund-fraud checks, set-based, written once over the narrow DataFrame layer of
:mod:`yanglao.core.services.ops` and run by Polars (embedded) or Spark alike.

Frames (typed; more columns allowed):

- persons: the person-record columns (:data:`yanglao.core.engine.polars_backend.PERSON_SCHEMA`) plus
  ``household`` (户编号) and ``spouse_id_number`` (配偶公民身份号码), both may be empty;
- payments: ``line, id_number, item, county, month, amount_fen, account`` (``month`` the month's first day),
  optionally ``payee`` (``institution`` for a line paid to the care home);
- services (optional): ``line, id_number, service, date, provider``;
- residents (optional): ``line, id_number, facility, start, end, days_absent``.

Every check returns rows of one schema (:data:`FINDING`); the Chinese reason is written from those
columns afterwards (:func:`reason`), one row at a time, since findings are few.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from yanglao.core.engine.plan import Lowering
from yanglao.core.supervision.params import Settings

Frame = Any

FINDING: dict[str, str] = {
    "check": "str",
    "id_number": "str",
    "source": "str",
    "line": "int",
    "item": "str",
    "county": "str",
    "account": "str",
    "facility": "str",
    "other": "str",
    "n": "int",
    "n2": "int",
    "day": "date",
}


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    basis: str
    needs: tuple[str, ...]


CHECKS: tuple[Check, ...] = (
    Check(
        "paid_after_death",
        "死亡后仍发放",
        "《社会救助暂行办法》第十三条、第十八条（救助对象情况发生变化应及时停发）、第六十八条（骗取救助资金的责令退回）；"
        "人员记录格式：死亡次日起不享受任何待遇（docs/person-record.md）",
        ("payments", "persons"),
    ),
    Check(
        "enrolled_twice",
        "同一人同一项目重复享受",
        "《社会救助暂行办法》第六十八条；清单各项按人按月发放，一人一项一月只发一次（catalogs/*/items.yaml 的 period）；"
        "跨县重复须导入全省发放文件",
        ("payments",),
    ),
    Check(
        "centralized_and_dispersed",
        "集中供养与分散供养同时发放",
        "《社会救助暂行办法》第十七条（特困人员可以在当地的供养服务机构集中供养，也可以在家分散供养）；"
        "扎政办发〔2023〕16号附件2第12项对象“分散供养特困人员、集中供养特困人员”（catalogs/152223/source.txt）",
        ("payments", "persons"),
    ),
    Check(
        "resident_and_home_service",
        "入住养老机构期间又享受居家服务补贴",
        "居家社区养老服务补贴对象为居家老年人（catalogs/410000 第7、8项“居家”服务）；入住机构的老人由机构照料，"
        "同一天不应重复补贴（一般法理，文件未写明）；《社会救助暂行办法》第六十八条",
        ("services", "residents"),
    ),
    Check(
        "shared_account",
        "一个账户为无关人员收款",
        "《社会救助暂行办法》第六十八条；无关＝不同户（户编号不同）且无配偶关系；一个账户为两户及以上收款即核查"
        "（参数 min_unrelated_families，见 core/supervision/checks.yaml）",
        ("payments", "persons"),
    ),
    Check(
        "absent_resident",
        "入住老人长期离院而机构照常结算",
        "扎政办发〔2023〕16号“按照‘谁审批谁监管、谁主管谁监管’的原则……公共资金……的监管”（catalogs/152223/source.txt 第79行）；"
        "《社会救助暂行办法》第六十八条；天数为参数 max_absent_days（示例值，见 core/supervision/checks.yaml）",
        ("payments", "residents"),
    ),
)
BY_NAME = {c.name: c for c in CHECKS}


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class Runner:
    """The checks over one month's frames with one engine's ops."""

    def __init__(
        self, ops: Any, settings: Settings, frames: Mapping[str, Frame | None], payee: bool = False
    ) -> None:
        """``payee``: the payments frame has a ``payee`` column; ``institution`` marks a line paid to
        the care home for its resident (an institution settlement's line), whatever its item."""
        self.ops = ops
        self.payee = payee
        self.s = settings
        self.m0 = settings.month
        self.m1 = _next_month(settings.month)
        self.frames = frames
        col, lit = ops.col, ops.lit
        pay = frames["payments"]
        self.pay = None if pay is None else ops.filter(pay, col("month") == lit(self.m0, "date"))

    def _in(self, name: str, codes: tuple[str, ...]) -> Any:
        return self.ops.any_of([self.ops.col(name) == self.ops.lit(c, "str") for c in codes])

    def _to_home(self) -> Any:
        ops = self.ops
        return ops.coalesce(ops.col("payee") == ops.lit("institution", "str"), ops.lit(False))

    def _out(self, frame: Frame, check: str, source: str, columns: Mapping[str, Any]) -> Frame:
        ops = self.ops
        cols = {
            name: columns.get(name, ops.lit(None, kind))
            for name, kind in FINDING.items()
            if name not in ("check", "source")
        }
        frame = ops.with_cols(frame, {f"__{k}": v for k, v in cols.items()})
        frame = ops.with_cols(frame, {"__check": ops.lit(check, "str"), "__source": ops.lit(source, "str")})
        frame = ops.select(frame, [f"__{k}" for k in FINDING])
        return ops.rename(frame, {f"__{k}": k for k in FINDING})

    def _persons(self, names: list[str]) -> Frame:
        ops = self.ops
        p = self.frames["persons"]
        return ops.select(p, ["id_number", *names])

    def paid_after_death(self) -> Frame:
        ops, col = self.ops, self.ops.col
        j = ops.join(self.pay, self._persons(["death_date"]), ["id_number"], "inner")
        j = ops.filter(j, ops.not_null(col("death_date")) & (col("death_date") < col("month")))
        return self._out(j, "paid_after_death", "payments", self._pay_cols({"day": col("death_date")}))

    def _pay_cols(self, extra: Mapping[str, Any]) -> dict[str, Any]:
        col = self.ops.col
        base = {k: col(k) for k in ("id_number", "line", "item", "county", "account")}
        return {**base, **extra}

    def enrolled_twice(self) -> Frame:
        ops, col = self.ops, self.ops.col
        per_county = ops.agg(self.pay, ["id_number", "item", "county"], {"k": ("count", col("line"))})
        per_item = ops.agg(
            per_county,
            ["id_number", "item"],
            {"lines": ("sum", col("k")), "counties": ("count", col("k"))},
        )
        twice = ops.filter(per_item, col("lines") > ops.lit(1, "int"))
        j = ops.join(self.pay, twice, ["id_number", "item"], "inner")
        return self._out(
            j, "enrolled_twice", "payments", self._pay_cols({"n": col("lines"), "n2": col("counties")})
        )

    def _lower(self, name: str) -> Any:
        # The conditions read person fields only (no parameters: Names(parameters=set())), so the
        # lowering never consults a catalogue.
        low = Lowering(self.m0, {}, cast(Any, None))
        return self.ops.coalesce(self.ops.cond(low.cond(self.s.conditions[name])), self.ops.lit(False))

    def centralized_and_dispersed(self) -> Frame:
        ops, col, lit = self.ops, self.ops.col, self.ops.lit
        items = self.s.items
        tekun_items = items["centralized"] + items["dispersed"] + items["tekun_either"]
        tekun = self._in("item", tekun_items)
        if self.payee:
            tekun = tekun | self._to_home()
        pay = ops.filter(self.pay, tekun)  # only the lines of a 特困 item are read further
        persons = ops.join(self.frames["persons"], ops.select(pay, ["id_number"]), ["id_number"], "semi")
        p = ops.conform_persons(persons)
        p = ops.with_cols(
            p, {"reg_c": self._lower("registered_centralized"), "reg_d": self._lower("registered_dispersed")}
        )
        j = ops.join(pay, ops.select(p, ["id_number", "reg_c", "reg_d"]), ["id_number"], "left")
        reg_c, reg_d = ops.coalesce(col("reg_c"), lit(False)), ops.coalesce(col("reg_d"), lit(False))
        listed_c, listed_d = self._in("item", items["centralized"]), self._in("item", items["dispersed"])
        either = self._in("item", items["tekun_either"])
        to_home = self._to_home() if self.payee else lit(False)
        j = ops.with_cols(
            j,
            {
                "form": ops.chain(
                    [
                        (listed_c, lit("C", "str")),
                        (listed_d, lit("D", "str")),
                        (either & to_home, lit("C", "str")),
                        (either & reg_c, lit("C", "str")),
                        (either & reg_d, lit("D", "str")),
                    ],
                    lit(None, "str"),
                ),
                "mismatch": ops.chain(
                    [
                        (listed_d & reg_c, lit("registered_centralized", "str")),
                        (listed_c & reg_d, lit("registered_dispersed", "str")),
                    ],
                    lit(None, "str"),
                ),
            },
        )
        j = ops.filter(j, ops.not_null(col("form")))
        one, zero = lit(1, "int"), lit(0, "int")
        per_person = ops.agg(
            j,
            ["id_number"],
            {
                "has_c": ("max", ops.when(col("form") == lit("C", "str"), one, zero)),
                "has_d": ("max", ops.when(col("form") == lit("D", "str"), one, zero)),
            },
        )
        j = ops.join(j, per_person, ["id_number"], "left")
        both = (col("has_c") == one) & (col("has_d") == one)
        j = ops.filter(j, both | ops.not_null(col("mismatch")))
        other = ops.when(both, lit("both", "str"), col("mismatch"))
        return self._out(j, "centralized_and_dispersed", "payments", self._pay_cols({"other": other}))

    def _residents_in_month(self) -> Frame:
        ops, col, lit = self.ops, self.ops.col, self.ops.lit
        r = self.frames["residents"]
        return ops.filter(
            r,
            (col("start") < lit(self.m1, "date"))
            & (ops.is_null(col("end")) | (col("end") >= lit(self.m0, "date"))),
        )

    def resident_and_home_service(self) -> Frame:
        ops, col, lit = self.ops, self.ops.col, self.ops.lit
        s = ops.filter(
            self.frames["services"],
            (col("date") >= lit(self.m0, "date")) & (col("date") < lit(self.m1, "date")),
        )
        r = ops.rename(
            ops.select(self._residents_in_month(), ["id_number", "facility", "start", "end", "days_absent"]),
            {"start": "r_start", "end": "r_end"},
        )
        j = ops.join(s, r, ["id_number"], "inner")
        j = ops.filter(
            j, (col("date") >= col("r_start")) & (ops.is_null(col("r_end")) | (col("date") <= col("r_end")))
        )
        return self._out(
            j,
            "resident_and_home_service",
            "services",
            {
                "id_number": col("id_number"),
                "line": col("line"),
                "item": col("service"),
                "facility": col("facility"),
                "other": col("provider"),
                "n": col("days_absent"),
                "day": col("date"),
            },
        )

    def shared_account(self) -> Frame:
        ops, col, lit = self.ops, self.ops.col, self.ops.lit
        p = self._persons(["household", "spouse_id_number"])
        pay = ops.filter(self.pay, ops.not_null(col("account")))
        j = ops.join(pay, p, ["id_number"], "left")
        couple = ops.least(col("id_number"), col("spouse_id_number"))
        has_household = ops.not_null(col("household"))
        j = ops.with_cols(
            j,
            {
                "fam_kind": ops.when(has_household, lit("h", "str"), lit("p", "str")),
                "family": ops.when(has_household, col("household"), ops.coalesce(couple, col("id_number"))),
            },
        )
        fams = ops.agg(j, ["account", "fam_kind", "family"], {"k": ("count", col("line"))})
        fams = ops.agg(fams, ["account"], {"families": ("count", col("k"))})
        people = ops.agg(
            ops.agg(j, ["account", "id_number"], {"k": ("count", col("line"))}),
            ["account"],
            {"persons": ("count", col("k"))},
        )
        flagged = ops.filter(fams, col("families") >= lit(self.s.min_unrelated_families, "int"))
        flagged = ops.join(flagged, people, ["account"], "inner")
        out = ops.join(j, flagged, ["account"], "inner")
        return self._out(
            out, "shared_account", "payments", self._pay_cols({"n": col("persons"), "n2": col("families")})
        )

    def absent_resident(self) -> Frame:
        ops, col, lit = self.ops, self.ops.col, self.ops.lit
        r = ops.filter(self._residents_in_month(), col("days_absent") > lit(self.s.max_absent_days, "int"))
        r = ops.select(r, ["id_number", "facility", "start", "days_absent"])
        to_home = self._in("item", self.s.items["institution"])
        if self.payee:
            to_home = to_home | self._to_home()
        paid = ops.filter(self.pay, to_home)
        j = ops.join(paid, r, ["id_number"], "inner")
        return self._out(
            j,
            "absent_resident",
            "payments",
            self._pay_cols({"facility": col("facility"), "n": col("days_absent"), "day": col("start")}),
        )

    def run(self, only: tuple[str, ...] | None = None) -> list[tuple[str, Frame]]:
        """(check name, finding frame) for every check whose inputs are given."""
        have = {k for k, v in self.frames.items() if v is not None}
        out = []
        for check in CHECKS:
            if only is not None and check.name not in only:
                continue
            if set(check.needs) <= have:
                method: Callable[[], Frame] = getattr(self, check.name)
                out.append((check.name, method()))
        return out


def skipped(frames: Mapping[str, Frame | None]) -> list[str]:
    """The checks that cannot run for want of a file."""
    have = {k for k, v in frames.items() if v is not None}
    return [c.name for c in CHECKS if not set(c.needs) <= have]
