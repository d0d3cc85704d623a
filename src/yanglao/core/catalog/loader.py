"""Loading a catalogue folder (``catalogs/<GB/T 2260 code>/``) strictly: any problem fails the load.

A folder holds ``catalog.yaml`` (metadata and local options), ``parameters.yaml`` (dated values),
``items.yaml`` (the items and the 择高 groups) and ``cases.yaml`` (test cases, read by
:mod:`yanglao.core.catalog.cases`). The shared service codes are in ``catalogs/taxonomy.yaml``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import cast

from yanglao.core.catalog.model import (
    CHOOSERS,
    COMPARISONS,
    ITEM_TYPES,
    LEVELS,
    LIST_STATUSES,
    PERIODS,
    Benefit,
    Catalog,
    Comparison,
    Definition,
    ExclusiveGroup,
    Funding,
    Item,
    ItemType,
    ListStatus,
    Option,
    Parameter,
    ParamValue,
    Period,
    Service,
    Taxonomy,
)
from yanglao.core.catalog.quantities import parse_payee, parse_quantity
from yanglao.core.catalog.ruleparse import Names, parse_amount, parse_cond
from yanglao.core.catalog.yamlio import (
    At,
    CatalogError,
    MarkedDict,
    boolean,
    date_value,
    mapping,
    number,
    optional_text,
    read_yaml,
    sequence,
    text,
)
from yanglao.core.person import FIELD_BY_NAME

CATALOGS_ROOT = Path(__file__).resolve().parent.parent.parent / "catalogs"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE6 = re.compile(r"^\d{6}$")

CATALOG_KEYS = (
    "name",
    "jurisdiction",
    "document",
    "document_number",
    "issued_on",
    "version",
    "parent",
    "reconstructed",
    "source",
    "notes",
    "options",
    "status",
    "effective_from",
    "effective_to",
)
ITEM_KEYS = (
    "type_text",
    "target_text",
    "rule",
    "rule_note",
    "content",
    "standard_text",
    "amount",
    "period",
    "comparison",
    "funding",
    "lead_departments",
    "policy_basis",
    "parts",
    "valid_from",
    "valid_to",
    "notes",
    "payee",
    "payee_text",
    "quantity",
)
BENEFIT_EXTRA_KEYS = ("payee", "payee_text", "quantity")
PART_KEYS = (
    "target_text",
    "rule_note",
    "standard_text",
    "amount",
    "period",
    "comparison",
    "notes",
    *BENEFIT_EXTRA_KEYS,
)


def root_dir(root: Path | None) -> Path:
    return CATALOGS_ROOT if root is None else root


def load_taxonomy(root: Path | None = None) -> Taxonomy:
    path = root_dir(root) / "taxonomy.yaml"
    at = At(str(path))
    data = mapping(read_yaml(path), at, required=("services",))
    services_at = at.key("services", data)
    raw = mapping(data["services"], services_at, free=True)
    services: dict[str, Service] = {}
    for code, entry in raw.items():
        here = services_at.key(str(code), raw)
        if not isinstance(code, str) or not _NAME.match(code):
            raise here.error("服务代码应为小写英文字母、数字和下划线，以字母开头")
        body = mapping(entry, here, required=("name",), optional=("description", "broader"))
        broader = optional_text(body, "broader", here)
        services[code] = Service(
            code,
            text(body["name"], here.key("name", body)),
            text(body.get("description"), here.key("description", body), allow_none=True),
            broader,
        )
    for code, service in services.items():
        here = services_at.key(code, raw)
        if service.broader is not None and service.broader not in services:
            raise here.key("broader").error(f"broader 指向未知的服务代码“{service.broader}”")
        seen = {code}
        current = service.broader
        while current is not None:
            if current in seen:
                raise here.key("broader").error("broader 形成了循环")
            seen.add(current)
            current = services[current].broader
    return Taxonomy(services)


def list_codes(root: Path | None = None) -> list[str]:
    base = root_dir(root)
    return sorted(p.name for p in base.iterdir() if p.is_dir() and (p / "catalog.yaml").exists())


def hukou_codes(root: Path | None = None) -> list[str]:
    """The lists under ``root`` whose files let a person's 户籍 find them: every list except a draft
    (征求意见稿, ``status: draft``). The files' view only: callers ask
    :func:`yanglao.core.catalog.source.list_by_hukou`, which also reads a draft the bureau has adopted by
    publishing a version, and each list's effective dates, on the day asked."""
    return [code for code in list_codes(root) if load_catalog(code, root).status != "draft"]


