"""Household roster import: the template, the checks, all-or-nothing, the command and the page."""

import datetime
import io
import os
import time
import uuid
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY
from openpyxl import Workbook, load_workbook

from gridgov.audit.models import AccessLog, Action
from gridgov.lib import pii
from gridgov.lib.idcard import make_id_number
from gridgov.people import importing
from gridgov.people.models import Household, Resident, ResidentTag, Tag

B1 = "370602001001001001"  # 甲1栋, 甲社区
B2 = "370602001001002001"  # 甲2栋, 甲社区
B3 = "370602001002001001"  # 乙1栋, 乙社区
G2 = "370602001001002"  # 甲二网格 (households may hang on a grid with no buildings)

HEADERS = [c.header for c in importing.COLUMNS]


def person(seq, **values):
    """One roster row as a dict keyed by header; a valid, made-up ID number."""
    row = {
        "网格编码或楼栋编码": B1,
        "单元": "3",
        "房号": "501",
        "姓名": f"居民{seq}",
        "身份证号": make_id_number("370602", datetime.date(1970, 1, 1) + datetime.timedelta(days=seq), seq),
        "手机号": f"139{seq:08d}",
        "与户主关系": "户主",
        "户籍状态": "户籍",
        "户籍地址": "山东省烟台市",
        "人户分离": "否",
        "标签": "",
        "党员中心户": "否",
        "备注": "",
    }
    row.update(values)
    return row


def good_rows():
    """3 households / 5 residents: two new in 甲1栋, one on 甲二网格."""
    return [
        person(1, 标签="独居老人、低保户", 党员中心户="是"),
        person(2, 与户主关系="配偶"),
        person(3, 房号="502", 户籍状态="流动", 人户分离="是", 标签="残疾人"),
        person(4, 房号="502", 与户主关系="子女", 手机号=""),
        person(5, **{"网格编码或楼栋编码": G2, "单元": "", "房号": "8"}),
    ]


def write_roster(path, rows, headers=HEADERS, title_rows=()):
    wb = Workbook()
    ws = wb.active
    for title in title_rows:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h.strip(), "") for h in headers])
    wb.save(path)
    return path


def counts():
    return Household.objects.count(), Resident.objects.count(), ResidentTag.objects.count()


@pytest.fixture
def roster(tmp_path):
    def make(rows, name="roster.xlsx", **kwargs):
        return write_roster(tmp_path / name, rows, **kwargs)

    return make


def test_template_has_chinese_headers_example_and_instructions(world):
    wb = importing.build_template()
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == [
        "网格编码或楼栋编码",
        "单元",
        "房号",
        "姓名",
        "身份证号",
        "手机号",
        "与户主关系",
        "户籍状态",
        "户籍地址",
        "人户分离",
        "标签",
        "党员中心户",
        "备注",
    ]
    assert ws["D2"].value == "张三"
    assert "说明" in wb.sheetnames
    lists = {v.formula1 for v in ws.data_validations.dataValidation}
    assert lists == {'"是,否"', '"户籍,流动"'}


def test_example_row_left_in_the_template_is_refused(world, tmp_path):
    path = tmp_path / "template.xlsx"
    importing.build_template(B1).save(path)
    plan = importing.parse(path, world.user("community"))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "身份证号")]
    assert "示例行" in plan.errors[0].message


