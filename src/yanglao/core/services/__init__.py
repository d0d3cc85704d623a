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
    REASONS,
    STAYS_SCHEMA,
)

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
