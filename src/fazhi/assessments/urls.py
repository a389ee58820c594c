from __future__ import annotations

from django.urls import path

from fazhi.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/units/<int:eid>/", views.evaluation_detail, name="evaluation"),
    path("<int:pk>/units/<int:eid>/explain/", views.evaluation_explain, name="explain"),
    path("<int:pk>/objections/", views.objection_list, name="objections"),
    path("<int:pk>/findings/", views.finding_list, name="findings"),
    path("<int:pk>/results.xlsx", views.results_export, name="results_xlsx"),
    path("<int:pk>/notice.docx", views.notice_export, name="notice_docx"),
    path("systems/", views.system_list, name="systems"),
    path("systems/import/", views.system_import, name="system_import"),
    path("systems/template.xlsx", views.system_template, name="system_template"),
    path("systems/<int:pk>/", views.system_detail, name="system"),
    path("systems/<int:pk>/export.xlsx", views.system_export, name="system_export"),
]