def test_good_file_imports_households_residents_with_encrypted_pii_and_tags(world, roster):
    rows = good_rows()
    path = roster(rows)
    user = world.user("community")
    plan = importing.parse(path, user)
    assert plan.ok, plan.errors
    assert plan.counts()["households_new"] == 3
    summary = importing.apply(plan, user)
    assert (summary.households_created, summary.residents_created, summary.tags_created) == (3, 5, 3)

    first = Resident.objects.with_id_number(rows[0]["身份证号"]).get()
    assert first.name == "居民1"
    assert first.id_number_masked.startswith("370") and "*" in first.id_number_masked
    assert first.id_number_cipher and rows[0]["身份证号"] not in first.id_number_cipher
    assert first.phone_masked == "139****0001"
    assert Resident.objects.with_phone("13900000001").get() == first
    assert first.birth_date == datetime.date(1970, 1, 2)
    assert {t.tag for t in first.current_tags()} == {Tag.ELDERLY_ALONE, Tag.LOW_INCOME}
    assert all(t.set_by == user and t.set_on == datetime.date.today() for t in first.tags.all())
    assert first.household.is_center_household
    assert first.household.residents.count() == 2

    floating = Resident.objects.with_id_number(rows[2]["身份证号"]).get()
    assert floating.hukou_status == "floating" and floating.is_separated
    assert floating.household.room == "502"
    on_grid = Resident.objects.with_id_number(rows[4]["身份证号"]).get()
    assert on_grid.household.area.code == G2 and on_grid.household.unit == ""
    assert Resident.objects.with_id_number(rows[3]["身份证号"]).get().phone_masked == ""


def test_import_writes_one_access_log_entry(world, roster):
    user = world.user("community")
    importing.apply(importing.parse(roster(good_rows(), name="甲社区名单.xlsx"), user), user)
    entry = AccessLog.objects.get(action=Action.IMPORT)
    assert entry.user == user
    assert entry.target == "甲社区名单.xlsx"
    assert entry.reason == "导入住户名单: 3 户 5 人"
    assert entry.area_code == "370602001001"


def test_existing_household_is_reused_and_registered_person_skipped(world, roster):
    zhang = world.residents["zhang"]  # 甲1栋 1单元 101
    rows = [
        person(1, 单元="1", 房号="101", 姓名="张大爷", 身份证号=zhang.clear_id_number),
        person(2, 单元="1", 房号="101", 与户主关系="配偶"),
    ]
    user = world.user("community")
    plan = importing.parse(roster(rows), user)
    assert plan.ok, plan.errors
    summary = importing.apply(plan, user)
    assert (summary.households_created, summary.households_reused) == (0, 1)
    assert (summary.residents_created, summary.residents_skipped) == (1, 1)
    assert world.households["h1"].residents.count() == 2


def test_wrong_headers_list_missing_and_found_and_write_nothing(world, roster):
    headers = ["楼栋", "房号", "名字", "身份证号"]
    before = counts()
    plan = importing.parse(roster([], headers=headers), world.user("community"))
    assert not plan.ok
    assert plan.missing_headers == ["网格编码或楼栋编码", "姓名"]
    message = plan.errors[0].message
    assert "缺少必需的列：网格编码或楼栋编码、姓名" in message
    assert "找到的列：楼栋、房号、名字、身份证号" in message
    with pytest.raises(importing.ValidationError):
        importing.apply(plan, world.user("community"))
    assert counts() == before


def test_headers_in_any_order_with_spaces_below_a_title_row_are_found(world, roster):
    headers = [f" {h} " for h in reversed(HEADERS)]
    path = roster(good_rows(), headers=headers, title_rows=["甲社区住户花名册"])
    plan = importing.parse(path, world.user("community"))
    assert plan.ok, plan.errors
    assert plan.rows[0].row == 3
    assert plan.counts()["residents_new"] == 5


def test_one_bad_id_among_good_rows_names_row_and_column_and_writes_nothing(world, roster):
    rows = good_rows()
    rows[2]["身份证号"] = rows[2]["身份证号"][:-1] + ("0" if rows[2]["身份证号"][-1] != "0" else "1")
    before = counts()
    user = world.user("community")
    plan = importing.parse(roster(rows), user)
    assert [(e.row, e.column) for e in plan.errors] == [(4, "身份证号")]
    assert "校验位" in plan.errors[0].message
    with pytest.raises(importing.ValidationError):
        importing.apply(plan, user)
    assert counts() == before
    assert not AccessLog.objects.filter(action=Action.IMPORT).exists()


