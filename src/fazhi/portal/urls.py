from django.urls import include, path

from fazhi.core.kit import kits
from fazhi.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/docx/", views.report_docx, name="report_docx"),
    # the other apps' public pages (their kits' portal_prefix and portal_urls), e.g. the
    # 规范性文件库 of filing_review at /portal/library/ (names portal:library, …)
    *(path(kit.portal_prefix, include(kit.portal_urls)) for kit in kits() if kit.portal_urls),
]
