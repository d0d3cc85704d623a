from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.supervision.views import board, complaints, inspect, ratings

app_name = "supervision"
urlpatterns: list[URLPattern] = [
    path("", board.index, name="index"),
    path("hazards/", board.hazard_list, name="hazards"),
    path("hazards/<int:pk>/", board.hazard, name="hazard"),
    path("hazards/<int:pk>/rectify/", board.rectify, name="hazard-rectify"),
    path("hazards/<int:pk>/verify/", board.verify, name="hazard-verify"),
    path("risk/", board.risk, name="risk"),
    path("evidence/<int:pk>/", board.evidence, name="evidence"),
    path("facilities/<int:pk>/", board.facility, name="facility"),
    path("facilities/<int:pk>/hazard/", board.report_hazard, name="report-hazard"),
    path("facilities/<int:pk>/inspect/", inspect.inspect, name="inspect"),
    path("facilities/<int:pk>/rate/", ratings.rate, name="rate"),
    path("plans/", inspect.plans, name="plans"),
    path("plans/<int:pk>/", inspect.plan, name="plan"),
    path("inspections/<int:pk>/", inspect.inspection, name="inspection"),
    path("ratings/", ratings.rating_list, name="ratings"),
    path("ratings/<int:pk>/", ratings.rating, name="rating"),
    path("complaints/", complaints.complaint_list, name="complaints"),
    path("complaints/<int:pk>/", complaints.complaint, name="complaint"),
    path("complaints/<int:pk>/act/", complaints.complaint_act, name="complaint-act"),
    path("public/ratings/", ratings.public_ratings, name="public-ratings"),
    path("public/complaint/", complaints.public_complaint, name="public-complaint"),
]
