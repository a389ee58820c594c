"""The public library's URLs, mounted by the portal at ``/portal/library/``
(names ``portal:library`` and ``portal:library_document``)."""

from django.urls import path

from fazhi.filing_review import public_views

urlpatterns = [
    path("", public_views.library, name="library"),
    path("<int:pk>/", public_views.document, name="library_document"),
]
