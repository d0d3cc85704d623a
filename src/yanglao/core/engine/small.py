"""Small person files without Polars: ``yanglao entitle`` on a CSV or JSON Lines file of a few hundred
persons, written as JSON Lines, in a fraction of the time it takes to import Polars (issue 18, goal 4).

Importing Polars and pyarrow costs about 230 ms, more than evaluating a few hundred persons in Python.
So when the input is CSV or JSON Lines of at most :data:`SMALL_ROWS` lines, the output JSON Lines and
the engine the embedded one (:func:`fits`), :func:`entitle_small` does what
:func:`yanglao.core.engine.api.entitle_file` does, in pure Python and with nothing imported from Polars
or pyarrow:

- the rows are read by :func:`yanglao.core.records_io.open_source`, screened by :func:`screened_rows`
  (the Polars reader's checks of a CSV or JSON Lines row: an unreadable line, an unknown key, a repeated
  or missing ID number), and parsed by :func:`yanglao.core.person.parse_record` — the reference parser
  whose verdict the vectorised one reproduces — on the cells the Polars reader holds (:func:`cell_text`,
  every column of the file), with :func:`~yanglao.core.person.derive_defaults`;
- each person runs the lowered plan the bulk backends compile (:func:`~yanglao.core.engine.plan.make_plan`)
  through the Python translation of its nodes that the one-person evaluator runs its whole-list steps
  with (:mod:`yanglao.core.catalog.wholelist`), every condition on a person's values read by the
  evaluator itself (``eval_cond`` / ``eval_expr``, truth only); ``evaluate`` in full, with its words,
  costs four to five times as much and runs only for ``--explain`` (as ``explain_batch`` runs it);
- the lines, the errors file and the :class:`Summary` are those of the Polars path, byte for byte
  (``tests/unit/test_entitle_small.py`` runs both over good and bad rows of every kind).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yanglao.core.catalog.decimals import to_fen
from yanglao.core.catalog.decision import ItemDecision
from yanglao.core.catalog.evaluate import Context, eval_cond, eval_expr, evaluate
from yanglao.core.catalog.itemfacts import item_facts
from yanglao.core.catalog.source import catalog_on
from yanglao.core.catalog.wholelist import Reader, cond, money
from yanglao.core.engine.plan import Plan, PlannedItem, make_plan
from yanglao.core.person import (
    FIELD_BY_NAME,
    HEADER_ALIASES,
    Field,
    Record,
    _coerce,
    derive_defaults,
    format_value,
    parse_record,
)
from yanglao.core.records_io import FORMATS, RowError, open_source, repeated_id, row_problems

# Where the pure path stops being the faster one: a fresh ``entitle_file`` process on the persons of
# ``bench entitle`` took, pure / Polars, 137 / 306 ms for 100 persons, 210 / 295 ms for 500, 346 / 307
# ms for 1,000 (list 410721; 152223: 201 / 273 ms for 500, 285 / 279 ms for 1,000): Polars costs
# ~300 ms whatever the size, the pure path ~0.2 ms a person more. The line is drawn at half that
# crossing, by lines (a narrow file holds many persons in few bytes: ~20 bytes each for ID numbers
# alone), the newlines counted in at most SMALL_BYTES read. With ``--explain`` both run the evaluator
# for everybody and the pure path is always the faster (500 persons: 560 / 1,170 ms).
SMALL_ROWS = 500
SMALL_BYTES = 1024 * 1024
JSONL_SUFFIXES = (".jsonl", ".ndjson")
TEXT_FORMATS = ("csv", "jsonl")  # the inputs read row by row in Python by either path


@dataclass
class Summary:
    """What a run of ``entitle_file`` did: the counts, the errors in line order and their file, the time."""

    catalog: str
    on: dt.date
    engine: str
    rows: int = 0  # data rows read
    persons: int = 0  # valid rows evaluated
    granted: int = 0  # (person, item) pairs granted
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0
    errors_path: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)  # the Spark run's parts, in seconds

    @property
    def ok(self) -> bool:
        return not self.errors


def fits(input_path: Path | str, output_path: Path | str, engine: str = "embedded") -> bool:
    """Whether the pure path serves this run: embedded engine, JSON Lines out, and in a CSV or JSON Lines
    file of at most :data:`SMALL_ROWS` lines (a file that cannot be read goes the usual way, which
    reports it)."""
    source = Path(input_path)
    if engine != "embedded" or Path(output_path).suffix.lower() not in JSONL_SUFFIXES:
        return False
    if FORMATS.get(source.suffix.lower()) not in TEXT_FORMATS:
        return False
    try:
        with source.open("rb") as handle:
            head = handle.read(SMALL_BYTES + 1)
    except OSError:
        return False
    return len(head) <= SMALL_BYTES and head.count(b"\n") <= SMALL_ROWS


# --- rows --------------------------------------------------------------------------------------------


def cell_text(fld: Field, raw: object) -> str | None:
    """The text ``parse_value`` would parse for ``raw`` (a typed value of the field's own type becomes
    its canonical text, which parses back to the same value)."""
    if raw is None or type(raw) is str:
        return raw
    coerced = _coerce(fld, raw)
    return coerced if type(coerced) is str else format_value(coerced)


def screened_rows(
    rows: Iterable[tuple[int, dict[str, Any]]], extra: list[RowError]
) -> Iterator[tuple[int, dict[str, Any], list[RowError]]]:
    """``(line, cells, problems)`` of each row of a CSV or JSON Lines file: ``problems`` are the errors
    of a row left out before parsing (an unreadable line, a repeated ID number — the later line's error —
    or none at all); an unknown key is reported once, on its first line, into ``extra``."""
    seen: dict[str, int] = {}
    unknown_seen: set[str] = set()
    for line, row in rows:
        problems = row_problems(line, row)
        for key in row.pop("__unknown__", ()):
            if key not in unknown_seen:
                unknown_seen.add(key)
                extra.append(RowError(line, key, "未知字段，该字段未导入"))
        if not problems and (repeat := repeated_id(line, row, seen)):
            problems.append(repeat)
        if "id_number" not in row and not problems:
            problems.append(RowError(line, "id_number", "缺少公民身份号码"))
        yield line, row, problems


@dataclass
class Persons:
    """The valid persons of a file (line, record) and every error, in line order."""

    rows: int = 0
    records: list[tuple[int, Record]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_small(rows: Iterable[tuple[int, dict[str, Any]]], extra: list[RowError]) -> Persons:
    """Every row, held at once: a row is parsed with every column of the file (``None`` where it has
    none), as the Polars reader's frame gives it to ``parse_record``, so the errors come in its order."""
    screened: list[tuple[int, dict[str, str | None], list[RowError]]] = []
    columns: dict[str, None] = {}
    for line, row, problems in screened_rows(rows, extra):
        columns.update(dict.fromkeys(row))
        screened.append((line, {n: cell_text(FIELD_BY_NAME[n], v) for n, v in row.items()}, problems))
    persons = Persons(len(screened))
    for line, cells, problems in screened:
        if problems:
            persons.errors.extend(problems)
            continue
        record, invalid = parse_record({name: cells.get(name) for name in columns})
        if invalid:
            persons.errors.extend(RowError(line, e.field, e.reason) for e in invalid)
        else:
            persons.records.append((line, derive_defaults(record)))
    return persons


