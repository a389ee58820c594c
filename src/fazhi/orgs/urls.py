from django.urls import path

from fazhi.orgs import views

urlpatterns = [
    path("units/search/", views.unit_search_view, name="orgs_unit_search"),
    *views.units.urls(),
    *views.memberships.urls(),
    path("memberships/grant/", views.membership_grant_view, name="membership_grant"),
    path("memberships/<int:pk>/revoke/", views.membership_revoke_view, name="membership_revoke"),
]
