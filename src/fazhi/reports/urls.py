from django.urls import path

from fazhi.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("overview/", views.report_overview, name="overview"),
    path("overview/draft/", views.report_drafts, name="drafts"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/act/", views.report_act, name="act"),
    path("<int:pk>/docx/", views.report_docx, name="docx"),
]
