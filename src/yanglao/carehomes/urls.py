from __future__ import annotations

from django.urls import URLPattern, path

from yanglao.carehomes import homeviews, public, settleviews, views

app_name = "carehomes"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application, name="application"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("vacancy/", homeviews.vacancy, name="vacancy"),
    path("offers/<int:pk>/accept/", homeviews.offer_action, {"what": "accept"}, name="accept"),
    path("offers/<int:pk>/decline/", homeviews.offer_action, {"what": "decline"}, name="decline"),
    path("offers/<int:pk>/refuse/", homeviews.offer_action, {"what": "refuse"}, name="refuse"),
    path("offers/<int:pk>/admit/", homeviews.offer_action, {"what": "admit"}, name="admit"),
    path("residents/", homeviews.residents, name="residents"),
    path("residents/<int:pk>/leave/", homeviews.residence_action, {"what": "leave"}, name="leave"),
    path("residents/<int:pk>/back/", homeviews.residence_action, {"what": "back"}, name="back"),
    path("residents/<int:pk>/end/", homeviews.residence_action, {"what": "end"}, name="end"),
    path("refusals/", homeviews.refusals, name="refusals"),
    path("worklist/", homeviews.worklist, name="worklist"),
    path("settlements/", settleviews.index, name="settlements"),
    path("settlements/<int:pk>/", settleviews.roll_page, name="settlement"),
    path("settlements/<int:pk>/review/", settleviews.step, {"what": "review"}, name="settlement-review"),
    path("settlements/<int:pk>/approve/", settleviews.step, {"what": "approve"}, name="settlement-approve"),
    path("settlements/<int:pk>/export.xlsx", settleviews.xlsx, name="settlement-xlsx"),
    path("queue/", public.index, name="public"),
    path("queue/mine/", public.my_position, name="mine"),
    path("queue/<str:code>/", public.county_queue, name="queue"),
]
