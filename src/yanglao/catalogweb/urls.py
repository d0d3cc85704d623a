from __future__ import annotations

from django.urls import URLPattern, path, re_path

from yanglao.catalogweb.views import public, staff

app_name = "catalogweb"
urlpatterns: list[URLPattern] = [
    path("", public.index, name="index"),
    path("compare/", staff.compare, name="compare"),
    re_path(r"^(?P<code>\d{6})/$", public.catalog_page, name="catalog"),
    re_path(r"^(?P<code>\d{6})/selfcheck/$", public.selfcheck, name="selfcheck"),
    re_path(r"^(?P<code>\d{6})/export\.xlsx$", public.export_xlsx, name="export"),
]
