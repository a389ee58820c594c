from fazhi.orgs.views import units

urlpatterns = [*units.urls()]
