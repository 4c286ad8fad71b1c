from django.urls import path

from gridgov.web.audit import views

urlpatterns = [
    path("", views.accesslog_list, name="accesslog-list"),
    path("verify/", views.accesslog_verify, name="accesslog-verify"),
]
