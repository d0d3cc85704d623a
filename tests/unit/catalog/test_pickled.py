"""Shipped lists pickled between processes (core/catalog/pickled.py): the pickle gives the list the
YAML gives; a changed file, a changed module or a broken pickle means the YAML is read again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from yanglao.core.catalog import loader, pickled
from yanglao.core.catalog.model import Catalog
from yanglao.core.catalog.yamlio import CatalogError

CODE = "152223"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of one shipped list and the taxonomy; pickles in a folder of their own."""
    copy = tmp_path / "catalogs"
    shutil.copytree(loader.CATALOGS_ROOT / CODE, copy / CODE)
    shutil.copy(loader.CATALOGS_ROOT / "taxonomy.yaml", copy / "taxonomy.yaml")
    monkeypatch.setattr(pickled, "folder", lambda: tmp_path / "cache")
    return copy


def counting(calls: list[str]) -> Any:
    def load(code: str, root: Path) -> Catalog:
        calls.append(code)
        return loader._load(code, root)

    return load


def test_the_pickle_gives_the_list_the_yaml_gives(root: Path) -> None:
    calls: list[str] = []
    first = pickled.cached(CODE, root, counting(calls))
    again = pickled.cached(CODE, root, counting(calls))
    assert calls == [CODE]  # the second came from the pickle
    assert again == first == loader._load(CODE, root)
    assert len(list((root.parent / "cache").glob(f"{CODE}-*.pickle"))) == 1


def test_a_changed_file_is_read_again_and_the_old_pickle_removed(root: Path) -> None:
    calls: list[str] = []
    pickled.cached(CODE, root, counting(calls))
    items = root / CODE / "items.yaml"
    stat = items.stat()
    os.utime(items, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    pickled.cached(CODE, root, counting(calls))
    assert calls == [CODE, CODE]
    assert len(list((root.parent / "cache").glob(f"{CODE}-*.pickle"))) == 1


def test_a_changed_module_is_read_again(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    pickled.cached(CODE, root, counting(calls))
    module = tmp_path / "model.py"
    module.write_text("# another version of the code\n")
    monkeypatch.setattr(pickled, "CODE_FILES", (*pickled.CODE_FILES, module))
    pickled.cached(CODE, root, counting(calls))
    assert calls == [CODE, CODE]


def test_a_broken_pickle_is_replaced(root: Path) -> None:
    calls: list[str] = []
    pickled.cached(CODE, root, counting(calls))
    (target,) = (root.parent / "cache").glob(f"{CODE}-*.pickle")
    target.write_bytes(target.read_bytes()[:100])
    assert pickled.cached(CODE, root, counting(calls)) == loader._load(CODE, root)
    assert calls == [CODE, CODE]
    assert pickled.cached(CODE, root, counting(calls)) == loader._load(CODE, root)
    assert calls == [CODE, CODE]  # rewritten whole


def test_a_folder_that_cannot_be_written_only_costs_the_time(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = root.parent / "file"
    blocker.write_text("")
    monkeypatch.setattr(pickled, "folder", lambda: blocker / "cache")
    assert pickled.cached(CODE, root, loader._load) == loader._load(CODE, root)


def test_a_missing_list_is_the_loaders_error(root: Path) -> None:
    with pytest.raises(CatalogError, match="没有清单"):
        pickled.cached("999999", root, loader._load)
