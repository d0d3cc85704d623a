"""The GB/T 42195-2022 instrument as data: Annex A (basic information), Annex B (the 26 scored items
with every option's wording and score) and Annex C (the report: level table, change grounds, fields).

The data lives in ``instrument.yaml`` beside this module; :func:`instrument` loads it once and checks
it strictly (unknown or duplicate keys, option scores, indicator maxima, the level table), so a
mistake in the data fails at load time naming the place in the file. A form or report template
renders every section, field, item and option from the returned :class:`Instrument`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

from yanglao.core.assessment._data import DataError, Node, load_yaml

TOTAL_MAX = 90
FIELD_KINDS = frozenset(
    {
        "text",
        "date",
        "decimal",
        "id_number",
        "phone",
        "choice",
        "multi_choice",
        "bool",
        "icd10",
        "group",
        "table",
        "signature",
        "result",
    }
)
_CHOICE_KINDS = frozenset({"choice", "multi_choice", "bool"})
_NESTED_KINDS = frozenset({"group", "table"})
RISK_EVENT_KEYS = ("fall", "lost", "choking", "self_harm", "other")
GROUND_KEYS = ("coma", "mental_disorder", "risk_events")


@dataclass(frozen=True)
class Choice:
    code: str
    label: str
    help: str | None = None
    detail: bool = False  # asks for a few words (其他：____)
    exclusive: bool = False  # in a multi_choice, excludes every other choice (无)


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str
    code: str | None = None
    required: bool = False
    choices: tuple[Choice, ...] = ()
    fields: tuple[FormField, ...] = ()
    unit: str | None = None
    help: str | None = None
    source: str | None = None  # for kind "result": the attribute of the scoring result shown

    def choice(self, code: str) -> Choice:
        for c in self.choices:
            if c.code == code:
                return c
        raise KeyError(f"{self.key}: no choice {code!r}")


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    fields: tuple[FormField, ...]

    def field(self, key: str) -> FormField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.code}: no field {key!r}")


@dataclass(frozen=True)
class Option:
    score: int
    text: str


@dataclass(frozen=True)
class Item:
    code: str  # "B.1.1"
    name: str  # "进食"
    definition: str
    max_score: int
    options: tuple[Option, ...]  # from max_score down to 0

    @property
    def indicator_code(self) -> str:
        return self.code.rsplit(".", 1)[0]

    def option(self, score: int) -> Option:
        for o in self.options:
            if o.score == score:
                return o
        raise KeyError(f"{self.code}: no option scored {score!r}")


@dataclass(frozen=True)
class Indicator:
    code: str  # "B.1"
    name: str  # "自理能力"
    max_score: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Level:
    level: int
    name: str  # 轻度失能
    alt_name: str  # 能力轻度受损
    min_total: int
    max_total: int


@dataclass(frozen=True)
class Ground:
    key: str  # coma / mental_disorder / risk_events
    number: int  # 1-3, as numbered in C.4
    label: str  # the report's checkbox text
    text: str  # the short statement listed in a result's grounds


@dataclass(frozen=True)
class Instrument:
    standard: str
    title: str
    annex_a_title: str
    annex_a: tuple[Section, ...]
    annex_b_title: str
    indicators: tuple[Indicator, ...]
    annex_c_title: str
    levels: tuple[Level, ...]
    grounds: tuple[Ground, ...]
    report: tuple[Section, ...]

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for ind in self.indicators for i in ind.items)

    @cached_property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items)

    @cached_property
    def _items_by_code(self) -> dict[str, Item]:
        return {i.code: i for i in self.items}

    @property
    def total_max(self) -> int:
        return sum(ind.max_score for ind in self.indicators)

    def item(self, code: str) -> Item:
        return self._items_by_code[code]

    def has_item(self, code: str) -> bool:
        return code in self._items_by_code

    def level(self, level: int) -> Level:
        for lv in self.levels:
            if lv.level == level:
                return lv
        raise KeyError(f"no ability level {level!r}")

    def ground(self, key: str) -> Ground:
        for g in self.grounds:
            if g.key == key:
                return g
        raise KeyError(f"no change ground {key!r}")

    def section(self, code: str) -> Section:
        for s in (*self.annex_a, *self.report):
            if s.code == code:
                return s
        raise KeyError(f"no section {code!r}")

    def field(self, code: str) -> FormField:
        """An Annex A field (or sub-field) by its code, e.g. ``"A.5.11"`` or ``"A.2.14.1"``."""
        stack = [f for s in self.annex_a for f in s.fields]
        while stack:
            f = stack.pop()
            if f.code == code:
                return f
            stack.extend(f.fields)
        raise KeyError(f"no field {code!r}")


def _choice(node: Node) -> Choice:
    choice = Choice(
        code=node.text("code"),
        label=node.text("label"),
        help=node.opt_text("help"),
        detail=node.flag("detail", False),
        exclusive=node.flag("exclusive", False),
    )
    node.done()
    return choice


def _field(node: Node) -> FormField:
    fld = FormField(
        key=node.text("key"),
        label=node.text("label"),
        kind=node.text("kind"),
        code=node.opt_text("code"),
        required=node.flag("required", False),
        choices=tuple(_choice(n) for n in node.nodes("choices", required=False)),
        fields=tuple(_field(n) for n in node.nodes("fields", required=False)),
        unit=node.opt_text("unit"),
        help=node.opt_text("help"),
        source=node.opt_text("source"),
    )
    node.done()
    where = f"{node.path} ({fld.key})"
    if fld.kind not in FIELD_KINDS:
        raise DataError(f"{where}: unknown kind {fld.kind!r}")
    if (fld.kind in _CHOICE_KINDS) != bool(fld.choices):
        raise DataError(f"{where}: choices are for the kinds {sorted(_CHOICE_KINDS)} and only those")
    if (fld.kind in _NESTED_KINDS) != bool(fld.fields):
        raise DataError(f"{where}: sub-fields are for the kinds {sorted(_NESTED_KINDS)} and only those")
    if (fld.kind == "result") != (fld.source is not None):
        raise DataError(f"{where}: a source is for the kind 'result' and only that")
    if fld.kind == "bool" and [c.code for c in fld.choices] != ["false", "true"]:
        raise DataError(f"{where}: a bool field's choices are 'false' then 'true'")
    _unique([c.code for c in fld.choices], f"{where}: choice")
    _unique([f.key for f in fld.fields], f"{where}: field")
    return fld


def _section(node: Node) -> Section:
    section = Section(node.text("code"), node.text("title"), tuple(_field(n) for n in node.nodes("fields")))
    node.done()
    _unique([f.key for f in section.fields], f"{node.path}: field")
    return section


def _option(node: Node) -> Option:
    option = Option(node.integer("score"), node.text("text"))
    node.done()
    return option


def _item(node: Node, expected_code: str) -> Item:
    item = Item(
        code=node.text("code"),
        name=node.text("name"),
        definition=node.text("definition"),
        max_score=node.integer("max"),
        options=tuple(_option(n) for n in node.nodes("options")),
    )
    node.done()
    if item.code != expected_code:
        raise DataError(f"{node.path}: expected item {expected_code}, found {item.code}")
    scores = [o.score for o in item.options]
    if scores != list(range(item.max_score, -1, -1)):
        raise DataError(
            f"{node.path} ({item.code}): option scores must run {item.max_score}..0, got {scores}"
        )
    return item


def _indicator(node: Node, expected_code: str) -> Indicator:
    code = node.text("code")
    if code != expected_code:
        raise DataError(f"{node.path}: expected indicator {expected_code}, found {code}")
    items = tuple(_item(n, f"{code}.{i}") for i, n in enumerate(node.nodes("items"), start=1))
    indicator = Indicator(code, node.text("name"), node.integer("max"), items)
    node.done()
    if indicator.max_score != sum(i.max_score for i in items):
        raise DataError(f"{node.path} ({code}): max {indicator.max_score} is not the sum of its items")
    return indicator


def _levels(nodes: list[Node], total_max: int) -> tuple[Level, ...]:
    levels = []
    for n in nodes:
        levels.append(
            Level(
                n.integer("level"),
                n.text("name"),
                n.text("alt_name"),
                n.integer("min_total"),
                n.integer("max_total"),
            )
        )
        n.done()
    if [lv.level for lv in levels] != list(range(len(levels))):
        raise DataError("instrument.yaml: annex_c.levels: levels must be listed 0, 1, 2, …")
    # Level 0 takes the top of the scale, each next level the band just below, the last reaches 0.
    upper = total_max
    for lv in levels:
        if lv.max_total != upper or lv.min_total > lv.max_total:
            raise DataError(f"instrument.yaml: annex_c.levels: level {lv.level} must end at {upper}")
        upper = lv.min_total - 1
    if upper != -1:
        raise DataError("instrument.yaml: annex_c.levels: the last level must start at 0")
    return tuple(levels)


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise DataError(f"{what} {v!r} appears twice")
        seen.add(v)


def _annex_a_codes(sections: tuple[Section, ...]) -> list[str]:
    codes: list[str] = []
    stack = [f for s in sections for f in s.fields]
    while stack:
        f = stack.pop()
        if f.code is not None:
            codes.append(f.code)
        stack.extend(f.fields)
    return codes


@cache
def instrument() -> Instrument:
    """The instrument shipped with the package, loaded and checked once."""
    root = Node(load_yaml("instrument.yaml"), "instrument.yaml")
    root.node("shared")  # anchors only; their content is read where the fields use them
    annex_a, annex_b, annex_c = root.node("annex_a"), root.node("annex_b"), root.node("annex_c")
    indicators = tuple(_indicator(n, f"B.{i}") for i, n in enumerate(annex_b.nodes("indicators"), start=1))
    total_max = sum(ind.max_score for ind in indicators)
    grounds = []
    for n in annex_c.nodes("grounds"):
        grounds.append(Ground(n.text("key"), n.integer("number"), n.text("label"), n.text("text")))
        n.done()
    inst = Instrument(
        standard=root.text("standard"),
        title=root.text("title"),
        annex_a_title=annex_a.text("title"),
        annex_a=tuple(_section(n) for n in annex_a.nodes("sections")),
        annex_b_title=annex_b.text("title"),
        indicators=indicators,
        annex_c_title=annex_c.text("title"),
        levels=_levels(annex_c.nodes("levels"), total_max),
        grounds=tuple(grounds),
        report=tuple(_section(n) for n in annex_c.nodes("sections")),
    )
    for node, letter in ((annex_a, "A"), (annex_b, "B"), (annex_c, "C")):
        if node.text("code") != letter:
            raise DataError(f"{node.path}.code: expected {letter}")
        node.done()
    root.done()
    _check(inst)
    return inst


def _check(inst: Instrument) -> None:
    if inst.total_max != TOTAL_MAX:
        raise DataError(f"instrument.yaml: the indicators add up to {inst.total_max}, not {TOTAL_MAX}")
    if len(inst.items) != 26:
        raise DataError(f"instrument.yaml: {len(inst.items)} items, GB/T 42195 has 26")
    _unique(_annex_a_codes(inst.annex_a), "instrument.yaml: annex_a: code")
    _unique([s.code for s in (*inst.annex_a, *inst.report)], "instrument.yaml: section")
    if tuple(g.key for g in inst.grounds) != GROUND_KEYS:
        raise DataError(f"instrument.yaml: annex_c.grounds must be {', '.join(GROUND_KEYS)} in that order")
    risk = inst.field("A.2.14")
    if tuple(f.key for f in risk.fields) != RISK_EVENT_KEYS:
        raise DataError(f"instrument.yaml: A.2.14 must have the events {', '.join(RISK_EVENT_KEYS)}")
    if inst.field("A.5.11").key != "coma" or inst.field("A.4.1").kind != "icd10":
        raise DataError("instrument.yaml: A.5.11 must be coma and A.4.1 the ICD-10 diagnoses")