def test_every_bad_cell_is_reported_with_its_row_and_column(world, roster):
    rows = [
        person(1, 手机号="12345", 户籍状态="外地", 人户分离="对", 标签="独居老人、火星人"),
        person(2, 姓名="", 房号=""),
        person(3, **{"网格编码或楼栋编码": "370602001099001001"}),
        person(4, **{"网格编码或楼栋编码": "370602001001"}),
    ]
    plan = importing.parse(roster(rows), world.user("community"))
    found = {(e.row, e.column) for e in plan.errors}
    assert found == {
        (2, "手机号"),
        (2, "户籍状态"),
        (2, "人户分离"),
        (2, "标签"),
        (3, "房号"),
        (3, "姓名"),
        (4, "网格编码或楼栋编码"),
        (5, "网格编码或楼栋编码"),
    }
    messages = {(e.row, e.column): e.message for e in plan.errors}
    assert "火星人" in messages[(2, "标签")] and "独居老人" in messages[(2, "标签")]
    assert "不存在" in messages[(4, "网格编码或楼栋编码")]
    assert "社区" in messages[(5, "网格编码或楼栋编码")]


def test_duplicate_id_inside_file_is_an_error(world, roster):
    rows = good_rows()
    rows[3]["身份证号"] = rows[0]["身份证号"]
    plan = importing.parse(roster(rows), world.user("community"))
    assert [(e.row, e.column) for e in plan.errors] == [(5, "身份证号")]
    assert "第 2 行" in plan.errors[0].message


def test_id_registered_in_another_household_is_an_error(world, roster):
    rows = good_rows()
    rows[1]["身份证号"] = world.residents["wang"].clear_id_number  # lives in 甲2栋
    before = counts()
    plan = importing.parse(roster(rows), world.user("community"))
    assert [(e.row, e.column) for e in plan.errors] == [(3, "身份证号")]
    assert "已登记在其他住户" in plan.errors[0].message
    assert plan.counts()["rows"] == 4
    assert counts() == before


def test_blank_rows_are_skipped_and_row_numbers_stay_as_excel_shows_them(world, roster):
    rows = good_rows()
    rows.insert(2, {})
    rows[4]["身份证号"] = "123"  # person 4, now on Excel row 6
    plan = importing.parse(roster(rows), world.user("community"))
    assert [(e.row, e.column) for e in plan.errors] == [(6, "身份证号")]


def test_unit_and_room_suffixes_are_the_same_household(world, roster):
    rows = [
        person(1, 单元="1单元", 房号="101室", 身份证号=world.residents["zhang"].clear_id_number),
        person(2, 单元="1", 房号="101"),
    ]
    plan = importing.parse(roster(rows), world.user("community"))
    assert plan.ok, plan.errors
    assert plan.counts() == {
        "rows": 2,
        "households_new": 0,
        "households_reused": 1,
        "residents_new": 1,
        "residents_skipped": 1,
        "tags_new": 0,
    }


def test_community_staff_cannot_import_into_other_community(world, roster):
    rows = good_rows()
    rows[4]["网格编码或楼栋编码"] = B3  # 乙社区's building
    before = counts()
    user = world.user("community")
    plan = importing.parse(roster(rows), user)
    assert [(e.row, e.column) for e in plan.errors] == [(6, "网格编码或楼栋编码")]
    assert "无权" in plan.errors[0].message
    with pytest.raises(importing.ValidationError):
        importing.apply(plan, user)
    assert counts() == before


def test_street_admin_imports_across_communities(world, roster):
    rows = good_rows()
    rows[4]["网格编码或楼栋编码"] = B3
    user = world.user("street")
    summary = importing.apply(importing.parse(roster(rows), user), user)
    assert summary.residents_created == 5
    assert AccessLog.objects.get(action=Action.IMPORT).area_code == "370602001"


