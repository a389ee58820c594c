"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from fazhi.api import api

urlpatterns = [
    path("", include("fazhi.core.urls")),
    path("accounts/", include("fazhi.accounts.urls")),
    path("orgs/", include("fazhi.orgs.urls")),
    path("metrics/", include("fazhi.metrics.urls")),
    path("reconsideration/", include("fazhi.reconsideration.urls")),
    path("litigation/", include("fazhi.litigation.urls")),
    path("plans/", include("fazhi.plans.urls")),
    path("reports/", include("fazhi.reports.urls")),
    path("portal/", include("fazhi.portal.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
