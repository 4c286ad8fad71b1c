from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "gridgov.org"
    label = "org"
    verbose_name = _("区域与党组织")

    def ready(self):
        from gridgov.org import geoindex  # noqa: F401  (connects the boundary signals)
