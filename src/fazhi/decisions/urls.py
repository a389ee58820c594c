"""The 重大行政决策 pages: the decisions and 目录 registers, evidence upload and download."""

from django.urls import path

from fazhi.decisions import views

urlpatterns = [
    *views.decisions.urls(),
    *views.catalogues.urls(),
    path("evidence/<int:pk>/upload/", views.evidence_upload, name="decisions_evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_download, name="decisions_evidence"),
]
