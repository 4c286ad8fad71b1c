from django.urls import path

from gridgov.web.people import views

urlpatterns = [
    path("", views.household_list, name="household-list"),
    path("lookup/", views.household_lookup, name="household-lookup"),
    path("export.xlsx", views.household_export, name="household-export"),
    path("households/new/", views.household_create, name="household-create"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household-edit"),
    path("households/<int:pk>/residents/new/", views.resident_create, name="resident-create"),
    path("residents/<int:pk>/", views.resident_detail, name="resident-detail"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident-edit"),
    path("residents/<int:pk>/unmask/<str:field>/", views.resident_unmask, name="resident-unmask"),
    path("residents/<int:pk>/tags/new/", views.resident_tag_set, name="resident-tag-set"),
    path("residents/<int:pk>/tags/<str:tag>/remove/", views.resident_tag_remove, name="resident-tag-remove"),
]
