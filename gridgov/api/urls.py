from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from gridgov.api import auth, views

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="area")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("residents", views.ResidentViewSet, basename="resident")
router.register("party-orgs", views.PartyOrgViewSet, basename="partyorg")
router.register("party-members", views.PartyMemberViewSet, basename="partymember")
router.register("grid-workers", views.GridWorkerViewSet, basename="gridworker")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.SwaggerDocsView.as_view(url_name="schema"), name="api-docs"),
    path("v1/auth/token/", auth.ObtainTokenView.as_view(), name="api-token"),
    path("v1/", include((router.urls, "api"), namespace="api")),
]
