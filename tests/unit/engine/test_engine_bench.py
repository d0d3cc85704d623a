"""The bench's hand-written reference program and the engine give the same rows (the benchmark's
ratio compares two programs that do the same work), including on rows the validation rejects."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from yanglao.core.engine.api import entitle_file
from yanglao.core.engine.bench import CATALOG, ON, hand_query, persons_query, same_rows


def test_the_engine_and_the_hand_written_program_give_the_same_rows(tmp_path: Path) -> None:
    persons = persons_query(3000, seed=11).collect()
    bad = persons.head(4).with_columns(
        pl.Series("id_number", [persons["id_number"][10], "41072119400101001X", " ", None]),
    )
    old = persons.filter(pl.col("birth_date") < dt.date(1950, 1, 1)).head(1)
    both = old.with_columns(  # 护理补贴 and 重度残疾人护理补贴: 择高, the applicant chooses
        pl.lit(True).alias("dibao"),
        pl.lit(True).alias("self_care_unable"),
        pl.lit(1, pl.Int64).alias("disability_grade"),
        pl.lit(True).alias("long_term_care_need"),
        pl.lit(None, pl.Date).alias("death_date"),
    )
    persons = pl.concat([both, persons.filter(pl.col("id_number") != old["id_number"][0])])
    source = tmp_path / "persons.parquet"
    pl.concat([persons, bad]).write_parquet(source)
    summary = entitle_file(CATALOG, ON, source, tmp_path / "engine.parquet", batch_rows=1000)
    hand_query(source, tmp_path / "hand.parquet")

    assert summary.persons == 3000
    assert len(summary.errors) == 4
    assert pl.read_parquet(tmp_path / "engine.parquet").height > 3000
    assert same_rows(tmp_path / "engine.parquet", tmp_path / "hand.parquet")


def test_a_child_peak_is_its_own_not_the_parents() -> None:
    from yanglao.core.engine.bench import child

    held = bytearray(400 * 1024 * 1024)  # the parent's memory, which wait4's ru_maxrss would report
    held[::4096] = b"x" * len(held[::4096])  # touched: resident
    result = child("import json\nx = bytearray(64 * 1024 * 1024)\nprint(json.dumps({'n': len(x)}))")

    assert result["n"] == 64 * 1024 * 1024
    assert 64 < result["peak_mib"] < 300
    del held
