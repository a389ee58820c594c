from django.urls import path

from fazhi.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/drill/", views.drill, name="drill"),
]
