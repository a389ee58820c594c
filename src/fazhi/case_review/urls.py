"""Pages of the 案卷评查 app: the two registers (评查活动, 评查案卷) and the standards,
scoring and results pages. Names are un-namespaced (the register layer reverses
``<key>_list`` …), all prefixed ``case_review``."""

from django.urls import path

from fazhi.case_review import views

urlpatterns = [
    path("standards/", views.standard_list, name="case_review_standards"),
    path("standards/import/", views.standard_import, name="case_review_standard_import"),
    path("standards/<int:pk>/", views.standard_detail, name="case_review_standard"),
    path(
        "standards/<int:pk>/export.xlsx",
        views.standard_export,
        name="case_review_standard_export",
    ),
    path(
        "campaigns/<int:pk>/results.xlsx",
        views.results_export,
        name="case_review_results_export",
    ),
    path("files/<int:pk>/score/", views.file_score, name="case_review_score"),
    # after the pages above: the registers' ``<pk>/<step>/`` pattern would take ``score/``
    *views.campaigns.urls(),
    *views.files.urls(),
]
