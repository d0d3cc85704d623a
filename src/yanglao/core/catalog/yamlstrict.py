"""The strict YAML loader of :func:`yanglao.core.catalog.yamlio.parse_yaml` (imported on the first file
read, with the YAML library): SafeLoader without duplicate keys, without YAML 1.1 yes/no booleans, with
Decimal floats, each mapping and list marked with its lines."""

from __future__ import annotations

import re
from collections.abc import Hashable
from decimal import Decimal, InvalidOperation

import yaml

from yanglao.core.catalog.yamlio import MarkedDict, MarkedList


class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader without duplicate keys, without YAML 1.1 yes/no booleans, with Decimal floats."""


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: StrictLoader, node: yaml.MappingNode) -> MarkedDict:
    loader.flatten_mapping(node)
    out = MarkedDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(None, None, "键必须是简单值", key_node.start_mark)
        if key in out:
            raise yaml.constructor.ConstructorError(
                "在此映射中",
                node.start_mark,
                f"重复的键“{key}”（第一次出现在第 {out.key_lines[key]} 行）",
                key_node.start_mark,
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: StrictLoader, node: yaml.SequenceNode) -> MarkedList:
    out = MarkedList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_float(loader: StrictLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise yaml.constructor.ConstructorError(
            None, None, f"不是有限的数：“{text}”", node.start_mark
        ) from None
    if not value.is_finite():
        raise yaml.constructor.ConstructorError(None, None, f"不是有限的数：“{text}”", node.start_mark)
    return value


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _construct_timestamp(loader: StrictLoader, node: yaml.ScalarNode) -> object:
    """A date that does not exist (1946-02-29) is a marked error, not a bare ValueError."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"“{node.value}”不是有效日期", node.start_mark
        ) from None


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
