from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.facilities.views import edit, network, pages

app_name = "facilities"
urlpatterns: list[URLPattern] = [
    path("", pages.index, name="index"),
    path("new/", edit.create, name="create"),
    path("import/", edit.upload, name="import"),
    path("import/<int:pk>/", edit.import_job, name="import-job"),
    path("network/", network.network, name="network"),
    path("network/<str:code>/", network.network, name="network-region"),
    path("map/", network.map_page, name="map"),
    path("map/<str:code>/", network.map_page, name="map-region"),
    path("map/<str:code>/data.json", network.map_data, name="map-data"),
    path("<int:pk>/", pages.detail, name="detail"),
    path("<int:pk>/edit/", edit.edit, name="edit"),
    path("<int:pk>/report/", edit.report, name="report"),
]
