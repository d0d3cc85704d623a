"""Open data (no login): the list of datasets and their CSV files."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yanglao.core.stats.suppress import THRESHOLD
from yanglao.regions.models import Level, Region
from yanglao.registry.models import Person
from yanglao.stats.cache import cached
from yanglao.stats.opendata import DATASET_BY_KEY, DATASETS, csv_bytes, open_counties, reference_date


def open_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "stats/open_index.html",
        {
            "counties": open_counties(),
            "datasets": DATASETS,
            "on": reference_date(),
            "threshold": THRESHOLD,
            "tab": "open",
        },
    )


def open_csv(request: HttpRequest, code: str, dataset: str) -> HttpResponse:
    county = Region.objects.filter(code=code, level=Level.COUNTY).first()
    if county is None or dataset not in DATASET_BY_KEY:
        raise Http404("没有该数据集")
    if not Person.objects.filter(hukou_region__startswith=county.code).exists():
        raise Http404("该旗县（区）尚无户籍老年人数据，暂无公开数据")
    on = reference_date()
    data = cached(f"open-{dataset}", county.code, on, lambda: csv_bytes(county, dataset, on))
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{county.code}-{dataset}-{on:%Y%m}.csv"'
    return response
