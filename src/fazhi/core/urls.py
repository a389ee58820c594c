from django.urls import path

from fazhi.core import import_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("deadlines/", views.deadline_calculator, name="deadlines"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("audit/", views.audit_log, name="audit"),
    path("import/<str:register>/", import_views.import_view, name="register_import"),
]
