"""Every node class of the rule tree is handled by every visitor over it (issue 12, item 3).

A visitor is a ``functools.singledispatch`` function: the one-person evaluator, the lowering to the bulk
plan, the staff words, the public words, the probes (and the tree walk they all rely on). A node added
to the language (to ``Expr``/``Cond`` and ``EXPR_TYPES``/``COND_TYPES``) without a handler in any of them
fails here, naming the visitor and the node — not at run time on somebody's rule.
"""

from __future__ import annotations

import importlib
import typing
from collections.abc import Callable
from typing import Any

import pytest

from yanglao.catalogweb import plain
from yanglao.core.catalog import describe, probes, rules
from yanglao.core.engine import plan

# The package re-exports the function ``evaluate``, which hides the module of the same name.
evaluator = importlib.import_module("yanglao.core.catalog.evaluate")

EXPRESSION_VISITORS: dict[str, Callable[..., Any]] = {
    "evaluate.eval_expr": evaluator.eval_expr,
    "plan._branches (lower)": plan._branches,
    "describe.describe_expr": describe.describe_expr,
    "plain._expr_words (public words)": plain._expr_words,
}
CONDITION_VISITORS: dict[str, Callable[..., Any]] = {
    "evaluate.eval_cond": evaluator.eval_cond,
    "plan._lower_cond (lower)": plan._lower_cond,
    "describe.describe_cond": describe.describe_cond,
    "plain.cond_words (public words)": plain.cond_words,
}
NODE_VISITORS: dict[str, Callable[..., Any]] = {
    "rules.children (walk)": rules.children,
    "probes._reads": probes._reads,
}


def _handles(visitor: Callable[..., Any], node: type) -> bool:
    """Whether ``visitor`` has its own handler for ``node`` (not the fallback that raises)."""
    registry: dict[type, Callable[..., Any]] = visitor.registry  # type: ignore[attr-defined]
    return registry.get(node, registry[object]) is not registry[object]


def test_the_node_tuples_list_every_node_of_the_unions() -> None:
    assert set(rules.EXPR_TYPES) == set(typing.get_args(rules.Expr))
    assert set(rules.COND_TYPES) == set(typing.get_args(rules.Cond))
    assert len(rules.EXPR_TYPES) == len(set(rules.EXPR_TYPES))
    assert len(rules.COND_TYPES) == len(set(rules.COND_TYPES))


@pytest.mark.parametrize(
    ("kind", "visitors", "nodes"),
    [
        ("expression", EXPRESSION_VISITORS, rules.EXPR_TYPES),
        ("condition", CONDITION_VISITORS, rules.COND_TYPES),
        ("node", NODE_VISITORS, rules.EXPR_TYPES + rules.COND_TYPES),
    ],
)
def test_every_visitor_handles_every_node(
    kind: str, visitors: dict[str, Callable[..., Any]], nodes: tuple[type, ...]
) -> None:
    missing = [
        f"{name} has no handler for the {kind} node {node.__name__}"
        for name, visitor in visitors.items()
        for node in nodes
        if not _handles(visitor, node)
    ]
    assert not missing, "\n".join(missing)


def test_an_unknown_node_is_a_clear_error_not_a_loop() -> None:
    class Stranger:
        pass

    with pytest.raises(plain.UnknownNode, match="Stranger"):
        plain.cond_words(Stranger(), None)  # type: ignore[arg-type]
    with pytest.raises(plain.UnknownNode, match="Stranger"):
        plain.leaf_words(Stranger(), None)  # type: ignore[arg-type]
    with pytest.raises(plain.UnknownNode, match="Stranger"):
        plain.expr_words(Stranger(), None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Stranger"):
        rules.walk(Stranger())  # type: ignore[arg-type]
