from django.urls import path

from fazhi.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_import, name="import"),
    path("import/review/", views.plan_import_review, name="import_review"),
    path("mine/", views.my_tasks, name="mine"),
    path("reminders/", views.reminders, name="reminders"),
    path("<int:pk>/", views.plan_matrix, name="matrix"),
    path("<int:pk>/export/<str:kind>.xlsx", views.plan_export, name="export"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