def load_catalog(code: str, root: Path | None = None) -> Catalog:
    """Load and check one catalogue. Raises :class:`CatalogError` naming file, path and reason."""
    if root is None:
        return _load_cached(code)
    return _load(code, root)


def load_all(root: Path | None = None) -> dict[str, Catalog]:
    """Every catalogue under the root, by code; a parent that is not there fails the load."""
    catalogs = {code: load_catalog(code, root) for code in list_codes(root)}
    for catalog in catalogs.values():
        if catalog.parent is not None and catalog.parent not in catalogs:
            path = root_dir(root) / catalog.code / "catalog.yaml"
            raise CatalogError(str(path), "parent", f"上级清单“{catalog.parent}”不存在")
    return catalogs


@cache
def _load_cached(code: str) -> Catalog:
    from yanglao.core.catalog.pickled import cached

    return cached(code, CATALOGS_ROOT, _load)


def _load(code: str, root: Path) -> Catalog:
    folder = root / code
    if not (folder / "catalog.yaml").exists():
        raise CatalogError(str(folder), "", f"没有清单“{code}”（缺少 catalog.yaml）")
    taxonomy = load_taxonomy(root)
    meta_path = folder / "catalog.yaml"
    at = At(str(meta_path))
    meta = mapping(read_yaml(meta_path), at, required=("code", "name", "version"), optional=CATALOG_KEYS)
    declared = text(meta["code"], at.key("code", meta))
    if declared != code:
        raise at.key("code", meta).error(f"代码“{declared}”与文件夹名“{code}”不一致")
    parent = optional_text(meta, "parent", at)
    if parent is not None and not _CODE6.match(parent):
        raise at.key("parent", meta).error(f"上级清单代码应为6位区划代码，实际为“{parent}”")
    issued = meta.get("issued_on")
    header = {
        "name": text(meta["name"], at.key("name", meta)),
        "jurisdiction": text(meta.get("jurisdiction"), at.key("jurisdiction", meta), allow_none=True),
        "document": text(meta.get("document"), at.key("document", meta), allow_none=True),
        "document_number": optional_text(meta, "document_number", at),
        "version": text(meta["version"], at.key("version", meta)),
        "source": text(meta.get("source"), at.key("source", meta), allow_none=True),
        "notes": text(meta.get("notes"), at.key("notes", meta), allow_none=True),
    }
    issued_on = date_value(issued, at.key("issued_on", meta)) if issued is not None else None
    reconstructed = boolean(meta.get("reconstructed", False), at.key("reconstructed", meta))
    options = _options(meta.get("options"), at.key("options", meta))
    status = optional_text(meta, "status", at) or "issued"
    if status not in LIST_STATUSES:
        allowed = "、".join(f"{k}（{v}）" for k, v in LIST_STATUSES.items())
        raise at.key("status", meta).error(f"未知的清单状态“{status}”，可用：{allowed}")
    effective = {
        key: date_value(meta[key], at.key(key, meta)) if meta.get(key) is not None else None
        for key in ("effective_from", "effective_to")
    }
    start, end = effective["effective_from"], effective["effective_to"]
    if start is not None and end is not None and end < start:
        raise at.key("effective_to", meta).error(f"清单终止日期 {end} 早于施行日期 {start}")
    parameters = read_parameters(folder / "parameters.yaml")
    definitions = _definitions(root, code, parent, Names(set(parameters), set(options)))
    names = Names(set(parameters), set(options), {k: d.rule for k, d in definitions.items()})
    items, all_groups = _items(folder / "items.yaml", names, taxonomy)
    groups = tuple(g for g in all_groups if g.chooser == "highest")
    choice_groups = tuple(g for g in all_groups if g.chooser == "applicant")
    numbers = {item.no for item in items}
    for name, option in options.items():
        for no in option.items:
            if no not in numbers:
                raise at.key("options").key(name).key("items").error(f"选项所属的第“{no}”项不存在")
    return Catalog(
        code=code,
        name=header["name"] or "",
        jurisdiction=header["jurisdiction"] or "",
        document=header["document"] or "",
        document_number=header["document_number"],
        issued_on=issued_on,
        version=header["version"] or "",
        parent=parent,
        reconstructed=reconstructed,
        source=header["source"] or "",
        notes=header["notes"] or "",
        parameters=parameters,
        options=options,
        items=items,
        exclusive_groups=groups,
        folder=str(folder),
        definitions=definitions,
        choice_groups=choice_groups,
        status=cast(ListStatus, status),
        effective_from=start,
        effective_to=end,
    )


