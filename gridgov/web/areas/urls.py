from django.urls import path

from gridgov.web.areas import views

urlpatterns = [
    path("", views.area_list, name="area-list"),
    path("<int:pk>/", views.area_detail, name="area-detail"),
    path("<int:parent_pk>/new/", views.area_create, name="area-create"),
    path("<int:pk>/edit/", views.area_edit, name="area-edit"),
]
