from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.homeservices import phone, views

app_name = "homeservices"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("flows/", views.flows_page, name="flows"),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("providers/<int:pk>/", views.provider_page, name="provider"),
    path("claims/import/", views.import_claim, name="claim-import"),
    path("claims/enter/", views.enter_claim, name="claim-enter"),
    path("claims/<int:pk>/", views.claim_page, name="claim"),
    path("claims/<int:pk>/match/", views.match, name="claim-match"),
    path("lines/<int:pk>/review/", views.review, name="line-review"),
    path("settlements/prepare/", views.prepare, name="prepare"),
    path("settlements/<int:pk>/", views.settlement_page, name="settlement"),
    path("settlements/<int:pk>/advance/", views.advance, name="advance"),
    path("settlements/<int:pk>/export.xlsx", views.xlsx, name="xlsx"),
    path("settlements/<int:pk>/bank.csv", views.bank, name="bank"),
    path("phone/", phone.orders, name="phone"),
    path("phone/<int:pk>/", phone.order_page, name="phone-order"),
    path("phone/<int:pk>/send/", phone.send, name="phone-send"),
]
