from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.entitlements import views

app_name = "entitlements"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
    path("townships/<str:code>/", views.township, name="township"),
    path("townships/<str:code>/export.xlsx", views.export, name="export"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("findings/<int:pk>/work/", views.work, name="work"),
]
