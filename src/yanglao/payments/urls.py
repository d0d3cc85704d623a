from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.payments import views

app_name = "payments"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("prepare/", views.prepare, name="prepare"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("<int:pk>/", views.roll_page, name="roll"),
    path("<int:pk>/again/", views.again, name="again"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/holds/<int:hold>/release/", views.release, name="release"),
    path("<int:pk>/export.xlsx", views.xlsx, name="xlsx"),
    path("<int:pk>/bank.csv", views.bank, name="bank"),
]
