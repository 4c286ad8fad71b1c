import pytest
from openpyxl import load_workbook

from gridgov.people.models import Resident
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, no_external_requests
from tests.test_import import good_rows, write_roster

pytestmark = pytest.mark.browser


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_community_staff_downloads_template_previews_and_imports(page, live_server, login_as, media, tmp_path, size):
    foreign = no_external_requests(page, live_server)
    name = "phone" if size == PHONE else "desktop"
    page.set_viewport_size(size)
    login_as("community", "/import/")
    assert page.locator("h1").inner_text() == "导入住户名单"
    assert_accessible(page)
    page.screenshot(path=f"/tmp/import-upload-{name}.png", full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载模板").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as f:
        template = load_workbook(f)
    assert template.worksheets[0]["A1"].value == "网格编码或楼栋编码"

    page.set_input_files("#id_file", str(write_roster(tmp_path / "甲社区名单.xlsx", good_rows())))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "导入预览"
    assert "139****0001" in page.content()
    assert Resident.objects.count() == 4
    assert_accessible(page)
    page.screenshot(path=f"/tmp/import-preview-{name}.png", full_page=True)

    page.get_by_role("button", name="确认导入（5 人）").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "导入完成"
    assert Resident.objects.count() == 9
    assert_accessible(page)
    page.screenshot(path=f"/tmp/import-done-{name}.png", full_page=True)
    assert foreign == []


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_bad_file_shows_row_errors_and_no_confirm(page, live_server, login_as, media, tmp_path, size):
    name = "phone" if size == PHONE else "desktop"
    page.set_viewport_size(size)
    rows = good_rows()
    rows[2]["身份证号"] = "370602197001041234"
    rows[4]["网格编码或楼栋编码"] = "370602001002001001"  # 乙社区: not this user's
    login_as("community", "/import/")
    page.set_input_files("#id_file", str(write_roster(tmp_path / "bad.xlsx", rows)))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state("networkidle")

    errors = page.locator("table[aria-labelledby=errors-title] tbody tr")
    assert errors.count() == 2
    assert "第 4 行" in errors.nth(0).inner_text() and "身份证号" in errors.nth(0).inner_text()
    assert "第 6 行" in errors.nth(1).inner_text() and "无权" in errors.nth(1).inner_text()
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert Resident.objects.count() == 4
    assert_accessible(page)
    page.screenshot(path=f"/tmp/import-errors-{name}.png", full_page=True)


def test_renamed_file_is_refused_with_a_clear_message(page, live_server, login_as, tmp_path):
    fake = tmp_path / "名单.xlsx"
    fake.write_text("姓名,身份证号\n", encoding="utf-8")
    login_as("community", "/import/")
    page.set_input_files("#id_file", str(fake))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state("networkidle")
    assert "文件内容不是 .xlsx 格式" in page.locator("#file-errors").inner_text()
    assert_accessible(page)


def test_grid_worker_is_refused(page, live_server, login_as):
    login_as("grid")
    response = page.goto(f"{live_server.url}/import/")
    assert response.status == 403


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_cancel_on_the_preview_deletes_the_uploaded_file(page, live_server, login_as, media, tmp_path, size):
    name = "phone" if size == PHONE else "desktop"
    page.set_viewport_size(size)
    login_as("community", "/import/")
    page.set_input_files("#id_file", str(write_roster(tmp_path / "甲社区名单.xlsx", good_rows())))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "导入预览"
    [stored] = list((media / "imports").iterdir())
    assert b"PK\x03\x04" not in stored.read_bytes()

    page.get_by_role("button", name="取消", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "导入住户名单"
    assert "已取消导入，上传的文件已从服务器删除" in page.locator(".messages").inner_text()
    assert list((media / "imports").iterdir()) == []
    assert Resident.objects.count() == 4
    assert_accessible(page)
    page.screenshot(path=f"/tmp/import-cancelled-{name}.png", full_page=True)
