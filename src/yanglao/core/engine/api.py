"""The entitlement engine's public API: who is entitled to what, for a whole population.

::

    entitle_frame(catalog, persons, on, options=None) -> polars.DataFrame      # embedded (Polars)
    entitle_spark(catalog, persons, on, options=None) -> pyspark DataFrame     # distributed (Spark)
    entitle_file(catalog_code, on, input_path, output_path, engine="embedded", explain=False) -> Summary

The result has one row per (person, granted item): ``id_number, no, code, name, amount, period`` —
``amount`` in yuan (``Decimal(18, 2)``, null where the list fixes none or a figure is unknown). The
semantics are those of the one-person evaluator :func:`yanglao.core.catalog.evaluate` (the reference;
docs/engine.md): the dead are entitled to nothing from the day of death, age in completed years,
unknown values make a comparison false, only the higher benefit of a 择高 group, parameters as they
stood on the date. ``persons`` holds person-record columns in their types (:data:`PERSON_SCHEMA`: a
missing column is unknown for everybody); :func:`yanglao.core.engine.frames.read_persons` reads a file
into one, deriving sex and birth date from the ID number and residence from 户籍.

Why Polars for the embedded engine (and not DuckDB)
---------------------------------------------------
The rules are a tree of typed nodes, and a backend is a visitor that turns each node into an
expression of the target engine. Polars' expressions are values built in Python: the visitor returns
``pl.Expr`` objects, composed without any text, so there is no SQL string to generate, quote or escape
(a YAML file can never inject anything), and mypy checks the compiler. A ``LazyFrame`` is the lazy plan
the house style asks for (``explain()`` shows it), it runs on all cores, and the same process reads and
writes CSV, JSON Lines and Parquet through Arrow without a copy. The work is a row-wise projection —
a few hundred boolean and ``when/then`` expressions per person, no join, no sort — which is exactly
where Polars' expression engine is strongest; DuckDB would have been as fast at the scan but the
compiler would have produced SQL text, and its Python relational API is thinner than Polars' for
building expressions programmatically. Populations larger than memory are read and evaluated in
batches (``frames.read_batches``), so peak memory is bounded by the batch, not the population.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
import time
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO, Any, Literal

import polars as pl

from yanglao.core.catalog.evaluate import evaluate
from yanglao.core.catalog.itemfacts import FACT_KEYS, item_facts
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.source import catalog_on
from yanglao.core.engine import polars_backend as pb
from yanglao.core.engine.frames import LINE, Batch, read_batches
from yanglao.core.engine.plan import Plan, make_plan
from yanglao.core.engine.small import (
    Summary,
    entitle_small,
    finish,
    fits,
    item_json,
    person_json,
    reason_texts,
)

FACTS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "k": pl.Int64,
    "payee": pl.String,
    "placeholder": pl.Boolean,
    "quantity": pl.Struct(
        {"value": pl.Float64, "unit": pl.String, "per": pl.String, "comparison": pl.String}
    ),
}
PERSON_SCHEMA = pb.PERSON_SCHEMA
OUTPUT_SCHEMA = pb.OUTPUT_SCHEMA
Engine = Literal["embedded", "spark"]


def _catalog(catalog: Catalog | str, on: dt.date) -> Catalog:
    """A list given by code is the version in force on ``on``."""
    return catalog_on(catalog, on) if isinstance(catalog, str) else catalog


def entitle_frame(
    catalog: Catalog | str,
    persons: pl.LazyFrame | pl.DataFrame,
    on: dt.date,
    options: Mapping[str, bool] | None = None,
) -> pl.DataFrame:
    """One row per (person, granted item), in the persons' order, then the items' order."""
    plan = make_plan(_catalog(catalog, on), on, options)
    return pb.entitle_lazy(plan, persons.lazy()).collect()


def entitle_spark(
    catalog: Catalog | str, persons: Any, on: dt.date, options: Mapping[str, bool] | None = None
) -> Any:
    """The same as :func:`entitle_frame` on a PySpark DataFrame (person-record columns); lazy."""
    from yanglao.core.engine import spark_backend

    return spark_backend.entitle(make_plan(_catalog(catalog, on), on, options), persons)


class EngineDisagreement(RuntimeError):
    """The bulk engine and the reference evaluator gave different answers for a person (a bug)."""


# --- output ---------------------------------------------------------------------------------------


class Writer:
    """Writes the granted items of successive batches as JSON Lines (one line per person, with the
    persons granted nothing) or Parquet (one row per person and item)."""

    def __init__(self, plan: Plan, path: Path) -> None:
        self.plan = plan
        self.path = path
        self.jsonl = path.suffix.lower() in (".jsonl", ".ndjson")
        if not self.jsonl and path.suffix.lower() != ".parquet":
            raise ValueError(f"不支持的输出文件类型“{path.suffix}”：请使用 .jsonl 或 .parquet")
        self.handle: IO[bytes] | None = None
        self.parquet: Any = None
        self.elsewhere = False  # the Parquet file was written by the Spark path's merge
        self.granted = 0

    def __enter__(self) -> Writer:
        if self.jsonl:
            self.handle = self.path.open("wb")
        return self

    def write(self, ids: pl.DataFrame, long: pl.DataFrame, reasons: Reasons | None = None) -> None:
        """``ids``: ``__line, id_number`` of every evaluated person, in order; ``long``: their granted
        items (:func:`polars_backend.long_items` with ``keep=(__line, id_number)``)."""
        if not self.jsonl:
            self.write_rows(pb.output_rows(self.plan, long.lazy()).collect())
            return
        self.granted += long.height
        assert self.handle is not None
        if reasons is not None:
            self._write_explained(ids, long, reasons)
            return
        items = (
            long.lazy()
            .join(self._facts(long), on="k", how="left", maintain_order="left")
            .select(
                LINE,
                pl.struct(
                    *pb.item_fields(self.plan),
                    (pl.col("fen") / 100).alias("amount"),
                    "period",
                    pl.lit([], pl.List(pl.String)).alias("reasons"),
                    *FACT_KEYS,
                ).alias("items"),
            )
            .group_by(LINE, maintain_order=True)
            .agg("items")
        )
        lines = ids.lazy().join(items, on=LINE, how="left", maintain_order="left")
        lines.select(
            "id_number",
            pl.lit(self.plan.catalog).alias("catalog"),
            pl.lit(self.plan.on.isoformat()).alias("date"),
            pl.lit(self.status).alias("catalog_status"),
            pl.col("items").fill_null(pl.lit([], items.collect_schema()["items"])),
        ).collect().write_ndjson(self.handle)

    def written_elsewhere(self, rows: int) -> None:
        """``rows`` more output rows went into the Parquet file by another writer (the Spark path
        copies the executors' row groups: :mod:`.spark_merge`); nothing is written here."""
        self.granted += rows
        self.elsewhere = True

    def write_rows(self, rows: pl.DataFrame) -> None:
        """Output rows (:data:`OUTPUT_SCHEMA`) of the next persons, for a Parquet file."""
        self.granted += rows.height
        if self.parquet is None:
            self.parquet = ParquetSink(self.path, rows.schema)
        self.parquet.put(rows)

    @cached_property
    def status(self) -> str:
        """The list's status on every line: ``issued``, ``draft`` (a named 征求意见稿) or ``adopted``."""
        return catalog_on(self.plan.catalog, self.plan.on).status

    @cached_property
    def facts(self) -> dict[str, dict[str, Any]]:
        """payee / placeholder / quantity by item number: static per item, joined at output (issue 12)."""
        return item_facts(catalog_on(self.plan.catalog, self.plan.on), self.plan.on)

    def _facts(self, long: pl.DataFrame) -> pl.LazyFrame:
        rows = [{"k": k, **self.facts[item.no]} for k, item in enumerate(self.plan.items)]
        return pl.DataFrame(rows, schema=FACTS_SCHEMA).lazy().with_columns(pl.col("k").cast(long.schema["k"]))

    def _write_explained(self, ids: pl.DataFrame, long: pl.DataFrame, reasons: Reasons) -> None:
        assert self.handle is not None
        by_line: dict[int, list[dict[str, Any]]] = {}
        for line, k, fen, period in long.select(LINE, "k", "fen", "period").iter_rows():
            item = self.plan.items[k]
            why = reasons.get((line, item.number), [])
            by_line.setdefault(line, []).append(item_json(item, fen, period, why, self.facts[item.no]))
        for line, ident in ids.select(LINE, "id_number").iter_rows():
            record = person_json(self.plan, self.status, ident, by_line.get(line, []))
            self.handle.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()
        if not self.jsonl and not self.elsewhere:
            if self.parquet is None:  # no batch at all: an empty file with the schema
                pl.DataFrame(schema=OUTPUT_SCHEMA).write_parquet(self.path)
            else:
                self.parquet.close()


Reasons = dict[tuple[int, int], list[str]]


class ParquetSink:
    """Appends frames to one Parquet file: Polars' streaming Parquet writer runs on a background
    thread and takes the frames from a queue of one, so that writing a batch (compression, on
    Polars' threads, without the GIL) overlaps computing the next. The frames go to the writer as
    they are: no copy into Arrow tables (``to_arrow`` turns every string view into a contiguous
    large string, half as big again), and at most three batches of output are alive at once
    (being written, waiting, being computed)."""

    def __init__(self, path: Path, schema: pl.Schema) -> None:
        from polars.io.plugins import register_io_source

        self.queue: queue.Queue[pl.DataFrame | None] = queue.Queue(maxsize=1)
        self.failure: BaseException | None = None
        self.ended = False  # the writer has taken the end mark
        source = register_io_source(self._frames, schema=schema)
        self.thread = threading.Thread(
            target=self._run, args=(source, path), name="parquet-sink", daemon=True
        )
        self.thread.start()

    def _frames(self, *_: object) -> Iterator[pl.DataFrame]:
        while (frame := self.queue.get()) is not None:
            yield frame
        self.ended = True

    def _run(self, source: pl.LazyFrame, path: Path) -> None:
        try:
            source.sink_parquet(path, compression="snappy")  # as pyarrow wrote it; zstd costs 25 % more
        except BaseException as exc:  # reported to the caller by put() or close()
            self.failure = exc
            while not self.ended and self.queue.get() is not None:  # never leave put() waiting
                pass

    def put(self, frame: pl.DataFrame) -> None:
        if self.failure is not None:
            raise self.failure
        self.queue.put(frame)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.failure is not None:
            raise self.failure


def explain_batch(catalog: Catalog, plan: Plan, persons: pl.DataFrame, long: pl.DataFrame) -> Reasons:
    """The reference evaluator's reasons for every granted item, checking that it agrees."""
    got: dict[int, set[tuple[int, Decimal | None]]] = {}
    for line, k, fen in long.select(LINE, "k", "fen").iter_rows():
        got.setdefault(line, set()).add((plan.items[k].number, None if fen is None else Decimal(fen) / 100))
    reasons: Reasons = {}
    for record in persons.select(LINE, *PERSON_SCHEMA).iter_rows(named=True):
        line = record.pop(LINE)
        decision = evaluate(catalog, record, plan.on, plan.options)
        want = {(int(d.no), d.amount) for d in decision.granted()}
        if want != got.get(line, set()):
            raise EngineDisagreement(
                f"第{line}行 {record['id_number']}：引擎 {sorted(got.get(line, set()), key=str)}，"
                f"单人解释 {sorted(want, key=str)}"
            )
        for d in decision.granted():
            reasons[(line, int(d.no))] = reason_texts(d)
    return reasons


# --- the file command ------------------------------------------------------------------------------


def entitle_file(
    catalog_code: str,
    on: dt.date,
    input_path: Path | str,
    output_path: Path | str,
    engine: Engine = "embedded",
    explain: bool = False,
    options: Mapping[str, bool] | None = None,
    batch_rows: int | None = None,
    spark_master: str | None = None,
    spark_dir: Path | str | None = None,
    small: bool | None = None,
) -> Summary:
    """Evaluate a person-record file; write the output and ``<output>.errors.jsonl`` (one JSON object
    ``{line, field, reason}`` per problem, empty when there is none). With ``engine="spark"``:
    ``spark_master`` (default ``local[*]``; ``spark://host:7077`` for a standalone cluster) and
    ``spark_dir``, a folder every Spark worker can read and write (default: a local temporary folder,
    which only a local session can use; docs/spark.md). A small CSV or JSON Lines file written as JSON
    Lines, without ``batch_rows``, is evaluated without Polars (:mod:`.small`, the same output);
    ``small`` True or False chooses that path or this one whatever the file."""
    if small is None:
        small = batch_rows is None and fits(input_path, output_path, engine)
    if small:
        return entitle_small(catalog_code, on, input_path, output_path, explain, options)
    started = time.perf_counter()
    catalog = catalog_on(catalog_code, on)
    plan = make_plan(catalog, on, options)
    source, target = Path(input_path), Path(output_path)
    summary = Summary(catalog.code, on, engine, errors_path=Path(f"{target}.errors.jsonl"))
    reader = read_batches(source, batch_rows) if batch_rows else read_batches(source)
    summary.errors.extend(reader.header_errors)

    def batches() -> Iterator[Batch]:
        for batch in reader.batches:
            summary.rows += batch.rows
            summary.persons += batch.persons.height
            summary.errors.extend(batch.errors)
            yield batch
            del batch  # not kept alive while the next batch is read

    with Writer(plan, target) as writer:
        if engine == "spark":
            from yanglao.core.engine import spark_file  # the session starts while the file is validated

            summary.timings = spark_file.run(
                plan, batches(), writer, catalog if explain else None, spark_master or "local[*]", spark_dir
            )
        else:
            for batch in batches():
                decided = pb.decide(plan, batch.persons.lazy()).collect().lazy()
                if writer.jsonl or explain:
                    long = pb.long_items(plan, decided, keep=(LINE, "id_number")).collect()
                    reasons = explain_batch(catalog, plan, batch.persons, long) if explain else None
                    writer.write(batch.persons.select(LINE, "id_number"), long, reasons)
                else:
                    rows = pb.long_items(plan, decided, keep=(LINE, "id_number"), output=True)
                    writer.write_rows(rows.drop(LINE).collect())
                del batch, decided  # released before the next batch is read (peak memory)
    return finish(summary, reader.extra, writer.granted, started)


def spark_session(master: str = "local[*]") -> Any:
    """A Spark session for the command line (no UI, UTC); ``master`` ``local[*]`` or a cluster's URL."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("yanglao-entitle")
    builder = builder.config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
    if master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", "4")
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session
