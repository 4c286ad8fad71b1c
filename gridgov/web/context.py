from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, permission needed or None). Pages that do not exist yet are skipped.
NAV = [
    ("home", _("首页"), None),
    ("area-list", _("区域"), "org.view_area"),
    ("household-list", _("住户"), "people.view_household"),
    ("partyorg-list", _("党组织"), "org.view_partyorg"),
    ("partymember-list", _("党员"), "people.view_partymember"),
    ("household-import", _("导入"), "people.import_households"),
    ("accesslog-list", _("访问日志"), "audit.view_accesslog"),
]


def navigation(request):
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for name, label, perm in NAV:
            if perm and not user.has_perm(perm):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": label, "active": request.path == url})
    return {
        "nav_items": items,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "languages": settings.LANGUAGES,
    }