def _definitions(root: Path, code: str, parent: str | None, names: Names) -> dict[str, Definition]:
    """The named definitions in force for list ``code``: its parent list's, then its own
    ``definitions.yaml`` (a child may redefine a name, saying so in the file). Each rule may use the
    definitions declared before it."""
    out: dict[str, Definition] = {}
    if parent is not None and (root / parent / "definitions.yaml").exists():
        out.update(_definitions(root, parent, None, names))
    path = root / code / "definitions.yaml"
    if not path.exists():
        return out
    at = At(str(path))
    data = mapping(read_yaml(path), at, required=("definitions",))
    defs_at = at.key("definitions", data)
    return parse_definitions(data["definitions"], defs_at, names, code, out)


def parse_definitions(
    raw: object, at: At, names: Names, source: str, inherited: dict[str, Definition] | None = None
) -> dict[str, Definition]:
    """``name: {label, rule, reference, notes?}`` after ``inherited``; each rule may use the parameters
    and options of ``names`` and the definitions declared before it (the lists' ``definitions.yaml``
    and the statistics' indicators file alike)."""
    out: dict[str, Definition] = dict(inherited or {})
    data = mapping(raw, at, free=True)
    for name, entry in data.items():
        here = at.key(str(name), data)
        if not isinstance(name, str) or not _NAME.match(name):
            raise here.error("定义名应为小写英文字母、数字和下划线，以字母开头")
        body = mapping(entry, here, required=("label", "rule", "reference"), optional=("notes",))
        scope = Names(names.parameters, names.options, {k: d.rule for k, d in out.items()})
        out[name] = Definition(
            name,
            text(body["label"], here.key("label", body)),
            parse_cond(body["rule"], here.key("rule", body), scope),
            text(body["reference"], here.key("reference", body)),
            text(body.get("notes"), here.key("notes", body), allow_none=True),
            source,
        )
    return out


def _options(raw: object, at: At) -> dict[str, Option]:
    if raw is None:
        return {}
    data = mapping(raw, at, free=True)
    out: dict[str, Option] = {}
    for name, entry in data.items():
        here = at.key(str(name), data)
        if not isinstance(name, str) or not _NAME.match(name):
            raise here.error("选项名应为小写英文字母、数字和下划线，以字母开头")
        body = mapping(entry, here, required=("label", "text"), optional=("default", "items"))
        items_raw = sequence(body.get("items", []), here.key("items", body))
        items = tuple(text(v, here.key("items", body).index(i, items_raw)) for i, v in enumerate(items_raw))
        out[name] = Option(
            name,
            text(body["label"], here.key("label", body)),
            text(body["text"], here.key("text", body)),
            boolean(body.get("default", False), here.key("default", body)),
            items,
        )
    return out


def read_parameters(path: Path) -> dict[str, Parameter]:
    """A ``parameters.yaml`` file (a list's, the care homes', …); none when the file is absent."""
    at = At(str(path))
    if not path.exists():
        return {}
    data = mapping(read_yaml(path), at, optional=("parameters",))
    return parse_parameters(data.get("parameters"), at.key("parameters", data))


def parse_parameters(raw: object, at: At) -> dict[str, Parameter]:
    """Dated parameters as written under a ``parameters:`` key (docs/catalog-format.md §3): every file that
    declares parameters (a list's ``parameters.yaml``, admission rules, …) reads them with this."""
    if raw is None:
        return {}
    data = mapping(raw, at, free=True)
    out: dict[str, Parameter] = {}
    for name, entry in data.items():
        here = at.key(str(name), data)
        if not isinstance(name, str) or not _NAME.match(name):
            raise here.error("参数名应为小写英文字母、数字和下划线，以字母开头")
        if name in FIELD_BY_NAME or name == "age":
            raise here.error(f"参数名“{name}”与人员字段同名，请换一个名字")
        body = mapping(entry, here, required=("label", "unit", "values"), optional=("notes",))
        values_at = here.key("values", body)
        values_raw = sequence(body["values"], values_at, allow_empty=False)
        values: list[ParamValue] = []
        for i, value_raw in enumerate(values_raw):
            v_at = values_at.index(i, values_raw)
            value = mapping(value_raw, v_at, required=("from", "value", "reference"), optional=("example",))
            start = date_value(value["from"], v_at.key("from", value))
            if values and start <= values[-1].valid_from:
                raise v_at.key("from", value).error(
                    f"各值须按日期从早到晚排列且日期不重复：{start} 不晚于上一值的 {values[-1].valid_from}"
                )
            values.append(
                ParamValue(
                    start,
                    number(value["value"], v_at.key("value", value)),
                    text(value["reference"], v_at.key("reference", value)),
                    boolean(value.get("example", False), v_at.key("example", value)),
                )
            )
        out[name] = Parameter(
            name,
            text(body["label"], here.key("label", body)),
            text(body["unit"], here.key("unit", body)),
            tuple(values),
            text(body.get("notes"), here.key("notes", body), allow_none=True),
        )
    return out


