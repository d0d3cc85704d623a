from __future__ import annotations

from django.urls import path

from yanglao.assessments import assessorviews, views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("score/", views.score, name="score"),
    path("assessors/", assessorviews.assessors, name="assessors"),
    path("assessors/<int:pk>/end/", assessorviews.end, name="assessor-end"),
    path("person/<int:person_pk>/", views.person_history, name="person"),
    path("new/<int:person_pk>/", views.new, name="new"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/report.pdf", views.report_pdf, name="pdf"),
]
