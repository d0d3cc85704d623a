from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.visits.views import lists, record

app_name = "visits"
urlpatterns: list[URLPattern] = [
    path("", lists.index, name="index"),
    path("rates/", lists.rates, name="rates"),
    path("overdue/", lists.overdue, name="overdue"),
    path("workloads/", lists.workloads, name="workloads"),
    path("followups/", lists.followups, name="followups"),
    path("followups/<int:pk>/close/", record.close_followup, name="followup-close"),
    path("plans/", lists.plans, name="plans"),
    path("refresh/", lists.refresh, name="refresh"),
    path("persons/<int:pk>/", record.person_page, name="person"),
    path("persons/<int:pk>/record/", record.record, name="record"),
    path("persons/<int:pk>/assign/", record.assign, name="assign"),
    path("records/<int:pk>/photo/", record.photo, name="photo"),
]
