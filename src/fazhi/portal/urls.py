from django.urls import include, path

from fazhi.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/docx/", views.report_docx, name="report_docx"),
    # 规范性文件库 (filing_review app): /portal/library/, names portal:library(_document)
    path("library/", include("fazhi.filing_review.public_urls")),
]
