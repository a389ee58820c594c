from django.urls import path

from fazhi.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/docx/", views.report_docx, name="report_docx"),
]
