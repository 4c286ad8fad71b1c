from django.urls import path

from gridgov.web.imports import views

urlpatterns = [
    path("", views.upload, name="household-import"),
    path("template.xlsx", views.template, name="household-import-template"),
    path("done/", views.done, name="household-import-done"),
    path("<uuid:token>/", views.preview, name="household-import-preview"),
    path("<uuid:token>/cancel/", views.cancel, name="household-import-cancel"),
]
