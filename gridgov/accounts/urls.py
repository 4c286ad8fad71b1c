from django.contrib.auth import views as auth_views
from django.urls import path

from gridgov.accounts import views

urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("login/resident/", views.resident_login, name="resident-login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
