from django.urls import path

from fazhi.metrics import dashboard, views

app_name = "metrics"
urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("<str:code>/drill/", views.drill, name="drill"),
]
