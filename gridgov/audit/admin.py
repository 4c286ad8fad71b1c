from django.contrib import admin

from gridgov.audit.models import AccessLog
from gridgov.lib.admin import ScopedAdmin


@admin.register(AccessLog)
class AccessLogAdmin(ScopedAdmin):
    list_display = ("at", "username", "action", "target", "field", "reason", "ip")
    list_filter = ("action",)
    search_fields = ("username", "target", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
