"""Mounted at ``/api/`` by the root URLconf."""

from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.entitlements import api

app_name = "api"
urlpatterns: list[URLPattern] = [
    path("openapi.json", api.openapi_json, name="openapi"),
    path("persons/<str:id_number>/entitlements", api.person_entitlements, name="person-entitlements"),
]
