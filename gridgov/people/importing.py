"""Import of a household roster (住户名单) from an Excel workbook.

Two steps, so that people see what will happen before anything is written:

    plan = parse(file, user)        # reads and checks every row, writes nothing
    summary = apply(plan, user)     # all or nothing, in one transaction

The workbook has one row per resident and Chinese headers (the order is free);
`build_template()` gives an empty one to fill in. Every problem is reported with the
row number Excel shows, the column header and what is wrong, and a plan with any
problem is never applied: a roster half in the system is worse than none.
"""

import datetime
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from simple_history.utils import bulk_create_with_history

from gridgov.audit import models as audit
from gridgov.lib import areacode, idcard
from gridgov.org.models import Area, Level
from gridgov.people.models import Household, HukouStatus, Resident, ResidentTag, Tag

PERMISSION = "people.import_households"
# Enough for a whole street; beyond that the preview and the transaction get too big
# to be pleasant, and a street-wide roster can be split by community.
MAX_ROWS = 50_000
# Title rows above the header are common in hand-made rosters ("XX社区住户花名册").
HEADER_SEARCH_ROWS = 10
BATCH = 500

# Households hang on a building, or on a grid/courtyard that has no buildings.
HOUSEHOLD_LEVELS = {Level.BUILDING, Level.GRID, Level.SUB_GRID, Level.COURTYARD}

YES, NO = "是", "否"
HUKOU_WORDS = {
    "户籍": HukouStatus.LOCAL,
    "户籍人口": HukouStatus.LOCAL,
    "本地": HukouStatus.LOCAL,
    "流动": HukouStatus.FLOATING,
    "流动人口": HukouStatus.FLOATING,
}
_TAG_SPLIT = re.compile(r"[,，、;；/\s]+")
_QUOTES = str.maketrans("", "", "“”\"'‘’")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    width: int
    example: str
    help: str
    as_text: bool = False


