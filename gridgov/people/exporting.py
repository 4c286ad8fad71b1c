"""Excel export of residents, masked by default.

`build_workbook` turns any resident queryset into an .xlsx; `export_residents` is what
pages and the API call: it checks the permission, writes the access log and returns
the file. The workbook is write-only (streamed rows), so a street's list fits in memory.
"""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gridgov.audit import models as audit
from gridgov.lib import areacode
from gridgov.lib.errors import require
from gridgov.org import roles as R
from gridgov.org.models import Area, Level
from gridgov.org.scope import role_codes, scope_q
from gridgov.people.models import ResidentTag

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MASKED_REASON = "导出脱敏名单"

# A cell starting with one of these is read by Excel (and LibreOffice, WPS) as a
# formula; a leading apostrophe keeps it text (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def headers():
    return [
        _("姓名"),
        _("性别"),
        _("出生日期"),
        _("身份证号"),
        _("手机号"),
        _("户籍状态"),
        _("人户分离"),
        _("标签"),
        _("网格"),
        _("地址"),
        _("单元"),
        _("房号"),
    ]


def safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def grid_names(area_codes):
    """area code -> name of the grid it lies in (or the deepest area above a grid)."""
    wanted = {a for code in area_codes for a in areacode.ancestors(code)}
    areas = {a.code: a for a in Area.objects.filter(code__in=wanted).only("code", "name", "level")}
    names = {}
    for code in area_codes:
        chain = [areas[c] for c in areacode.ancestors(code) if c in areas]
        grids = [a for a in chain if a.level in (Level.GRID, Level.SUB_GRID)]
        names[code] = (grids[0] if grids else chain[-1]).name if chain else ""
    return names


def build_workbook(queryset, clear: bool) -> bytes:
    """The .xlsx of `queryset`'s residents; clear ID and phone numbers only if `clear`.

    The caller decides whether `clear` is allowed and logs it (see export_residents).
    """
    residents = queryset.select_related("household__area").prefetch_related(
        Prefetch("tags", queryset=ResidentTag.objects.filter(removed_on__isnull=True), to_attr="open_tags")
    )
    codes = set(queryset.order_by().values_list("household__area__code", flat=True).distinct())
    grid_of = grid_names(codes)
    yes, no = _("是"), _("否")

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("居民名单"))
    sheet.append(headers())
    for r in residents.iterator(chunk_size=2000):
        household = r.household
        if clear:
            # Logged once for the whole file by export_residents, not per person.
            id_number, phone = r.reveal("id_number"), r.reveal("phone")
        else:
            id_number, phone = r.id_number_masked, r.phone_masked
        row = [
            r.name,
            r.get_gender_display() if r.gender else "",
            r.birth_date,
            id_number,
            phone,
            r.get_hukou_status_display(),
            yes if r.is_separated else no,
            "、".join(t.get_tag_display() for t in r.open_tags),
            grid_of.get(household.area.code, ""),
            household.address or household.area.name,
            household.unit,
            household.room,
        ]
        sheet.append([safe(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _scope_code(user, queryset, under=None) -> str:
    """The area the export covers, so auditors of that area see the log entry."""
    if under is not None:
        return under.code
    codes = list(queryset.order_by().values_list("household__area__code", flat=True).distinct()[:10000])
    codes = codes or role_codes(user, R.EXPORT_PEOPLE)
    if not codes:
        return ""
    common = codes[0]
    for code in codes[1:]:
        while not code.startswith(common):
            common = areacode.parent_code(common) or ""
            if not common:
                return ""
    return common


def export_residents(user, queryset, *, clear=False, reason="", under=None, description="", ip=None) -> bytes:
    """Check, log and build an export. Clear values need both unmask permissions on
    every area in the file, and a reason."""
    require(user, "people.export")
    # `visible_to` also reaches rows by auditor scope and by the user's own or 责任田
    # households; an export holds only the areas where the user may export.
    queryset = queryset.filter(scope_q(user, R.EXPORT_PEOPLE, "household__area__code"))
    reason = (reason or "").strip()
    if clear:
        if len(reason) < 2:
            raise ValidationError({"reason": _("导出明文须填写事由。")})
        areas = Area.objects.filter(pk__in=queryset.values("household__area")) if queryset.exists() else [under]
        for area in areas:
            if not (user.has_perm("people.unmask_id_number", area) and user.has_perm("people.unmask_phone", area)):
                raise PermissionDenied(_("您没有导出明文的权限。"))
    count = queryset.count()
    audit.record(
        user,
        audit.Action.EXPORT,
        f"people.Resident ×{count} {description}".strip(),
        reason or MASKED_REASON,
        field="id_number,phone" if clear else "",
        area_code=_scope_code(user, queryset, under),
        ip=ip,
    )
    return build_workbook(queryset, clear)
