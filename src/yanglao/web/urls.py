from __future__ import annotations

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from yanglao.web.views import auth, conflicts, home, imports, persons

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("yanglao/favicon.ico"), permanent=True)),
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("persons/", persons.search, name="search"),
    path("persons/<int:pk>/", persons.person_detail, name="person"),
    path("persons/<int:pk>/reveal/", persons.reveal, name="person-reveal"),
    path("persons/<int:pk>/edit/", persons.edit, name="person-edit"),
    path("persons/<int:pk>/conflicts/<int:conflict_pk>/", persons.resolve, name="conflict-resolve"),
    path("conflicts/", conflicts.conflict_list, name="conflicts"),
    path("imports/", imports.import_page, name="import"),
    path("imports/upload/", imports.import_upload, name="import-upload"),
    path("imports/tasks/<str:key>/", imports.import_progress, name="import-progress"),
    path("imports/<int:pk>/errors.xlsx", imports.import_errors, name="import-errors"),
    path("audit/", home.audit_log, name="audit"),
]