# Headers are the Chinese names people see in the sheet; they are data (the contract of
# the file format), so they are not translated with the UI.
COLUMNS = [
    Column(
        "area_code",
        "网格编码或楼栋编码",
        True,
        22,
        "370602001001001001",
        "楼栋的区域编码；没有楼栋时填写网格或院落的编码。",
        True,
    ),
    Column("unit", "单元", False, 8, "1", "单元号，没有单元可不填。", True),
    Column("room", "房号", True, 10, "101", "房间号，必填。", True),
    Column("name", "姓名", True, 12, "张三", "必填。"),
    Column("id_number", "身份证号", True, 22, "", "18位居民身份证号，必填，同一人只能登记一次。", True),
    Column("phone", "手机号", False, 15, "13800000000", "11位手机号，可不填。", True),
    Column("relation", "与户主关系", False, 12, "户主", "如户主、配偶、子女、父母。"),
    Column("hukou", "户籍状态", False, 10, "户籍", "填“户籍”或“流动”，不填视为户籍。"),
    Column("registered_address", "户籍地址", False, 30, "", "户籍所在地址。"),
    Column("separated", "人户分离", False, 10, NO, "填“是”或“否”，不填视为否。"),
    Column("tags", "标签", False, 22, "", "人群标签，多个用顿号或逗号分隔，如：独居老人、低保户。"),
    Column("center", "党员中心户", False, 12, NO, "填“是”或“否”；同一户任一行填“是”即为党员中心户。"),
    Column("note", "备注", False, 24, "", "其他说明。"),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# The template's example row; recognised on import so it is never taken for a person.
EXAMPLE_ID_NUMBER = idcard.make_id_number("370602", datetime.date(1960, 5, 1), 123)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
REQUIRED_HEADERS = [c.header for c in COLUMNS if c.required]


def tag_labels() -> list[str]:
    """The Chinese tag names, as the file uses them whatever the UI language."""
    with translation.override("zh-hans"):
        return [str(label).translate(_QUOTES) for label in Tag.labels]


def tag_names() -> dict[str, str]:
    """Tag name as written in the file (Chinese, or the code) -> Tag value."""
    names = dict(zip(tag_labels(), Tag.values, strict=True))
    names.update({value: value for value in Tag.values})
    return names


# --- the plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it (1-based)
    column: str  # header text; "" when the problem is the whole row or file
    message: str


@dataclass
class PlannedResident:
    row: int
    resident: Resident  # unsaved; PII already encrypted, so the clear number is never kept
    tags: list[str]
    household_key: tuple
    skipped: bool = False  # already registered in this same household


@dataclass
class PlannedHousehold:
    area: Area
    unit: str
    room: str
    existing: Household | None
    is_center: bool = False
    residents: list[PlannedResident] = field(default_factory=list)

    @property
    def address(self):
        parts = [self.area.name]
        if self.unit:
            parts.append(_("%(unit)s单元") % {"unit": self.unit})
        parts.append(_("%(room)s室") % {"room": self.room})
        return "".join(parts)


@dataclass
class ImportPlan:
    file_name: str
    errors: list[RowError] = field(default_factory=list)
    found_headers: list[str] = field(default_factory=list)
    missing_headers: list[str] = field(default_factory=list)
    households: dict[tuple, PlannedHousehold] = field(default_factory=dict)
    rows: list[PlannedResident] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def areas(self) -> list[Area]:
        return list({h.area.pk: h.area for h in self.households.values()}.values())

    def counts(self) -> dict[str, int]:
        new_rows = [r for r in self.rows if not r.skipped]
        touched = [h for h in self.households.values() if any(not r.skipped for r in h.residents)]
        return {
            "rows": len(self.rows),
            "households_new": sum(1 for h in touched if h.existing is None),
            "households_reused": sum(1 for h in touched if h.existing is not None),
            "residents_new": len(new_rows),
            "residents_skipped": len(self.rows) - len(new_rows),
            "tags_new": sum(len(r.tags) for r in new_rows),
        }

    def preview(self, limit=50):
        """The first rows as they will be stored, with ID and phone masked."""
        tag_label = dict(Tag.choices)
        for planned in self.rows[:limit]:
            r = planned.resident
            household = self.households[planned.household_key]
            yield {
                "row": planned.row,
                "address": household.address,
                "household_new": household.existing is None,
                "name": r.name,
                "id_number": r.id_number_masked,
                "phone": r.phone_masked,
                "relation": r.relation,
                "hukou": r.get_hukou_status_display(),
                "tags": [str(tag_label[t]) for t in planned.tags],
                "skipped": planned.skipped,
            }

    def sorted_errors(self):
        order = {c.header: i for i, c in enumerate(COLUMNS)}
        return sorted(self.errors, key=lambda e: (e.row, order.get(e.column, -1)))


@dataclass(frozen=True)
class ImportSummary:
    households_created: int
    households_reused: int
    residents_created: int
    residents_skipped: int
    tags_created: int


# Progress: called as progress(stage, done, total); total is None when unknown.
Progress = Callable[[str, int, int | None], None]


def _no_progress(stage, done, total):
    pass


# --- the template ----------------------------------------------------------------------


def build_template(example_area_code: str | None = None) -> Workbook:
    """An empty roster: the header row, one example row, and a 说明 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "住户名单"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="A50E0E")
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.as_text:
            # Excel keeps only 15 significant digits of a number: an 18-digit code
            # typed into a number cell is silently changed. Text cells keep every digit.
            ws.column_dimensions[letter].number_format = "@"
    example = {c.key: c.example for c in COLUMNS}
    example["area_code"] = example_area_code or example["area_code"]
    example["id_number"] = EXAMPLE_ID_NUMBER
    example["tags"] = "独居老人、低保户"
    for index, column in enumerate(COLUMNS, start=1):
        ws.cell(row=2, column=index, value=example[column.key]).number_format = "@" if column.as_text else "General"
    ws.freeze_panes = "A2"

    last = 5000
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    yes_no.error = "请填写“是”或“否”。"
    yes_no.errorTitle = "输入有误"
    hukou = DataValidation(type="list", formula1='"户籍,流动"', allow_blank=True)
    hukou.error = "请填写“户籍”或“流动”。"
    hukou.errorTitle = "输入有误"
    for validation, keys in ((yes_no, ("separated", "center")), (hukou, ("hukou",))):
        for key in keys:
            letter = get_column_letter(COLUMNS.index(COLUMN_BY_KEY[key]) + 1)
            validation.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(validation)

    notes = wb.create_sheet("说明")
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    notes.append(["住户名单导入说明"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(["每行一位居民；同一楼栋、单元、房号的居民归为一户。第2行是示例，导入前请删除或改成真实数据。"])
    notes.append(["列的顺序可以调整，列名必须与下表一致。文件中有任何错误时整份文件都不会导入。"])
    notes.append([])
    notes.append(["列名", "是否必填", "填写说明"])
    for cell in notes[5]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append([column.header, "必填" if column.required else "选填", column.help])
    notes.append([])
    notes.append(["可用的标签", "", "、".join(tag_labels())])
    return wb


# --- parsing ---------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _lost_digits(value) -> bool:
    """An 18-digit number that went through a number cell has lost its last digits."""
    return isinstance(value, float) and abs(value) >= 1e15


def _find_header(rows) -> tuple[int, list[str]] | None:
    """(row number, headers) of the first row naming at least two known columns."""
    for number, values in enumerate(rows, start=1):
        headers = [_text(v) for v in values]
        if sum(1 for h in headers if h in COLUMN_BY_HEADER) >= 2:
            return number, headers
        if number >= HEADER_SEARCH_ROWS:
            break
    return None


def _open(file):
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        return load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None


def parse(file, user, *, file_name: str | None = None, progress: Progress | None = None) -> ImportPlan:
    """Read and check the whole workbook; write nothing."""
    progress = progress or _no_progress
    name = file_name or os.path.basename(str(getattr(file, "name", file)))
    plan = ImportPlan(file_name=name)
    wb = _open(file)
    if wb is None:
        plan.errors.append(RowError(0, "", _("文件无法读取：请上传 Excel 2007 及以上版本保存的 .xlsx 文件。")))
        return plan
    try:
        _parse_workbook(wb, user, plan, progress)
    finally:
        wb.close()
    return plan


def _parse_workbook(wb, user, plan, progress):
    sheet, header_row, headers = None, 1, []
    for ws in wb.worksheets:
        found = _find_header(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))
        if found and all(h in found[1] for h in REQUIRED_HEADERS):
            sheet, (header_row, headers) = ws, found
            break
        if sheet is None and found:
            sheet, (header_row, headers) = ws, found
    if sheet is None:
        sheet = wb.worksheets[0]
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        headers = [_text(v) for v in first]

    plan.found_headers = [h for h in headers if h]
    plan.missing_headers = [h for h in REQUIRED_HEADERS if h not in headers]
    duplicated = sorted({h for h in plan.found_headers if h in COLUMN_BY_HEADER and headers.count(h) > 1})
    if plan.missing_headers:
        plan.errors.append(
            RowError(
                header_row,
                "",
                _("缺少必需的列：%(missing)s。文件中找到的列：%(found)s。请按模板填写列名。")
                % {
                    "missing": "、".join(plan.missing_headers),
                    "found": "、".join(plan.found_headers) or _("（没有）"),
                },
            )
        )
    for header in duplicated:
        plan.errors.append(RowError(header_row, header, _("列名重复：同一列只能出现一次。")))
    if plan.errors:
        return

    position = {h: i for i, h in enumerate(headers) if h in COLUMN_BY_HEADER}
    estimate = (sheet.max_row or 0) - header_row
    # Some programs write a wrong sheet size, and openpyxl would stop reading there.
    sheet.reset_dimensions()
    raw_rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        cells = {
            c.key: values[position[c.header]] if position.get(c.header, len(values)) < len(values) else None
            for c in COLUMNS
        }
        if all(_text(v) == "" for v in cells.values()):
            continue
        raw_rows.append((number, cells))
        if len(raw_rows) > MAX_ROWS:
            plan.errors.append(
                RowError(number, "", _("文件超过 %(max)s 行，请按社区或网格拆分后分别导入。") % {"max": MAX_ROWS})
            )
            return
        if len(raw_rows) % 200 == 0:
            progress("read", len(raw_rows), max(estimate, len(raw_rows)))
    progress("read", len(raw_rows), len(raw_rows))
    if not raw_rows:
        plan.errors.append(RowError(header_row + 1, "", _("文件中没有住户数据：请从表头下一行开始填写。")))
        return
    _check_rows(raw_rows, user, plan, progress)


def _check_rows(raw_rows, user, plan, progress):
    codes = {_text(cells["area_code"]) for _, cells in raw_rows}
    areas = {a.code: a for a in Area.objects.filter(code__in=[c for c in codes if c])}
    allowed = {code: user.has_perm(PERMISSION, area) for code, area in areas.items()}
    existing_households = {
        (h.area_id, h.unit, h.room): h
        for h in Household.objects.visible_to(user).filter(area__in=[a for c, a in areas.items() if allowed[c]])
    }
    tags_by_name = tag_names()
    seen_ids: dict[str, int] = {}
    planned: list[PlannedResident] = []

    def error(row, key, message):
        plan.errors.append(RowError(row, COLUMN_BY_KEY[key].header if key else "", message))

    for done, (row, cells) in enumerate(raw_rows, start=1):
        values = {key: _text(value) for key, value in cells.items()}
        # The address is shown as "<unit>单元<room>室", so "3单元" / "501室" in the file mean 3 / 501.
        values["unit"] = values["unit"].removesuffix("单元").strip()
        values["room"] = values["room"].removesuffix("室").strip()
        bad = False

        area, problem = _find_area(values["area_code"], cells["area_code"], areas, allowed)
        if problem:
            error(row, "area_code", problem)
            bad = True

        for key in ("room", "name"):
            if not values[key]:
                error(row, key, _("必填。"))
                bad = True

        resident = Resident(
            name=values["name"],
            relation=values["relation"],
            registered_address=values["registered_address"],
            note=values["note"],
        )
        id_number = values["id_number"]
        if not id_number:
            error(row, "id_number", _("必填。"))
            bad = True
        elif _lost_digits(cells["id_number"]):
            error(
                row,
                "id_number",
                _("身份证号被 Excel 当成了数字，后几位已经丢失；请把该列设为文本格式后重新填写。"),
            )
            bad = True
        else:
            try:
                number = idcard.validate_id_number(id_number)
            except ValidationError as exc:
                error(row, "id_number", " ".join(exc.messages))
                bad = True
            else:
                if number == EXAMPLE_ID_NUMBER:
                    error(row, "id_number", _("这是模板示例行的身份证号：请删除示例行或改成真实数据。"))
                    bad = True
                resident.set_id_number(number)
                resident.birth_date = idcard.birth_date(number)
                resident.gender = idcard.gender(number)
                if number in seen_ids:
                    error(row, "id_number", _("与第 %(row)s 行的身份证号重复。") % {"row": seen_ids[number]})
                    bad = True
                else:
                    seen_ids[number] = row

        if values["phone"]:
            try:
                resident.set_phone(values["phone"])
            except ValidationError as exc:
                error(row, "phone", " ".join(exc.messages))
                bad = True

        hukou = values["hukou"]
        if hukou and hukou not in HUKOU_WORDS:
            error(row, "hukou", _("应填“户籍”或“流动”，而不是“%(value)s”。") % {"value": hukou})
            bad = True
        resident.hukou_status = HUKOU_WORDS.get(hukou, HukouStatus.LOCAL)

        flags = {}
        for key in ("separated", "center"):
            word = values[key]
            if word not in ("", YES, NO):
                error(row, key, _("应填“是”或“否”，而不是“%(value)s”。") % {"value": word})
                bad = True
            flags[key] = word == YES
        resident.is_separated = flags["separated"]

        tags = []
        for word in _TAG_SPLIT.split(values["tags"]):
            word = word.translate(_QUOTES)
            if not word:
                continue
            if word not in tags_by_name:
                error(
                    row,
                    "tags",
                    _("没有“%(tag)s”这个标签。可用的标签：%(names)s。")
                    % {"tag": word, "names": "、".join(tag_labels())},
                )
                bad = True
            elif tags_by_name[word] not in tags:
                tags.append(tags_by_name[word])

        for key, model_field in (("unit", "unit"), ("room", "room")):
            limit = Household._meta.get_field(model_field).max_length
            if len(values[key]) > limit:
                error(row, key, _("不能超过 %(limit)s 个字。") % {"limit": limit})
                bad = True
        try:
            # Empty required cells were reported above; the model would only repeat them.
            exclude = ["household", "user", "id_number_digest", *(["name"] if not values["name"] else [])]
            resident.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for model_field, messages in exc.message_dict.items():
                key = model_field if model_field in COLUMN_BY_KEY else None
                error(row, key, " ".join(messages))
            bad = True

        if not bad:
            key = (area.pk, values["unit"], values["room"])
            household = plan.households.get(key)
            if household is None:
                household = PlannedHousehold(area, values["unit"], values["room"], existing_households.get(key))
                plan.households[key] = household
            household.is_center |= flags["center"]
            item = PlannedResident(row, resident, tags, key)
            household.residents.append(item)
            planned.append(item)
        if done % 200 == 0:
            progress("check", done, len(raw_rows))

    rejected = {id(item) for item in _check_registered(planned, plan)}
    plan.rows = [item for item in planned if id(item) not in rejected]
    for household in plan.households.values():
        household.residents = [item for item in household.residents if id(item) not in rejected]
    progress("check", len(raw_rows), len(raw_rows))


def _find_area(code, raw, areas, allowed) -> tuple[Area | None, str]:
    """(area, "") for a code the rows may use, else (None, what is wrong)."""
    if not code:
        return None, _("必填。")
    if _lost_digits(raw) or not areacode.is_well_formed(code):
        return None, _("编码“%(code)s”格式不正确，应为数字编码；请把该列设为文本格式。") % {"code": code}
    area = areas.get(code)
    if area is None:
        return None, _("区域编码 %(code)s 不存在。") % {"code": code}
    if not allowed[code]:
        return None, _("您无权向区域 %(code)s 导入住户。") % {"code": code}
    if area.level not in HOUSEHOLD_LEVELS:
        return None, _("%(name)s是%(level)s，请填写楼栋编码（没有楼栋时填写网格或院落编码）。") % {
            "name": area.name,
            "level": area.get_level_display(),
        }
    if not area.is_active:
        return None, _("区域 %(name)s 已停用。") % {"name": area.name}
    return area, ""


def _check_registered(planned, plan):
    """An ID already in the database: the same household means "already there"; any
    other household means a person would be registered twice, which is an error.
    Returns the rows rejected that way."""
    rejected = []
    # Deliberately not limited to what the user may see: a person may be registered only
    # once in the whole system. The message names no address outside the user's scope.
    by_digest = {p.resident.id_number_digest: p for p in planned}
    digests = list(by_digest)
    for start in range(0, len(digests), BATCH):
        found = Resident.objects.filter(id_number_digest__in=digests[start : start + BATCH]).values_list(
            "id_number_digest", "household_id"
        )
        for digest, household_id in found:
            item = by_digest[digest]
            existing = plan.households[item.household_key].existing
            if existing is not None and existing.pk == household_id:
                item.skipped = True
            else:
                rejected.append(item)
                plan.errors.append(
                    RowError(
                        item.row,
                        COLUMN_BY_KEY["id_number"].header,
                        _("该身份证号已登记在其他住户名下，请先核对或办理迁移。"),
                    )
                )
    return rejected


# --- applying --------------------------------------------------------------------------


def _common_area_code(codes) -> str:
    """The deepest area above all of `codes`, so the log entry shows up for its auditors."""
    codes = list(codes)
    if not codes:
        return ""
    common = areacode.ancestors(codes[0])
    for code in codes[1:]:
        above = set(areacode.ancestors(code))
        common = [c for c in common if c in above]
    return common[-1] if common else ""


def apply(plan: ImportPlan, user, *, progress: Progress | None = None) -> ImportSummary:
    """Write the plan in one transaction: everything, or (on any problem) nothing."""
    progress = progress or _no_progress
    if plan.applied:
        raise ValueError("an import plan is applied once; parse the file again")
    if not plan.ok:
        raise ValidationError(_("文件中有 %(count)s 处错误，没有导入任何数据。") % {"count": len(plan.errors)})
    if not user.has_perm(PERMISSION):
        raise PermissionDenied(_("您没有导入住户的权限。"))
    for area in plan.areas:
        if not user.has_perm(PERMISSION, area):
            raise PermissionDenied(_("您无权向区域 %(code)s 导入住户。") % {"code": area.code})

    counts = plan.counts()
    today = timezone.localdate()
    reason = _("导入住户名单：%(file)s") % {"file": plan.file_name}
    try:
        with transaction.atomic():
            touched = [h for h in plan.households.values() if any(not r.skipped for r in h.residents)]
            new = [h for h in touched if h.existing is None]
            created = bulk_create_with_history(
                [Household(area=h.area, unit=h.unit, room=h.room, is_center_household=h.is_center) for h in new],
                Household,
                batch_size=BATCH,
                default_user=user,
                default_change_reason=reason,
            )
            for planned_household, household in zip(new, created, strict=True):
                planned_household.existing = household
            for planned_household in touched:
                household = planned_household.existing
                if planned_household.is_center and not household.is_center_household:
                    household.is_center_household = True
                    household._change_reason = reason
                    household.save(update_fields=["is_center_household", "updated_at"])
            progress("write", 0, counts["residents_new"])

            residents = []
            for planned_household in touched:
                for item in planned_household.residents:
                    if not item.skipped:
                        item.resident.household = planned_household.existing
                        residents.append(item)
            for start in range(0, len(residents), BATCH):
                chunk = residents[start : start + BATCH]
                saved = bulk_create_with_history(
                    [item.resident for item in chunk],
                    Resident,
                    batch_size=BATCH,
                    default_user=user,
                    default_change_reason=reason,
                )
                ResidentTag.objects.bulk_create(
                    [
                        ResidentTag(resident=resident, tag=tag, set_on=today, set_by=user, set_reason=reason)
                        for item, resident in zip(chunk, saved, strict=True)
                        for tag in item.tags
                    ],
                    batch_size=BATCH,
                )
                progress("write", start + len(chunk), len(residents))

            audit.record(
                user,
                audit.Action.IMPORT,
                plan.file_name,
                _("导入住户名单: %(households)s 户 %(residents)s 人")
                % {"households": len(touched), "residents": len(residents)},
                area_code=_common_area_code(a.code for a in plan.areas),
            )
        plan.applied = True
    except IntegrityError:
        # Someone registered one of these people or households since the file was checked.
        raise ValidationError(_("数据在检查之后已被他人修改，没有导入任何数据；请重新上传文件再试。")) from None

    return ImportSummary(
        households_created=counts["households_new"],
        households_reused=counts["households_reused"],
        residents_created=counts["residents_new"],
        residents_skipped=counts["residents_skipped"],
        tags_created=counts["tags_new"],
    )
