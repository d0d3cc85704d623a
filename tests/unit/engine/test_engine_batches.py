"""The bulk engine's file plumbing that bounds its memory: the Parquet reader's repeated-ID pass and
batch slices, and the background Parquet writer (docs/engine.md, 基准)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import polars as pl
import pytest

from yanglao.core.engine.api import OUTPUT_SCHEMA, ParquetSink, entitle_file
from yanglao.core.engine.frames import LINE, read_batches, repeated_ids
from yanglao.core.idnumber import make_id_number

ON = dt.date(2024, 7, 1)


def reference_repeats(ids: list[str | int | None]) -> dict[int, int]:
    """Line → line of the first occurrence, written plainly: the normalised 17-digit body as a key."""
    first: dict[int, int] = {}
    repeats: dict[int, int] = {}
    for line, raw in enumerate(ids, start=2):
        text = None if raw is None else str(raw).strip().upper()
        if text is None:
            continue
        body = text[:6] + "19" + text[6:] if len(text) == 15 else text[:17]
        if not (body.isascii() and body.isdigit()):
            continue
        key = int(body)
        if key in first:
            repeats[line] = first[key]
        else:
            first[key] = line
    return repeats


def test_repeated_id_numbers_are_found_as_the_plain_reading_finds_them() -> None:
    a = make_id_number("410721", dt.date(1944, 2, 29), 13)
    wide_b = make_id_number("410721", dt.date(1950, 1, 1), 15)
    b = wide_b[:6] + wide_b[8:17]  # the same person's old 15-digit number
    c = make_id_number("410724", dt.date(1938, 5, 6), 21)
    ids: list[str | None] = [
        a, c, f" {a.lower()}\u3000", None, b, "", wide_b, "not a number", "not a number", c, a, None, c[:17],
    ]  # fmt: skip

    found = repeated_ids(pl.LazyFrame({"身份证": ids}))

    assert {line: error.reason for line, error in found.items()} == {
        line: f"与第 {first} 行的公民身份号码重复" for line, first in reference_repeats(list(ids)).items()
    }
    assert sorted(found) == [4, 8, 11, 12, 14]
    assert all(error.field == "id_number" for error in found.values())


def test_no_repeats_and_integer_columns() -> None:
    assert repeated_ids(pl.LazyFrame({"id": [f"41072119440{n:06d}X" for n in range(50)]})) == {}
    found = repeated_ids(pl.LazyFrame({"id": [410721194402291300, None, 410721194402291301]}))
    assert [(line, e.reason) for line, e in found.items()] == [(4, "与第 2 行的公民身份号码重复")]


def test_parquet_batches_number_lines_across_slices_and_report_repeats_in_their_batch(tmp_path: Path) -> None:
    people = [make_id_number("410721", dt.date(1940, 1, 1) + dt.timedelta(days=n), 11) for n in range(7)]
    people.insert(5, people[1])  # line 7 repeats line 3, in the third batch of two
    path = tmp_path / "in.parquet"
    pl.DataFrame({"公民身份号码": people, "extra": list(range(len(people)))}).write_parquet(
        path, row_group_size=3
    )

    reader = read_batches(path, 2)
    batches = list(reader.batches)

    assert [b.rows for b in batches] == [2, 2, 2, 2]
    assert [b.persons.get_column(LINE).to_list() for b in batches] == [[2, 3], [4, 5], [6], [8, 9]]
    assert [(e.line, e.reason) for e in batches[2].errors] == [(7, "与第 3 行的公民身份号码重复")]
    assert [e.field for e in reader.header_errors] == ["extra"]


def test_the_parquet_sink_writes_frames_in_order(tmp_path: Path) -> None:
    frames = [
        pl.DataFrame(
            {
                "id_number": [f"p{n}"] * 3,
                "no": [1, 2, 3],
                "code": "c",
                "name": "名",
                "amount": None,
                "period": "month",
            },
            schema=OUTPUT_SCHEMA,
        )
        for n in range(5)
    ]
    sink = ParquetSink(tmp_path / "out.parquet", frames[0].schema)
    for frame in frames:
        sink.put(frame)
    sink.close()

    assert pl.read_parquet(tmp_path / "out.parquet").equals(pl.concat(frames))


def test_a_failing_sink_reports_its_error_and_never_leaves_the_producer_waiting(tmp_path: Path) -> None:
    frame = pl.DataFrame({"id_number": ["x"]}, schema={"id_number": pl.String})
    sink = ParquetSink(tmp_path / "missing" / "out.parquet", frame.schema)
    done = threading.Event()

    def produce() -> None:
        try:
            for _ in range(5):
                sink.put(frame)
        except Exception:
            pass
        done.set()

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    producer.join(timeout=30)

    assert done.is_set()
    with pytest.raises(Exception, match="missing"):
        sink.close()


def test_entitle_file_to_parquet_in_small_batches_matches_one_batch(tmp_path: Path) -> None:
    from yanglao.core.engine.bench import persons_query

    source = tmp_path / "persons.parquet"
    persons_query(700, seed=3).collect().write_parquet(source, row_group_size=300)

    small = entitle_file("410721", ON, source, tmp_path / "small.parquet", batch_rows=64)
    whole = entitle_file("410721", ON, source, tmp_path / "whole.parquet", batch_rows=10_000)

    assert (small.persons, small.granted) == (whole.persons, whole.granted) == (700, whole.granted)
    assert whole.granted > 700
    assert pl.read_parquet(tmp_path / "small.parquet").equals(pl.read_parquet(tmp_path / "whole.parquet"))
