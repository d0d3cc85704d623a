from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.entitlements import importviews, personviews, views

app_name = "entitlements"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
    path("townships/<str:code>/", views.township, name="township"),
    path("townships/<str:code>/export.xlsx", views.export, name="export"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("findings/<int:pk>/work/", views.work, name="work"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("persons/<int:pk>/", personviews.person, name="person"),
    path("persons/<int:pk>/account/", personviews.account, name="account"),
    path("persons/<int:pk>/account/reveal/", personviews.reveal, name="reveal-account"),
    path("persons/<int:pk>/enrolments/<int:enrolment>/end/", personviews.end_enrolment, name="end-enrolment"),
    path("import/", importviews.import_enrolments, name="import"),
    path("import/<int:pk>/", importviews.import_job, name="import-job"),
]
