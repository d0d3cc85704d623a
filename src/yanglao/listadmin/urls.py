from __future__ import annotations

from django.urls import URLPattern, path, re_path

from yanglao.listadmin import impactview, views

app_name = "listadmin"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    re_path(r"^(?P<code>\d{6})/$", views.code_page, name="list"),
    re_path(r"^(?P<code>\d{6})/new/$", views.new_draft, name="new"),
    path("v/<int:pk>/", views.version_page, name="version"),
    path("v/<int:pk>/meta/", views.meta, name="meta"),
    path("v/<int:pk>/value/", views.value, name="value"),
    path("v/<int:pk>/option/", views.option, name="option"),
    path("v/<int:pk>/retire/", views.retire, name="retire"),
    path("v/<int:pk>/item/", views.add_item, name="item"),
    path("v/<int:pk>/file/<str:name>/", views.edit_file, name="file"),
    path("v/<int:pk>/impact/", impactview.impact_page, name="impact"),
    path("v/<int:pk>/check/", views.recheck, name="check"),
    path("v/<int:pk>/submit/", views.submit, name="submit"),
    path("v/<int:pk>/approve/", views.approve, name="approve"),
    path("v/<int:pk>/publish/", views.publish, name="publish"),
    path("v/<int:pk>/return/", views.send_back, name="return"),
    path("v/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
