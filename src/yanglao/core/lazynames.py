"""A package's public names imported from their modules when first asked for (PEP 562).

A package that re-exports its modules' names (``from yanglao.core.catalog import evaluate``) would
otherwise import every module, and whatever they import (Polars, the evaluator, the person model),
whenever any one of them is imported: a pure command or the web server's URL modules then pay for all
of it at their start. ::

    __getattr__ = lazy_names(__name__, {"evaluate": "evaluate", "load_catalog": "loader", ...})

A name that is also its module's name (the function ``evaluate`` in the module ``evaluate``) stays the
function when the module is imported (the import sets the package's attribute to the module).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from types import ModuleType
from typing import Any


class _Package(ModuleType):
    """A package with names that are also its modules' names (kept in ``_SAME_NAMES``)."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, ModuleType) and name in self.__dict__.get("_SAME_NAMES", ()):
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_names(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The package's ``__getattr__``: ``where`` maps each public name to the module defining it."""
    module = sys.modules[package]
    same = frozenset(name for name, home in where.items() if name == home)
    if same:
        module.__dict__["_SAME_NAMES"] = same
        module.__class__ = _Package

    def getattr_(name: str) -> Any:
        home = where.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{home}"), name)
        setattr(module, name, value)
        return value

    return getattr_
