from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gridgov.lib.admin import ScopedAdmin
from gridgov.org.models import Area, PartyOrg, RoleAssignment


@admin.register(Area)
class AreaAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(PartyOrg)
class PartyOrgAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "area", "parent", "joint_type")
    list_filter = ("kind", "joint_type")
    search_fields = ("name",)
    raw_id_fields = ("parent", "area")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("user", "role", "area", "starts_on", "ends_on")
    list_filter = ("role",)
    search_fields = ("user__username", "area__name", "area__code")
    raw_id_fields = ("user", "area")
