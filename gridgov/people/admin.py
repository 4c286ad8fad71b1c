from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from gridgov.lib.admin import ReadOnlyInline, ScopedAdmin
from gridgov.people.models import GridWorker, Household, PartyMember, Resident, ResidentTag

# Personal data is shown masked in the admin too; unmasking is done on the resident
# page, where a reason is asked for and the access is logged.
PROTECTED_READONLY = ("id_number_masked", "phone_masked")


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("__str__", "area", "unit", "room", "is_center_household")
    search_fields = ("room", "address", "area__name")
    raw_id_fields = ("area",)


class ResidentTagInline(ReadOnlyInline, admin.TabularInline):
    model = ResidentTag
    extra = 0
    fields = ("tag", "set_on", "set_reason", "removed_on", "removed_reason")


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "household", "id_number_masked", "phone_masked", "hukou_status")
    list_filter = ("hukou_status", "is_separated")
    search_fields = ("name",)
    raw_id_fields = ("household", "user")
    readonly_fields = PROTECTED_READONLY
    inlines = [ResidentTagInline]


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "area", "party_org", "relation_in_community", "work_status", "is_center_household")
    list_filter = ("relation_in_community", "work_status", "is_center_household")
    search_fields = ("name",)
    raw_id_fields = ("area", "resident", "party_org", "user")
    filter_horizontal = ()
    readonly_fields = PROTECTED_READONLY
    autocomplete_fields = ()
    exclude = ("responsibility_households",)


@admin.register(GridWorker)
class GridWorkerAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "occupation", "phone_masked", "is_active")
    list_filter = ("kind",)
    search_fields = ("name",)
    raw_id_fields = ("user",)
    readonly_fields = PROTECTED_READONLY
