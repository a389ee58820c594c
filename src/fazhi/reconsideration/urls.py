"""URLs of the 行政复议 register (under /reconsideration/): the list is at cases/."""

from django.urls import URLPattern

from fazhi.reconsideration import views

urlpatterns: list[URLPattern] = [*views.cases.urls()]
