from django.urls import path

from fazhi.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<int:job_id>/", views.job_detail, name="detail"),
    path("<int:job_id>/status/", views.job_status, name="status"),
    path("<int:job_id>/retry/", views.job_retry, name="retry"),
    path("<int:job_id>/download/", views.job_download, name="download"),
]