# --- output ------------------------------------------------------------------------------------------


def reason_texts(decision: ItemDecision) -> list[str]:
    """An item's reasons in the explained output: why, how the amount was reached, the figures read."""
    texts = [decision.reason, *([decision.amount_text] if decision.amount_text else [])]
    texts += list(dict.fromkeys(p.text() for part in (decision.parts or (decision,)) for p in part.params))
    return texts


def item_json(
    item: PlannedItem, fen: int | None, period: str | None, reasons: list[str], facts: Mapping[str, Any]
) -> dict[str, Any]:
    """One granted item of an output line; ``facts`` the item's :func:`item_facts`."""
    return {
        "no": item.number,
        "code": item.code,
        "name": item.name,
        "amount": None if fen is None else fen / 100,
        "period": period,
        "reasons": reasons,
        **facts,
    }


def person_json(plan: Plan, status: str, ident: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """One output line: a person and the items granted (``status``: the list's ``catalog_status``)."""
    return {
        "id_number": ident,
        "catalog": plan.catalog,
        "date": plan.on.isoformat(),
        "catalog_status": status,
        "items": items,
    }


def finish(summary: Summary, extra: list[RowError], granted: int, started: float) -> Summary:
    """The errors in line order, written to ``<output>.errors.jsonl``; the counts and the time."""
    summary.errors.extend(extra)
    summary.errors.sort(key=lambda e: e.line)
    summary.granted = granted
    assert summary.errors_path is not None
    with summary.errors_path.open("w", encoding="utf-8") as handle:
        for error in summary.errors:
            handle.write(json.dumps(error.as_dict(), ensure_ascii=False) + "\n")
    summary.seconds = time.perf_counter() - started
    return summary


# --- the file command --------------------------------------------------------------------------------

Granted = list[tuple[PlannedItem, int | None, str | None, list[str]]]


def planned(plan: Plan, context: Context) -> Granted:
    """The items granted to the person of ``context`` by the plan: amount in fen, period, no reasons."""
    reader = Reader(lambda c: eval_cond(c, context).result, lambda e: eval_expr(e, context))
    for step in plan.steps:
        reader.run(step)
    out: Granted = []
    for item in plan.items:
        if cond(item.granted, reader):
            fen, period = money(item.fen, reader), money(item.period, reader)
            amount = fen if isinstance(fen, int) else None
            out.append((item, amount, period if isinstance(period, str) else None, []))
    return out


def explained(plan: Plan, context: Context) -> Granted:
    """The same from the one-person evaluator, with its reasons (``--explain``)."""
    items = {item.number: item for item in plan.items}
    decision = evaluate(context.catalog, context.record, plan.on, plan.options)
    return [
        (items[int(d.no)], None if d.amount is None else to_fen(d.amount), d.period, reason_texts(d))
        for d in decision.granted()
    ]


def entitle_small(
    catalog_code: str,
    on: dt.date,
    input_path: Path | str,
    output_path: Path | str,
    explain: bool = False,
    options: Mapping[str, bool] | None = None,
) -> Summary:
    """:func:`yanglao.core.engine.api.entitle_file` for a CSV or JSON Lines file written as JSON Lines,
    without Polars; meant for the small files :func:`fits` admits (every row is held in memory)."""
    started = time.perf_counter()
    catalog = catalog_on(catalog_code, on)
    plan = make_plan(catalog, on, options)
    source, target = Path(input_path), Path(output_path)
    if target.suffix.lower() not in JSONL_SUFFIXES or FORMATS.get(source.suffix.lower()) not in TEXT_FORMATS:
        raise ValueError(f"小文件计算只读 CSV 或 JSONL、只写 JSONL：{source.name} → {target.name}")
    summary = Summary(catalog.code, on, "embedded", errors_path=Path(f"{target}.errors.jsonl"))
    opened = open_source(source, HEADER_ALIASES)
    summary.errors.extend(opened.header_errors)
    fatal = any(e.field == "id_number" and e.line == 1 for e in opened.header_errors)
    extra: list[RowError] = []
    status, facts = catalog.status, item_facts(catalog, on)
    # Polars writes the plain lines without spaces; the explained lines are json.dumps's own
    separators = (", ", ": ") if explain else (",", ":")
    granted = 0
    with target.open("wb") as handle:
        persons = Persons() if fatal else read_small(opened.rows, extra)
        summary.rows, summary.persons = persons.rows, len(persons.records)
        summary.errors.extend(persons.errors)
        lines = []
        for _, record in persons.records:
            context = Context(catalog, record, on, plan.options, explain=False)
            items = (explained if explain else planned)(plan, context)
            granted += len(items)
            line = person_json(
                plan,
                status,
                str(record["id_number"]),
                [item_json(item, fen, period, why, facts[item.no]) for item, fen, period, why in items],
            )
            lines.append(json.dumps(line, ensure_ascii=False, separators=separators) + "\n")
        handle.write("".join(lines).encode("utf-8"))
    return finish(summary, extra, granted, started)
