"""Home and community services: the service catalogue as data and the three-way match of claims
against plans and check-ins (docs/service-match.md).

Public API::

    load_services(code) -> ServiceCatalog        # homeservices/catalogs/<code>.yaml, strictly checked
    list_service_catalogs() -> [code]
    match_frame(catalog, month, claims, plans, checkins, persons=None, stays=None, settled=None,
                sample_share="0.05", options=None) -> polars.DataFrame     # the embedded engine
    match_spark(spark, catalog, month, claims, plans, checkins, …) -> pyspark DataFrame (same columns)
    match_files(catalog, month, plans, claims, checkins, output, persons=None, stays=None,
                settled=None, sample_share="0.05", seed=0) -> Summary   # files → JSON Lines
    to_lines(result, rejected=None) -> polars.DataFrame   # the JSON Lines rows
    REASONS / ALL_REASONS: reason code → the words staff read
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yanglao.core.lazynames import lazy_names

if TYPE_CHECKING:
    from yanglao.core.services.api import (
        ALL_REASONS,
        INVALID_ROW,
        Summary,
        match_files,
        match_frame,
        match_spark,
        to_lines,
    )
    from yanglao.core.services.catalog import (
        CATEGORIES,
        Service,
        ServiceCatalog,
        list_service_catalogs,
        load_services,
    )
    from yanglao.core.services.match import (
        CHECKINS_SCHEMA,
        CLAIMS_SCHEMA,
        PLANS_SCHEMA,
        STAYS_SCHEMA,
    )
    from yanglao.core.services.reasons import REASONS

_WHERE = {
    "ALL_REASONS": "api",
    "INVALID_ROW": "api",
    "Summary": "api",
    "match_files": "api",
    "match_frame": "api",
    "match_spark": "api",
    "to_lines": "api",
    "CATEGORIES": "catalog",
    "Service": "catalog",
    "ServiceCatalog": "catalog",
    "list_service_catalogs": "catalog",
    "load_services": "catalog",
    "CHECKINS_SCHEMA": "match",
    "CLAIMS_SCHEMA": "match",
    "PLANS_SCHEMA": "match",
    "REASONS": "reasons",
    "STAYS_SCHEMA": "match",
}
# imported from its module when first asked for (lazynames): the matching's frames (Polars) are not\n# imported by the views that read the service catalogues.
__getattr__ = lazy_names(__name__, _WHERE)

__all__ = [
    "ALL_REASONS",
    "CATEGORIES",
    "CHECKINS_SCHEMA",
    "CLAIMS_SCHEMA",
    "INVALID_ROW",
    "PLANS_SCHEMA",
    "REASONS",
    "STAYS_SCHEMA",
    "Service",
    "ServiceCatalog",
    "Summary",
    "list_service_catalogs",
    "load_services",
    "match_files",
    "match_frame",
    "match_spark",
    "to_lines",
]
