"""``yanglao entitle --engine spark``: a person file evaluated on Spark, locally or on a cluster.

The driver (the ``yanglao`` process) reads and validates the file with the embedded engine's reader
and writes the valid persons as Parquet parts, one per batch of the reader (``in/part-NNNNN.parquet``),
in a folder every executor reaches at the same path. Then one of two paths:

``tasks`` (the default)
    Spark runs one task per part on the executors. A task evaluates its part with the embedded
    engine's Polars backend — the same plan, lowered once on the driver and shipped to the executors
    pickled with the task — and writes its rows beside it (``out/part-NNNNN.parquet``); the driver
    then makes the output from the parts in their order (a Parquet output by copying their row
    groups in the JVM, without decoding them: :mod:`.spark_merge`). Spark schedules, places and retries the
    tasks; no person passes through the JVM, py4j or a Python row UDF, and nothing but a count per part
    is collected. The executors need Python with yanglao installed (docs/spark.md).

``columns``
    The plan compiled to Spark SQL column expressions (:mod:`.spark_backend`), evaluated in the JVM
    with no Python on the executors; Spark writes the rows, the driver sorts them back into the input's
    order. Several times slower (docs/spark.md), kept for clusters without Python on the workers:
    ``YANGLAO_SPARK_PATH=columns``.

Both give the embedded engine's output row for row (tests/unit/engine/test_spark_file.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from yanglao.core.engine import polars_backend as pb
from yanglao.core.engine.frames import LINE
from yanglao.core.engine.plan import Plan
from yanglao.core.engine.spark_merge import ParquetMerge

if TYPE_CHECKING:
    from yanglao.core.catalog.model import Catalog
    from yanglao.core.engine.api import Writer
    from yanglao.core.engine.frames import Batch

PATH_ENV = "YANGLAO_SPARK_PATH"
PATHS = ("tasks", "columns")
# The driver only schedules on the tasks path: the quick JIT and the serial collector, with a plain
# SparkContext instead of a SQL session, cut the JVM's start-up processor time to a third.
DRIVER_JAVA = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
LONG_TYPES = {LINE: pl.Int64, "id_number": pl.String, **pb.LONG_SCHEMA}


def part_name(n: int) -> str:
    return f"part-{n:05d}.parquet"


# --- on the executors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartJob:
    """What every task needs: the plan (pickled once into the task), the shared folder, and whether
    the output is Parquet rows (``no, code, name, amount``) or the long form for JSON Lines/explain."""

    plan: Plan
    folder: str
    rows: bool


def evaluate_part(job: PartJob, n: int) -> tuple[int, int, int]:
    """Evaluates ``in/part-n`` into ``out/part-n`` (written under a temporary name, then renamed, so a
    retried or speculative task never leaves half a file); ``(n, persons, rows written)``."""
    folder = Path(job.folder)
    persons = pl.read_parquet(folder / "in" / part_name(n))
    decided = pb.decide(job.plan, persons.lazy()).collect().lazy()
    if job.rows:
        out = pb.long_items(job.plan, decided, keep=(LINE, "id_number"), output=True).drop(LINE).collect()
    else:
        out = pb.long_items(job.plan, decided, keep=(LINE, "id_number")).collect()
    target = folder / "out" / part_name(n)
    partial_file = target.with_name(f".{target.name}.{os.getpid()}.partial")
    # Rows in the output's own format (the driver copies their row groups: spark_merge); the long
    # form for JSON Lines and --explain is read back, so written fast.
    out.write_parquet(partial_file, compression="snappy" if job.rows else "lz4")
    os.replace(partial_file, target)
    return n, persons.height, out.height


def evaluate_parts(job: PartJob, numbers: Iterable[int]) -> Iterator[tuple[int, int, int]]:
    """A Spark partition: the part numbers it was given."""
    for n in numbers:
        yield evaluate_part(job, n)


# --- on the driver ----------------------------------------------------------------------------------


def chosen_path() -> str:
    """``tasks`` unless ``YANGLAO_SPARK_PATH=columns``."""
    path = os.environ.get(PATH_ENV) or "tasks"
    if path not in PATHS:
        raise ValueError(f"{PATH_ENV} 应为 tasks 或 columns，实际为“{path}”")
    return path


def spark_context(master: str) -> Any:
    """The tasks path's SparkContext (no SQL session, no UI); settings of ``spark-defaults.conf`` apply."""
    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setMaster(master).setAppName("yanglao-entitle").set("spark.ui.enabled", "false")
    conf = conf.set("spark.ui.showConsoleProgress", "false").set(
        "spark.driver.defaultJavaOptions", DRIVER_JAVA
    )
    context = SparkContext.getOrCreate(conf)
    context.setLogLevel("WARN")
    return context


