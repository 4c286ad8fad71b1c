from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "gridgov.audit"
    label = "audit"
    verbose_name = _("访问日志")
