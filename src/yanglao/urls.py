from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("assessments/", include("yanglao.assessments.urls")),
    path("visits/", include("yanglao.visits.urls")),
    path("entitlements/", include("yanglao.entitlements.urls")),
    path("api/", include("yanglao.entitlements.api_urls")),
    path("payments/", include("yanglao.payments.urls")),
    path("catalogs/", include("yanglao.catalogweb.urls")),
    path("lists/", include("yanglao.listadmin.urls")),
    path("stats/", include("yanglao.stats.urls")),
    path("facilities/", include("yanglao.facilities.urls")),
    path("carehomes/", include("yanglao.carehomes.urls")),
    path("supervision/", include("yanglao.supervision.urls")),
    path("homeservices/", include("yanglao.homeservices.urls")),
    path("", include("yanglao.web.users_urls")),
    path("", include("yanglao.web.urls")),
]
