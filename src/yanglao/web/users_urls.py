"""User administration (``/users/``) and a user's own account (``/account/``)."""

from __future__ import annotations

from django.urls import path

from yanglao.web.views import users

app_name = "users"
urlpatterns = [
    path("users/", users.user_list, name="list"),
    path("users/new/", users.user_new, name="new"),
    path("users/<int:pk>/", users.user_edit, name="edit"),
    path("users/<int:pk>/reset/", users.user_reset, name="reset"),
    path("account/", users.account, name="account"),
    path("account/password/", users.password_change, name="password"),
]