def test_apply_rechecks_permission_for_every_area(world, roster):
    rows = good_rows()
    rows[4]["网格编码或楼栋编码"] = B3
    plan = importing.parse(roster(rows), world.user("street"))
    before = counts()
    with pytest.raises(importing.PermissionDenied):
        importing.apply(plan, world.user("community"))
    assert counts() == before


def test_not_an_excel_file_is_a_clear_error(world, tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    plan = importing.parse(path, world.user("community"))
    assert not plan.ok
    assert ".xlsx" in plan.errors[0].message


def test_id_number_typed_as_number_in_excel_gets_a_hint(world, roster):
    rows = good_rows()[:1]
    path = roster(rows)
    wb = load_workbook(path)
    wb.active["E2"] = float(rows[0]["身份证号"][:17] + "1")  # what Excel does with a number cell
    wb.save(path)
    plan = importing.parse(path, world.user("community"))
    assert [(e.row, e.column) for e in plan.errors] == [(2, "身份证号")]
    assert "文本格式" in plan.errors[0].message


def test_command_imports_and_prints_summary(world, roster):
    out = io.StringIO()
    call_command("import_households", str(roster(good_rows())), user="community", stdout=out)
    text = out.getvalue()
    assert "导入汇总" in text
    assert "新增居民 5 人" in text
    assert Resident.objects.count() == 4 + 5


def test_command_dry_run_writes_nothing(world, roster):
    before = counts()
    out = io.StringIO()
    call_command("import_households", str(roster(good_rows())), "--dry-run", user="community", stdout=out)
    assert "试运行" in out.getvalue()
    assert "新建住户" in out.getvalue()
    assert counts() == before
    assert not AccessLog.objects.filter(action=Action.IMPORT).exists()


def test_command_with_bad_file_prints_errors_and_fails(world, roster):
    rows = good_rows()
    rows[2]["身份证号"] = "123"
    before = counts()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_households", str(roster(rows)), user="community", stdout=out)
    assert "身份证号" in out.getvalue() and "18位" in out.getvalue()
    assert counts() == before


def test_command_refuses_user_without_import_permission(world, roster):
    with pytest.raises(CommandError, match="没有导入住户的权限"):
        call_command("import_households", str(roster(good_rows())), user="grid", stdout=io.StringIO())


def test_two_thousand_rows_import(world, roster):
    rows = [
        person(i, 单元=str(i % 6 + 1), 房号=str(100 + i // 3), 标签="高龄老人" if i % 10 == 0 else "")
        for i in range(1, 2001)
    ]
    user = world.user("community")
    plan = importing.parse(roster(rows), user)
    assert plan.ok, plan.errors[:5]
    summary = importing.apply(plan, user)
    assert summary.residents_created == 2000
    assert Resident.objects.filter(household__area__code=B1).count() == 2000 + 2
    assert ResidentTag.objects.filter(tag=Tag.ELDERLY).count() == 200


# --- the page ----------------------------------------------------------------------------


def upload(client, path):
    with open(path, "rb") as f:
        return client.post(reverse("household-import"), {"file": f})


def test_page_needs_import_permission(client_for):
    assert client_for("grid").get(reverse("household-import")).status_code == 403
    assert client_for("resident").get(reverse("household-import-template")).status_code == 403
    assert client_for("community").get(reverse("household-import")).status_code == 200


def test_page_serves_template_workbook(client_for):
    response = client_for("community").get(reverse("household-import-template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.worksheets[0]["A1"].value == "网格编码或楼栋编码"
    assert wb.worksheets[0]["A2"].value.startswith("370602001001")


def test_page_previews_then_imports_on_confirm(client_for, roster, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for("community")
    before = counts()
    response = upload(client, roster(good_rows()))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "确认导入" in html
    assert "139****0001" in html
    assert good_rows()[0]["身份证号"] not in html
    assert counts() == before

    done = client.post(response["Location"])
    assert done.status_code == 302
    result = client.get(done["Location"]).content.decode()
    assert "导入完成" in result
    assert counts()[1] == before[1] + 5
    assert not list((tmp_path / "media" / "imports").iterdir())


def session_for(world, name):
    """A client with its own session (client_for shares one client, so one session)."""
    client = Client()
    client.force_login(world.users[name], backend="django.contrib.auth.backends.ModelBackend")
    return client


def stored_uploads(media):
    return sorted((media / "imports").iterdir()) if (media / "imports").exists() else []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_uploaded_roster_is_stored_encrypted_under_a_random_name(client_for, roster, media):
    rows = good_rows()
    path = roster(rows, name="甲社区张三家名单.xlsx")
    location = upload(client_for("community"), path)["Location"]

    [stored] = stored_uploads(media)
    token = uuid.UUID(stored.name.removesuffix(".enc"))  # the name is the token and nothing else
    assert str(token) in location
    sealed = stored.read_bytes()
    assert b"PK\x03\x04" not in sealed and not zipfile.is_zipfile(stored)
    for row in rows:
        assert row["身份证号"].encode() not in sealed
        assert row["手机号"].encode() not in sealed or not row["手机号"]
    # Sealed with the PII key: the one key that opens it gives back exactly what was sent.
    assert pii.decrypt_bytes(sealed) == path.read_bytes()


def test_encrypted_upload_still_previews_and_imports(client_for, roster, media):
    client = client_for("community")
    location = upload(client, roster(good_rows()))["Location"]
    html = client.get(location).content.decode()
    assert "确认导入（5 人）" in html and "139****0001" in html
    assert client.post(location).status_code == 302
    assert Resident.objects.count() == 4 + 5
    assert stored_uploads(media) == []


def test_cancel_deletes_the_upload_and_the_preview_is_gone(client_for, roster, media):
    client = client_for("community")
    location = upload(client, roster(good_rows()))["Location"]
    token = location.rstrip("/").rsplit("/", 1)[-1]
    assert "取消" in client.get(location).content.decode()
    before = counts()

    response = client.post(reverse("household-import-cancel", kwargs={"token": token}), follow=True)
    assert response.redirect_chain == [(reverse("household-import"), 302)]
    assert "已取消导入，上传的文件已从服务器删除" in response.content.decode()
    assert stored_uploads(media) == []
    assert counts() == before
    again = client.post(location, follow=True)
    assert "这次上传已失效" in again.content.decode()
    assert counts() == before


def test_cancel_from_the_error_preview_deletes_the_upload(client_for, roster, media):
    client = client_for("community")
    rows = good_rows()
    rows[2]["身份证号"] = "123"
    location = upload(client, roster(rows))["Location"]
    token = location.rstrip("/").rsplit("/", 1)[-1]
    page = client.get(location).content.decode()
    assert reverse("household-import-cancel", kwargs={"token": token}) in page
    client.post(reverse("household-import-cancel", kwargs={"token": token}))
    assert stored_uploads(media) == []


def test_cancel_cannot_delete_another_sessions_upload(roster, media, world):
    owner = session_for(world, "community")
    location = upload(owner, roster(good_rows()))["Location"]
    token = location.rstrip("/").rsplit("/", 1)[-1]
    stranger = session_for(world, "street")
    response = stranger.post(reverse("household-import-cancel", kwargs={"token": token}))
    assert response.status_code == 302
    assert len(stored_uploads(media)) == 1
    assert "确认导入" in owner.get(location).content.decode()


def test_cancel_needs_import_permission_and_a_post(roster, media, world):
    owner = session_for(world, "community")
    location = upload(owner, roster(good_rows()))["Location"]
    cancel = reverse("household-import-cancel", kwargs={"token": location.rstrip("/").rsplit("/", 1)[-1]})
    assert session_for(world, "grid").post(cancel).status_code == 403
    assert owner.get(cancel).status_code == 405
    assert len(stored_uploads(media)) == 1


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_sweep_task_removes_only_uploads_older_than_two_hours(roster, media, world):
    from gridgov.people.tasks import sweep_import_uploads

    abandoned, fresh = session_for(world, "community"), session_for(world, "street")
    abandoned_at = upload(abandoned, roster(good_rows(), name="a.xlsx"))["Location"]
    [abandoned_file] = stored_uploads(media)
    fresh_at = upload(fresh, roster(good_rows(), name="b.xlsx"))["Location"]
    [fresh_file] = [f for f in stored_uploads(media) if f != abandoned_file]
    age(abandoned_file, 2 * 3600 + 60)
    age(fresh_file, 2 * 3600 - 60)
    # A clear-text roster left behind by the version that did not encrypt.
    legacy = media / "imports" / f"{uuid.uuid4()}.xlsx"
    legacy.write_bytes(b"PK\x03\x04 clear roster")
    age(legacy, 3 * 86400)

    # huey runs tasks in-process under tests (immediate mode), so this is the real job.
    sweep_import_uploads()
    assert stored_uploads(media) == [fresh_file]
    assert "这次上传已失效" in abandoned.get(abandoned_at, follow=True).content.decode()
    assert "确认导入" in fresh.get(fresh_at).content.decode()


def test_sweep_task_is_discovered_by_huey_and_runs_every_half_hour():
    autodiscover_modules("tasks")  # what huey's run_huey does at start
    names = lambda minute: {t.name for t in HUEY.read_periodic(datetime.datetime(2025, 3, 1, 10, minute))}  # noqa: E731
    assert any(n.endswith("sweep_import_uploads") for n in names(0))
    assert any(n.endswith("sweep_import_uploads") for n in names(30))
    assert not any(n.endswith("sweep_import_uploads") for n in names(15))


def test_a_new_upload_also_sweeps_stale_ones(roster, media, world):
    upload(session_for(world, "street"), roster(good_rows(), name="a.xlsx"))
    [stale] = stored_uploads(media)
    age(stale, 2 * 3600 + 60)
    upload(session_for(world, "community"), roster(good_rows(), name="b.xlsx"))
    assert stale not in stored_uploads(media) and len(stored_uploads(media)) == 1


def test_upload_older_than_two_hours_is_refused_even_before_the_sweep(client_for, roster, media):
    client = client_for("community")
    path = roster(good_rows())
    location = upload(client, path)["Location"]
    [stored] = stored_uploads(media)
    # Sealed three hours ago but the file itself looks new: the sweep would keep it.
    fernet = pii._keys(django_settings.PII_KEY)[0]
    stored.write_bytes(fernet.encrypt_at_time(path.read_bytes(), int(time.time()) - 3 * 3600))
    before = counts()
    response = client.post(location, follow=True)
    assert "这次上传已失效" in response.content.decode()
    assert counts() == before
    assert stored_uploads(media) == []


def test_page_shows_row_errors_and_cannot_confirm(client_for, roster, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for("community")
    rows = good_rows()
    rows[2]["身份证号"] = "123"
    response = upload(client, roster(rows))
    page = client.get(response["Location"]).content.decode()
    assert "身份证号应为18位" in page
    assert "确认导入" not in page
    before = counts()
    client.post(response["Location"])
    assert counts() == before


def test_page_refuses_non_xlsx_upload(client_for, tmp_path):
    path = tmp_path / "名单.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    response = upload(client_for("community"), path)
    assert response.status_code == 200
    assert "另存为” .xlsx" in response.content.decode()


def test_page_confirm_of_another_sessions_upload_is_refused(client_for, roster, settings, tmp_path, world):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_for("community")
    location = upload(client, roster(good_rows()))["Location"]
    client.force_login(world.users["street"], backend="django.contrib.auth.backends.ModelBackend")
    before = counts()
    response = client.post(location, follow=True)
    assert response.redirect_chain == [(reverse("household-import"), 302)]
    assert "这次上传已失效" in response.content.decode()
    assert counts() == before
