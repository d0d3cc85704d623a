"""Admission to public care homes (公办养老机构入住): the rules as law-as-data and one explained ranking.

- :func:`load_rules` — a jurisdiction's rules (``carehomes/rules/<code>.yaml``), strictly loaded;
- :func:`rank` — applications → their places (eligible, class, position, reasons), set-based in Polars;
- :func:`explain` — one application's verdict with its reasons (the reference the ranking agrees with);
- :func:`read_applications` / :func:`rank_file` — the same from and to files (``yanglao admissions rank``).

See docs/admissions.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yanglao.core.lazynames import lazy_names

if TYPE_CHECKING:
    from yanglao.core.admissions.application import Application, parse_status
    from yanglao.core.admissions.explain import Explainer, Verdict, explain
    from yanglao.core.admissions.files import Applications, Summary, rank_file, read_applications
    from yanglao.core.admissions.loader import RULES_ROOT, list_rules, load_rules
    from yanglao.core.admissions.model import STATUS_WORDS, STATUSES, Assessment, Provision, Rules
    from yanglao.core.admissions.queue import rank_frame
    from yanglao.core.admissions.ranking import (
        Ranked,
        RankingDisagreement,
        applications_frame,
        rank,
        ranked_frame,
        reference_reasons,
    )

_WHERE = {
    "Application": "application",
    "parse_status": "application",
    "Explainer": "explain",
    "Verdict": "explain",
    "explain": "explain",
    "Applications": "files",
    "Summary": "files",
    "rank_file": "files",
    "read_applications": "files",
    "RULES_ROOT": "loader",
    "list_rules": "loader",
    "load_rules": "loader",
    "STATUS_WORDS": "model",
    "STATUSES": "model",
    "Assessment": "model",
    "Provision": "model",
    "Rules": "model",
    "rank_frame": "queue",
    "Ranked": "ranking",
    "RankingDisagreement": "ranking",
    "applications_frame": "ranking",
    "rank": "ranking",
    "ranked_frame": "ranking",
    "reference_reasons": "ranking",
}
# imported from its module when first asked for (lazynames): the queue's and the ranking's frames\n# (Polars) are not imported by the views that read rules or explain one application.
__getattr__ = lazy_names(__name__, _WHERE)

__all__ = [
    "RULES_ROOT",
    "STATUSES",
    "STATUS_WORDS",
    "Application",
    "Applications",
    "Assessment",
    "Explainer",
    "Provision",
    "Ranked",
    "RankingDisagreement",
    "Rules",
    "Summary",
    "Verdict",
    "applications_frame",
    "explain",
    "list_rules",
    "load_rules",
    "parse_status",
    "rank",
    "rank_file",
    "rank_frame",
    "ranked_frame",
    "read_applications",
    "reference_reasons",
]