def _items(
    path: Path, names: Names, taxonomy: Taxonomy
) -> tuple[tuple[Item, ...], tuple[ExclusiveGroup, ...]]:
    at = At(str(path))
    data = mapping(read_yaml(path), at, required=("items",), optional=("exclusive_groups",))
    items_at = at.key("items", data)
    raw_items = sequence(data["items"], items_at, allow_empty=False)
    items: list[Item] = []
    seen_no: dict[str, str] = {}
    seen_code: dict[str, str] = {}
    for i, raw in enumerate(raw_items):
        here = items_at.index(i, raw_items)
        item = _item(raw, here, names, taxonomy)
        if item.no in seen_no:
            raise here.key("no").error(f"序号“{item.no}”重复（{seen_no[item.no]} 已用）")
        seen_no[item.no] = here.path
        codes = [item.code] + [b.code for b in item.benefits if b.code != item.code]
        for code in codes:
            if code in seen_code:
                raise here.key("code").error(f"服务代码“{code}”在本清单中重复（{seen_code[code]} 已用）")
            seen_code[code] = here.path
        items.append(item)
    groups: list[ExclusiveGroup] = []
    if data.get("exclusive_groups") is not None:
        groups_at = at.key("exclusive_groups", data)
        raw_groups = sequence(data["exclusive_groups"], groups_at)
        benefit_codes = {b.code for item in items for b in item.benefits}
        for i, raw in enumerate(raw_groups):
            here = groups_at.index(i, raw_groups)
            body = mapping(raw, here, required=("name", "members"), optional=("text", "notes", "chooser"))
            chooser = optional_text(body, "chooser", here) or "highest"
            if chooser not in CHOOSERS:
                allowed = "、".join(f"{k}（{v}）" for k, v in CHOOSERS.items())
                raise here.key("chooser", body).error(f"未知的择高方式“{chooser}”，可用：{allowed}")
            members_at = here.key("members", body)
            members_raw = sequence(body["members"], members_at)
            if len(members_raw) < 2:
                raise members_at.error("择高组至少要有两个成员")
            members: list[str] = []
            for j, member in enumerate(members_raw):
                code = text(member, members_at.index(j, members_raw))
                if code not in benefit_codes:
                    raise members_at.index(j, members_raw).error(f"本清单没有服务代码为“{code}”的项目或分项")
                members.append(code)
            groups.append(
                ExclusiveGroup(
                    text(body["name"], here.key("name", body)),
                    tuple(members),
                    text(body.get("text"), here.key("text", body), allow_none=True),
                    text(body.get("notes"), here.key("notes", body), allow_none=True),
                    "applicant" if chooser == "applicant" else "highest",
                )
            )
    return tuple(items), tuple(groups)


def _service_code(data: MarkedDict, at: At, taxonomy: Taxonomy) -> str:
    code = text(data["code"], at.key("code", data))
    if code not in taxonomy.services:
        raise at.key("code", data).error(f"服务代码“{code}”不在 taxonomy.yaml 中")
    return code