class Starter:
    """Starts Spark on a background thread (the JVM takes seconds; the file is read and validated
    meanwhile): a SparkContext for ``tasks``, a SQL session for ``columns``."""

    def __init__(self, master: str, path: str) -> None:
        self.path = path
        self.spark: Any = None
        self.failure: BaseException | None = None
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._start, args=(master,), name="spark-start", daemon=True)
        self.thread.start()

    def _start(self, master: str) -> None:
        started = time.perf_counter()
        try:
            if self.path == "tasks":
                self.spark = spark_context(master)
            else:
                from yanglao.core.engine.api import spark_session

                self.spark = spark_session(master)
        except BaseException as exc:  # reported by get()
            self.failure = exc
        self.seconds = time.perf_counter() - started

    def ready(self) -> bool:
        return not self.thread.is_alive()

    def get(self) -> Any:
        self.thread.join()
        if self.failure is not None:
            raise self.failure
        return self.spark


def python_for_executors(context: Any) -> None:
    """The executors' Python: ``PYSPARK_PYTHON`` when set, else this interpreter (PySpark's own
    default, ``python3`` on the PATH, is rarely the one with yanglao installed)."""
    if not os.environ.get("PYSPARK_PYTHON"):
        context.pythonExec = sys.executable


class Parts:
    """The parts' Spark jobs, one per part, submitted as soon as the part is written and the session
    is up (so the executors evaluate while the driver still validates, and the driver writes part
    ``n`` while later parts are evaluated); at most ``limit`` in flight, each from its own thread."""

    def __init__(self, context: Any, job: PartJob) -> None:
        self.context = context
        self.job = job
        python_for_executors(context)
        self.limit = min(64, 2 * max(1, int(self.context.defaultParallelism)) + 1)
        self.pool = ThreadPoolExecutor(max_workers=self.limit, thread_name_prefix="spark-part")
        self.futures: dict[int, Future[tuple[int, int, int]]] = {}

    def _one(self, n: int) -> tuple[int, int, int]:
        self.context.setJobDescription(f"yanglao entitle {self.job.plan.catalog} {self.job.plan.on} part {n}")
        done = self.context.parallelize([n], 1).mapPartitions(partial(evaluate_parts, self.job)).collect()
        if [d[0] for d in done] != [n]:
            raise RuntimeError(f"Spark returned {done} for part {n}")
        result: tuple[int, int, int] = done[0]
        return result

    def submit(self, n: int) -> None:
        self.futures[n] = self.pool.submit(self._one, n)

    def wait(self, n: int) -> tuple[int, int, int]:
        return self.futures.pop(n).result()

    def done(self, n: int) -> bool:
        return n in self.futures and self.futures[n].done()

    def close(self, failed: bool) -> None:
        if failed:
            self.context.cancelAllJobs()
        self.pool.shutdown(wait=True, cancel_futures=True)


def run(
    plan: Plan,
    batches: Iterator[Batch],
    writer: Writer,
    catalog: Catalog | None,
    master: str = "local[*]",
    shared: Path | str | None = None,
) -> dict[str, float]:
    """Validated persons to Parquet parts, Spark evaluates them (``tasks`` or ``columns``), the output
    written in the input's order. ``catalog``: given for ``--explain``. ``shared``: a folder every
    worker reaches (a cluster); a temporary folder inside it is removed afterwards. Returns the
    driver's seconds in each part (they add up to the whole): ``validate`` (reading and validating
    the file, while the session starts and, on the ``tasks`` path, the first parts are evaluated),
    ``session_wait`` (waiting for the session after that), ``job`` (waiting for Spark), ``write``
    (writing the output); and ``session_start``, the session's start (overlapping validation)."""
    starter = Starter(master, chosen_path())
    if shared is not None:
        Path(shared).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yanglao-spark-", dir=shared) as tmp:
        folder = Path(tmp).resolve()
        (folder / "in").mkdir()
        (folder / "out").mkdir()
        return _Run(plan, folder, writer, catalog, starter).run(batches)


