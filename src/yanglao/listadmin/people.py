"""The people a list's impact and budget are computed over: the registry's people of the list's
jurisdiction, as the engine reads them (one query, :func:`yanglao.entitlements.frames.person_frame`)."""

from __future__ import annotations

import polars as pl

from yanglao.entitlements.discovery import population
from yanglao.entitlements.frames import person_frame
from yanglao.regions.models import Region
from yanglao.registry.models import Person


def persons_of(code: str) -> pl.DataFrame:
    """Person-record columns (and ``pk``) of the people of region ``code``."""
    region = Region.objects.filter(code=code).first()
    return person_frame(population(region) if region is not None else Person.objects.none())
