"""URLs of the 行政应诉 registers (under /litigation/): cases/, suggestions/, loss-reviews/."""

from django.urls import URLPattern

from fazhi.litigation import views

urlpatterns: list[URLPattern] = [
    *views.cases.urls(),
    *views.suggestions.urls(),
    *views.loss_reviews.urls(),
]