def _item(raw: object, at: At, names: Names, taxonomy: Taxonomy) -> Item:
    data = mapping(raw, at, required=("no", "code", "name", "type"), optional=ITEM_KEYS)
    no = text(data["no"], at.key("no", data))
    code = _service_code(data, at, taxonomy)
    name = text(data["name"], at.key("name", data))
    item_type = text(data["type"], at.key("type", data))
    if item_type not in ITEM_TYPES:
        allowed = "、".join(f"{k}（{v}）" for k, v in ITEM_TYPES.items())
        raise at.key("type", data).error(f"未知服务类型“{item_type}”，可用：{allowed}")
    funding = Funding()
    if data.get("funding") is not None:
        f_at = at.key("funding", data)
        f_data = mapping(data["funding"], f_at, optional=("text", "levels"))
        levels_raw = sequence(f_data.get("levels") or [], f_at.key("levels", f_data))
        levels: list[str] = []
        for j, level in enumerate(levels_raw):
            if level not in LEVELS:
                raise (
                    f_at.key("levels", f_data)
                    .index(j, levels_raw)
                    .error(f"未知的支出层级“{level}”，可用：{'、'.join(LEVELS)}")
                )
            levels.append(str(level))
        funding = Funding(optional_text(f_data, "text", f_at), tuple(levels))
    leads_raw = sequence(data.get("lead_departments") or [], at.key("lead_departments", data))
    leads = tuple(
        text(v, at.key("lead_departments", data).index(j, leads_raw)) for j, v in enumerate(leads_raw)
    )
    if "parts" in data:
        for key in ("rule", "rule_note", "amount", "period", "comparison", *BENEFIT_EXTRA_KEYS):
            if key in data:
                raise at.key(key, data).error(f"有 parts 的项目不能在项目上写 {key}，请写在各分项里")
        parts_at = at.key("parts", data)
        parts_raw = sequence(data["parts"], parts_at)
        if len(parts_raw) < 2:
            raise parts_at.error("parts 至少要有两个分项；只有一项时请直接写在项目上")
        benefits = tuple(
            _benefit(
                mapping(
                    p, parts_at.index(j, parts_raw), required=("code", "name", "rule"), optional=PART_KEYS
                ),
                parts_at.index(j, parts_raw),
                names,
                taxonomy,
                None,
            )
            for j, p in enumerate(parts_raw)
        )
    else:
        if "rule" not in data:
            raise at.error("缺少必填的键“rule”（不是个人待遇的项目请写 rule: null 并用 rule_note 说明）")
        benefits = (_benefit(data, at, names, taxonomy, code),)
    valid_from = data.get("valid_from")
    valid_to = data.get("valid_to")
    return Item(
        no=no,
        code=code,
        name=name,
        type=cast(ItemType, item_type),
        type_text=optional_text(data, "type_text", at),
        target_text=optional_text(data, "target_text", at),
        content=optional_text(data, "content", at),
        standard_text=optional_text(data, "standard_text", at),
        funding=funding,
        lead_departments=leads,
        policy_basis=optional_text(data, "policy_basis", at),
        benefits=benefits,
        has_parts="parts" in data,
        valid_from=date_value(valid_from, at.key("valid_from", data)) if valid_from is not None else None,
        valid_to=date_value(valid_to, at.key("valid_to", data)) if valid_to is not None else None,
        notes=text(data.get("notes"), at.key("notes", data), allow_none=True),
    )


def _benefit(data: MarkedDict, at: At, names: Names, taxonomy: Taxonomy, code: str | None) -> Benefit:
    code = code or _service_code(data, at, taxonomy)
    rule = None
    rule_note = optional_text(data, "rule_note", at)
    if data.get("rule") is None:
        if rule_note is None:
            raise at.key("rule", data).error("rule 为 null 时必须用 rule_note 说明为什么不能机器判断")
    else:
        rule = parse_cond(data["rule"], at.key("rule", data), names)
    amount = None
    if data.get("amount") is not None:
        amount = parse_amount(data["amount"], at.key("amount", data), names)
    period = optional_text(data, "period", at)
    if period is not None and period not in PERIODS:
        raise at.key("period", data).error(
            f"未知的周期“{period}”，可用：month（月）、year（年）、once（一次性）"
        )
    comparison = optional_text(data, "comparison", at)
    if comparison is not None and comparison not in COMPARISONS:
        raise at.key("comparison", data).error(
            f"未知的比较方式“{comparison}”，可用：floor（不低于）、ceiling（不高于）、exact（确定数额）"
        )
    if amount is not None and (period is None or comparison is None):
        missing = "period" if period is None else "comparison"
        raise at.key("amount", data).error(f"有 amount 时必须写 {missing}")
    payee, payee_text = parse_payee(data, at)
    quantity = parse_quantity(data["quantity"], at.key("quantity", data)) if "quantity" in data else None
    return Benefit(
        code=code,
        name=text(data["name"], at.key("name", data)),
        target_text=optional_text(data, "target_text", at),
        rule=rule,
        rule_note=rule_note,
        standard_text=optional_text(data, "standard_text", at),
        amount=amount,
        period=cast(Period | None, period),
        comparison=cast(Comparison | None, comparison),
        notes=text(data.get("notes"), at.key("notes", data), allow_none=True),
        payee=payee,
        payee_text=payee_text,
        quantity=quantity,
    )
