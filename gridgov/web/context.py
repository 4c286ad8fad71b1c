from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# (url name, label, permission needed or None, what the page is for). Pages that do
# not exist yet are skipped.
NAV = [
    ("home", pgettext_lazy("nav", "首页"), None, ""),
    ("area-list", pgettext_lazy("nav", "区域"), "org.view_area", _("街道、社区、网格、楼栋，网格边界地图")),
    ("household-list", pgettext_lazy("nav", "住户"), "people.view_household", _("住户和居民，人群标签，导出名单")),
    ("partyorg-list", pgettext_lazy("nav", "党组织"), "org.view_partyorg", _("党委、党总支、党支部、党小组")),
    ("partymember-list", pgettext_lazy("nav", "党员"), "people.view_partymember", _("党员名册和责任田")),
    ("household-import", pgettext_lazy("nav", "导入"), "people.import_households", _("用 Excel 模板批量登记住户")),
    ("accesslog-list", pgettext_lazy("nav", "访问日志"), "audit.view_accesslog", _("谁在什么时候查看或导出了个人信息")),
]


def navigation(request):
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for name, label, perm, description in NAV:
            if perm and not user.has_perm(perm):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            items.append({"url": url, "label": label, "description": description, "active": request.path == url})
    return {
        "nav_items": items,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "languages": settings.LANGUAGES,
    }
