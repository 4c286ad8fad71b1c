from django.urls import include, path

from gridgov.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/", include("gridgov.web.areas.urls")),
    path("people/", include("gridgov.web.people.urls")),
    path("party/", include("gridgov.web.party.urls")),
    path("import/", include("gridgov.web.imports.urls")),
    path("audit/", include("gridgov.web.audit.urls")),
]
