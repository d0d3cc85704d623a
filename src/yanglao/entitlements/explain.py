"""One person's entitlements with the explanation, as JSON-ready data (the API, the finding page and
the person page panel).

The plain-words reason of each item comes from the public self-check's view-model
(:func:`yanglao.catalogweb.selfcheck.explain`), so the API, the self-check and the staff pages give the
same words; the conditions (with the person's values) and the parameters (with the date they are in
force from and their legal reference) come from the one-person evaluator's :class:`Decision`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from yanglao.catalogweb.selfcheck import ItemView
from yanglao.catalogweb.selfcheck import explain as selfcheck_explain
from yanglao.core.catalog import Catalog, Decision, ItemDecision, evaluate
from yanglao.core.catalog.decision import STATUS_WORDS, ParamRead, Trace
from yanglao.core.person import Record, derive_defaults
from yanglao.registry.models import Person


def record_of(person: Person) -> Record:
    """The person-record of a registry person, with what the engine derives (as in discovery)."""
    return derive_defaults(person.record())


def decide(catalog: Catalog, person: Person, on: dt.date) -> tuple[Record, Decision]:
    record = record_of(person)
    return record, evaluate(catalog, record, on)


def _amount(value: Any) -> float | None:
    return None if value is None else float(value)


def condition_json(trace: Trace) -> dict[str, Any]:
    return {"text": trace.text, "value": trace.value, "met": trace.result}


def parameter_json(read: ParamRead) -> dict[str, Any]:
    return {
        "name": read.name,
        "label": read.label,
        "value": _amount(read.value),
        "unit": read.unit,
        "valid_from": read.valid_from.isoformat() if read.valid_from else None,
        "reference": read.reference,
        "example": read.example,
        "text": read.text(),
    }


def item_json(decision: ItemDecision, view: ItemView | None) -> dict[str, Any]:
    params = [p for part in (decision.parts or (decision,)) for p in part.params]
    unique = list({(p.name, p.valid_from): p for p in params}.values())
    out: dict[str, Any] = {
        "no": decision.no,
        "code": decision.code,
        "name": decision.name,
        "status": decision.status,
        "status_words": STATUS_WORDS[decision.status],
        "granted": decision.granted,
        "amount": _amount(decision.amount) if decision.granted else None,
        "period": decision.period,
        "amount_text": decision.amount_text,
        "reasons": [view.reason if view is not None else decision.reason],
        "reason_detail": decision.reason,
        "conditions": [condition_json(t) for t in decision.conditions()],
        "parameters": [parameter_json(p) for p in unique],
        "payee": decision.payee,
        "placeholder": decision.placeholder,
        "quantity": decision.quantity.as_json() if decision.quantity is not None else None,
        "choice": decision.choice,
    }
    if decision.parts:
        views = {v.code: v for v in view.parts} if view is not None else {}
        out["parts"] = [item_json(p, views.get(p.code)) for p in decision.parts]
    return out


def decision_json(catalog: Catalog, record: Mapping[str, Any], decision: Decision) -> dict[str, Any]:
    """Every item of the list for the person: granted or not, amount, period, reasons, conditions with
    the person's values, parameters with their date and reference."""
    try:
        views: dict[str, ItemView] = {v.no: v for v in selfcheck_explain(decision, catalog, record)}
    except (KeyError, ValueError, TypeError):  # the plain words are a nicety: fall back to the evaluator's
        views = {}
    return {
        "catalog": catalog.code,
        "catalog_name": catalog.name,
        "date": decision.on.isoformat(),
        "deceased": decision.deceased,
        "options": decision.options,
        "items": [item_json(d, views.get(d.no)) for d in decision.items],
        "granted": [d.no for d in decision.granted()],
        "notes": list(decision.notes),
    }
