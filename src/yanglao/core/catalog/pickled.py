"""The shipped lists kept pickled between processes, under ``$YANGLAO_HOME/cache/catalogs``.

A command that evaluates a small file spent a sixth of its time reading one list: 10 ms parsing its
YAML files and checking them, 14 ms importing the YAML library; unpickling the checked list takes
0.5 ms. A pickle is used only when it was written from the same files (the list's folder and the
service taxonomy: names, sizes, modification times), by the same code (the modules that read and
model a list) and the same Python; anything else, or a pickle that cannot be read, means the list is
loaded from its YAML again (every check run) and a new pickle written. A folder that cannot be
written only costs the time. The bureau's own versions (``core.catalog.source``) are not cached here.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

from yanglao.core.catalog.model import Catalog

CODE = Path(__file__).resolve().parent
CODE_FILES = (*sorted(CODE.glob("*.py")), CODE.parent / "person.py", CODE.parent / "personfields.py")


def key(folder: Path, root: Path) -> str:
    """What a pickle of the list in ``folder`` must have been written from."""
    parts = [sys.version]
    for path in (*sorted(folder.iterdir()), root / "taxonomy.yaml", *CODE_FILES):
        stat = path.stat()
        parts.append(f"{path}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def folder() -> Path:
    from yanglao.conf import home

    return home() / "cache" / "catalogs"


def cached(code: str, root: Path, load: Callable[[str, Path], Catalog]) -> Catalog:
    """The list ``code`` under ``root``: from its pickle when current, else ``load``ed and pickled."""
    try:
        wanted = key(root / code, root)
        target = folder() / f"{code}-{wanted}.pickle"
    except OSError:  # no such folder: the loader says so in its words
        return load(code, root)
    try:
        with target.open("rb") as handle:
            catalog = pickle.load(handle)
        if isinstance(catalog, Catalog):
            return catalog
    except Exception:
        pass
    catalog = load(code, root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob(f"{code}-*.pickle"):
            old.unlink(missing_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(target)  # never a half-written pickle under the real name
    except OSError:
        pass
    return catalog
