"""``entitle_file(..., engine="spark")`` writes the embedded engine's output byte for byte: the default
``tasks`` path (one Spark task per part, each evaluated by the Polars backend on the executor, the
parts' jobs overlapping validation) and the JVM ``columns`` path, with several parts, invalid rows,
Parquet and JSON Lines output, and ``--explain``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from yanglao.core.engine.api import entitle_file
from yanglao.core.engine.bench import persons_query

pytestmark = pytest.mark.spark
ON = dt.date(2024, 7, 1)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 generated persons of 新乡县 and neighbours, with a repeated ID number and a bad one."""
    persons = persons_query(2_000, seed=11).collect()
    ident = persons["id_number"][5]
    wrong = "0" if ident[-1] != "0" else "1"  # a wrong check character
    bad = persons.slice(5, 1).with_columns(pl.lit(ident[:-1] + wrong).alias("id_number"))
    repeated = persons.slice(17, 1)
    path = tmp_path_factory.mktemp("spark-file") / "persons.parquet"
    pl.concat([persons.slice(0, 900), bad, repeated, persons.slice(900)]).write_parquet(path)
    return path


def entitle(source: Path, target: Path, engine: str, **options: Any) -> tuple[bytes, str, int]:
    summary = entitle_file("410721", ON, source, target, engine=engine, batch_rows=450, **options)  # type: ignore[arg-type]
    errors = Path(f"{target}.errors.jsonl").read_text(encoding="utf-8")
    return target.read_bytes() if target.suffix == ".jsonl" else _rows(target), errors, summary.granted


def _rows(path: Path) -> bytes:
    frame = pl.read_parquet(path)
    assert frame.schema == pl.Schema(
        {
            "id_number": pl.String,
            "no": pl.Int64,
            "code": pl.String,
            "name": pl.String,
            "amount": pl.Decimal(18, 2),
            "period": pl.String,
        }
    )
    return frame.write_csv().encode()


@pytest.mark.parametrize(
    ("path", "suffix"), [("tasks", ".parquet"), ("tasks", ".jsonl"), ("columns", ".parquet")]
)
def test_spark_writes_the_embedded_output(
    source: Path, tmp_path: Path, spark: Any, monkeypatch: pytest.MonkeyPatch, path: str, suffix: str
) -> None:
    monkeypatch.setenv("YANGLAO_SPARK_PATH", path)
    want = entitle(source, tmp_path / f"embedded{suffix}", "embedded")
    got = entitle(source, tmp_path / f"spark{suffix}", "spark")

    assert got == want
    assert want[2] > 5_000  # the list grants something to nearly everybody: the files are not empty
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".crc")]
    errors = [json.loads(line) for line in want[1].splitlines()]
    assert [(e["line"], e["field"]) for e in errors] == [(902, "id_number"), (903, "id_number")]


def test_spark_explains_as_the_embedded_engine(source: Path, tmp_path: Path, spark: Any) -> None:
    small = tmp_path / "small.parquet"
    pl.read_parquet(source).head(300).write_parquet(small)

    want = entitle(small, tmp_path / "embedded.jsonl", "embedded", explain=True)
    got = entitle(small, tmp_path / "spark.jsonl", "spark", explain=True)

    assert got == want
    assert b'"reasons": ["' in got[0] or b'"reasons":["' in got[0]


def test_an_unknown_path_is_a_usage_error(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("YANGLAO_SPARK_PATH", "rows")

    with pytest.raises(ValueError, match="YANGLAO_SPARK_PATH"):
        entitle_file("410721", ON, source, tmp_path / "out.parquet", engine="spark")


def test_the_parquet_output_is_copied_from_the_parts_even_when_they_are_empty(
    source: Path, tmp_path: Path, spark: Any
) -> None:
    """The tasks path copies the parts' row groups into the output (spark_merge): parts of no row (a
    date before the list) give the embedded engine's empty file, and no ``.crc`` file is left."""
    before = dt.date(2000, 1, 1)
    for engine in ("embedded", "spark"):
        target = tmp_path / f"{engine}.parquet"
        summary = entitle_file("410721", before, source, target, engine=engine, batch_rows=450)
        assert summary.granted == 0
    assert _rows(tmp_path / "spark.parquet") == _rows(tmp_path / "embedded.parquet")
    assert pl.read_parquet(tmp_path / "spark.parquet").height == 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".crc")]
