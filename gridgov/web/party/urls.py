from django.urls import path

from gridgov.web.party import views

urlpatterns = [
    path("", views.partyorg_list, name="partyorg-list"),
    path("orgs/new/", views.partyorg_create, name="partyorg-create"),
    path("orgs/<int:pk>/", views.partyorg_detail, name="partyorg-detail"),
    path("orgs/<int:pk>/edit/", views.partyorg_edit, name="partyorg-edit"),
    path("members/", views.partymember_list, name="partymember-list"),
    path("members/<int:pk>/", views.partymember_detail, name="partymember-detail"),
]
