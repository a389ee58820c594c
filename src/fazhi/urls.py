"""Root URL configuration: core's pages, then every app's kit (``url_prefix`` + ``urls``)."""

from django.contrib import admin
from django.urls import include, path

from fazhi.api import api
from fazhi.core.kit import kits, url_patterns

urlpatterns = [
    path("", include("fazhi.core.urls")),
    *(path(kit.url_prefix, include(url_patterns(kit))) for kit in kits() if kit.urls),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "fazhi.core.security_events.permission_denied"  # 403 refusals are audited