class _Run:
    def __init__(
        self, plan: Plan, folder: Path, writer: Writer, catalog: Catalog | None, starter: Starter
    ) -> None:
        self.plan = plan
        self.folder = folder
        self.writer = writer
        self.catalog = catalog
        self.starter = starter
        self.job = PartJob(plan, str(folder), rows=not writer.jsonl and catalog is None)
        self.timings: dict[str, float] = {"validate": 0.0, "session_wait": 0.0, "job": 0.0, "write": 0.0}
        self.spark: Any = None
        self.parts: Parts | None = None
        self.path = ""
        self.written = 0  # parts written to the output, in order
        self.merge: ParquetMerge | None = None  # the Parquet output's row groups, copied from the parts
        self.running: list[str] = []  # the timers open, innermost last

    def run(self, batches: Iterator[Batch]) -> dict[str, float]:
        count = 0
        failed = True
        try:
            with self.timer("validate"):
                for batch in batches:
                    batch.persons.write_parquet(self.folder / "in" / part_name(count), compression="lz4")
                    count += 1
                    if self.spark is None and self.starter.ready():
                        self.session(count)  # submits the parts written so far
                    elif self.parts is not None:
                        self.parts.submit(count - 1)
                    if self.parts is not None:
                        self.drain(count, block=False)
            if self.spark is None:
                with self.timer("session_wait"):
                    self.session(count)
            if self.path == "columns":
                _columns(self.plan, self.folder, self.spark, self.writer, self.catalog, self.timings)
            else:
                self.drain(count, block=True)
                if self.merge is not None:
                    with self.timer("write"):
                        self.merge.close()
            failed = False
        finally:
            if self.parts is not None:
                self.parts.close(failed)
        self.timings["session_start"] = self.starter.seconds
        return self.timings

    def session(self, count: int) -> None:
        """The session is up: choose the path; on ``tasks`` submit the ``count`` parts written."""
        self.spark = self.starter.get()
        self.path = self.starter.path
        if self.path == "tasks":
            if self.job.rows:
                self.merge = ParquetMerge(
                    self.spark._jvm, self.spark._jsc.hadoopConfiguration(), self.writer.path
                )
            self.parts = Parts(self.spark, self.job)
            for n in range(count):
                self.parts.submit(n)

    def drain(self, count: int, block: bool) -> None:
        """Writes the evaluated parts that are next in order (waiting for them when ``block``)."""
        assert self.parts is not None
        while self.written < count and (block or self.parts.done(self.written)):
            with self.timer("job"):
                _, _, rows = self.parts.wait(self.written)
            with self.timer("write"):
                self.write_part(self.written, rows)
            self.written += 1

    def write_part(self, n: int, rows: int) -> None:
        if self.merge is not None:
            self.merge.append(self.folder / "out" / part_name(n))
            self.writer.written_elsewhere(rows)
            return
        out = pl.read_parquet(self.folder / "out" / part_name(n))
        persons = pl.read_parquet(self.folder / "in" / part_name(n))
        _write_long(self.plan, self.writer, self.catalog, persons, out.cast(LONG_TYPES))  # type: ignore[arg-type]

    @contextmanager
    def timer(self, name: str) -> Iterator[None]:
        """Adds the time spent to ``name`` and takes it out of the enclosing timer: the parts add up."""
        started = time.perf_counter()
        self.running.append(name)
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            self.running.pop()
            self.timings[name] += spent
            if self.running:
                self.timings[self.running[-1]] -= spent


def _write_long(
    plan: Plan, writer: Writer, catalog: Catalog | None, persons: pl.DataFrame, long: pl.DataFrame
) -> None:
    from yanglao.core.engine.api import explain_batch

    reasons = explain_batch(catalog, plan, persons, long) if catalog is not None else None
    writer.write(persons.select(LINE, "id_number"), long, reasons)


def _columns(
    plan: Plan, folder: Path, spark: Any, writer: Writer, catalog: Catalog | None, timings: dict[str, float]
) -> None:
    """The JVM path: the plan as Spark SQL columns over the parts; the rows sorted back on the driver."""
    from yanglao.core.engine import spark_backend

    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    empty = pl.DataFrame(schema={LINE: pl.Int64, **pb.PERSON_SCHEMA})
    empty.write_parquet(folder / "in" / "part-empty.parquet")  # a schema even without a valid person
    persons = spark.read.schema(f"{LINE} bigint, {spark_backend.PERSON_DDL}").parquet(str(folder / "in"))
    query = spark_backend.long_items(plan, persons, keep=(LINE, "id_number"))
    lap("plan")
    query.write.mode("overwrite").parquet(str(folder / "spark-out"))
    lap("job")
    long = pl.read_parquet(folder / "spark-out" / "*.parquet").cast(LONG_TYPES)  # type: ignore[arg-type]
    long = long.select(LINE, "id_number", *pb.LONG_SCHEMA).sort(LINE, "k")
    everyone = pl.read_parquet(folder / "in" / "*.parquet").sort(LINE)
    _write_long(plan, writer, catalog, everyone, long)
    lap("write")
