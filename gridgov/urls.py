from django.contrib import admin
from django.urls import include, path

from gridgov.web import views as web

urlpatterns = [
    path("healthz", web.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("gridgov.accounts.urls")),
    path("api/", include("gridgov.api.urls")),
    path("", include("gridgov.web.urls")),
]
