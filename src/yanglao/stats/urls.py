from __future__ import annotations

from django.urls import path

from yanglao.stats.views import bulletin, dashboard, evaluation, opendata

app_name = "stats"
urlpatterns = [
    path("", dashboard.index, name="index"),
    path("region/<str:code>/", dashboard.region_view, name="region"),
    path("region/<str:code>/entitlements.json", dashboard.entitlements_json, name="entitlements"),
    path("bulletin/", bulletin.bulletin_page, name="bulletin"),
    path(
        "bulletin/<str:code>/<int:year>-<int:month>.<str:kind>", bulletin.bulletin_file, name="bulletin-file"
    ),
    path("evaluation/", evaluation.evaluation_page, name="evaluation"),
    path("evaluation/<str:code>.xlsx", evaluation.evaluation_export, name="evaluation-export"),
    path("open/", opendata.open_index, name="open"),
    path("open/<str:code>/<str:dataset>.csv", opendata.open_csv, name="open-csv"),
]
