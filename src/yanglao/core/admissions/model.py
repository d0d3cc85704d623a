"""Admission rules of a jurisdiction's public care homes (公办养老机构入住条件和轮候排序规则), as loaded.

Plain frozen dataclasses. Every condition is a node of the catalogue rule language
(:mod:`yanglao.core.catalog.rules`), parsed by its parser and evaluated by its evaluator and bulk compiler.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from yanglao.core.catalog.model import Catalog, Parameter
from yanglao.core.catalog.rules import Cond

Status = Literal["waiting", "resident", "withdrawn"]
STATUSES: tuple[tuple[str, str], ...] = (
    ("waiting", "轮候中"),
    ("resident", "已入住"),
    ("withdrawn", "已撤回"),
)
STATUS_WORDS: dict[str, str] = dict(STATUSES)


@dataclass(frozen=True)
class Provision:
    """A rule with the words it comes from: the document's text, its reference, and our notes (where the
    document is silent, what we chose and why)."""

    key: str
    name: str
    rule: Cond
    text: str
    reference: str
    notes: str = ""


@dataclass(frozen=True)
class Assessment:
    """The ability assessment an application needs: which result (``rule``, over ``ability_level``) and how
    recent (``valid_months``: the name of a dated parameter, in months before the ranking date)."""

    rule: Cond
    valid_months: str
    text: str
    reference: str
    notes: str = ""


@dataclass(frozen=True)
class Rules:
    """One jurisdiction's admission rules (``carehomes/rules/<code>.yaml``)."""

    code: str
    name: str
    jurisdiction: str
    document: str
    document_number: str | None
    source: str
    notes: str
    parameters: dict[str, Parameter]
    eligibility: Provision
    assessment: Assessment
    classes: tuple[Provision, ...]  # in order: classes[0] is class 1, the highest
    tie_breakers: tuple[Provision, ...]  # 同等条件下优先, in order; then the application date
    file: str = ""

    @cached_property
    def catalog(self) -> Catalog:
        """The rules as a catalogue without items, so that the catalogue's evaluator, describer and
        planner (which read parameters through a ``Catalog``) serve the admission rules unchanged."""
        return Catalog(
            code=self.code,
            name=self.name,
            jurisdiction=self.jurisdiction,
            document=self.document,
            document_number=self.document_number,
            issued_on=None,
            version="",
            parent=None,
            reconstructed=False,
            source=self.source,
            notes=self.notes,
            parameters=self.parameters,
            options={},
            items=(),
            exclusive_groups=(),
            folder=self.file,
        )

    def class_name(self, rank: int) -> str:
        return self.classes[rank - 1].name

    def months(self, on: dt.date) -> int | None:
        """The assessment's validity in months on ``on`` (None when the parameter has no value yet)."""
        value = self.parameters[self.assessment.valid_months].value_on(on)
        return None if value is None else int(value.value)
