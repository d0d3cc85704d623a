"""The start-up benchmark's measuring parts (``yanglao bench startup``): the figures it prints come from
real child processes; nothing here is timed against a goal (goals are met in the benchmark)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from yanglao.bench import startup


def test_a_command_is_run_and_measured_in_a_child_process(tmp_path: Path) -> None:
    figures = startup.time_command(["--help"], startup.child_env(tmp_path), runs=2)
    assert set(figures) == {"median_ms", "min_ms", "cpu_ms"}
    assert 0 < figures["min_ms"] <= figures["median_ms"]
    assert figures["cpu_ms"] >= 0


def test_a_failing_command_is_reported_not_timed(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="退出码 2"):
        startup.time_command(["entitle", "--no-such-option"], startup.child_env(tmp_path), runs=1)


def test_children_keep_their_bytecode_when_this_process_writes_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("DEBUG", "true")
    env = startup.child_env(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "cache" / "pycache")
    assert "DEBUG" not in env


@pytest.mark.skipif(sys.platform != "linux", reason="/proc")
def test_the_processor_time_of_a_process_tree_is_read_from_proc() -> None:
    sum(i * i for i in range(300_000))  # some processor time of our own
    assert startup.tree_cpu_ms(os.getpid()) > 0
    assert startup.tree_cpu_ms(2**22 + 1) == 0  # no such process
