"""The household pages in Chromium: search, resident page, unmask with a reason
(htmx), export download, and accessibility at phone and desktop sizes."""

import io

import pytest
from openpyxl import load_workbook

from gridgov.audit.models import AccessLog, Action
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, no_external_requests

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_community_staff_searches_unmasks_and_exports(page, live_server, login_as, size):
    name = "phone" if size is PHONE else "desktop"
    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(size)
    login_as("community", "/people/")

    page.select_option("#id_tag", "elderly_alone")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "共 1 户 / 1 人" in page.locator(".counts").inner_text()
    assert page.locator("table.households").inner_text().count("张大爷") == 1
    assert "王先生" not in page.content()
    assert_accessible(page)
    page.screenshot(path=f"/tmp/people-list-{name}.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("#export-link")
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(download.path().read_bytes())).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["张大爷"]
    assert rows[1][4] == "138****0001"

    page.click("text=张大爷")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "张大爷"
    assert "138****0001" in page.locator("#pii-phone").inner_text()
    assert_accessible(page)
    page.locator("#pii-phone summary").click()
    assert_accessible(page)
    page.screenshot(path=f"/tmp/people-resident-{name}.png", full_page=True)
    page.fill("#unmask_phone_reason", "入户走访联系本人")
    page.locator("#pii-phone button[type=submit]").click()
    page.locator("#pii-phone [data-clear]").wait_for()
    assert page.locator("#pii-phone [data-clear]").inner_text() == "13800000001"
    # htmx swapped only the field: the page around it was not reloaded.
    assert page.locator("h1").inner_text() == "张大爷"
    entry = AccessLog.objects.filter(action=Action.UNMASK).get()
    assert (entry.username, entry.field, entry.reason) == ("community", "phone", "入户走访联系本人")
    assert_accessible(page)
    page.screenshot(path=f"/tmp/people-unmasked-{name}.png", full_page=True)
    assert foreign == []


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_forms_are_accessible_and_show_errors(page, live_server, login_as, browser_world, size):
    name = "phone" if size is PHONE else "desktop"
    page.set_viewport_size(size)
    household = browser_world.households["h1"]
    zhang = browser_world.residents["zhang"]
    login_as("community", f"/people/households/{household.pk}/")
    assert "张大爷" in page.locator("table").inner_text()
    assert_accessible(page)
    page.screenshot(path=f"/tmp/people-household-{name}.png", full_page=True)

    page.click("text=添加居民")
    page.fill("#id_name", "新居民")
    page.fill("#id_id_number", "370602198005060110")
    page.click("main form button[type=submit]")
    assert "身份证号校验位不正确，请核对。" in page.locator(".field-error").first.inner_text()
    assert_accessible(page)
    page.screenshot(path=f"/tmp/people-resident-form-{name}.png", full_page=True)

    page.goto(f"{live_server.url}/people/households/new/")
    page.select_option("#id_area", label="甲社区 / 甲一网格 / 甲1栋")
    page.fill("#id_unit", "1")
    page.fill("#id_room", "101")
    page.click("main form button[type=submit]")
    assert "已经登记为一户" in page.locator(".field-error").inner_text()
    assert_accessible(page)
    page.screenshot(path=f"/tmp/people-household-form-{name}.png", full_page=True)

    page.goto(f"{live_server.url}/people/residents/{zhang.pk}/tags/elderly_alone/remove/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/people/residents/{zhang.pk}/")
    page.locator(".tag-add summary").click()
    page.select_option("#tag_tag", "disabled")
    page.fill("#tag_reason", "残联认定")
    page.locator(".tag-add button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已添加标签：残疾人" in page.locator(".messages").inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_exact_search_by_phone_keeps_the_number_out_of_the_address_bar(page, live_server, login_as, size):
    name = "phone" if size is PHONE else "desktop"
    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(size)
    login_as("community", "/people/")

    page.locator(".exact-lookup summary").click()
    assert_accessible(page)
    page.fill("#lookup_phone", "138 0000 0003")
    page.locator(".exact-lookup button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "lookup=" in page.url and "13800000003" not in page.url and "0003" not in page.url
    assert "共 1 户 / 1 人" in page.locator(".counts").inner_text()
    assert "王先生" in page.locator("table.households").inner_text()
    # The box comes back empty and no link, form or value on the page holds the number.
    assert page.locator("#lookup_phone").input_value() == ""
    assert "13800000003" not in page.content()
    assert "lookup=" in page.locator("#export-link").get_attribute("href")
    assert_accessible(page)
    page.screenshot(path=f"/tmp/privacy-lookup-{name}.png", full_page=True)
    assert foreign == []


def test_party_member_sees_the_duty_household_without_notes_or_tags(page, live_server, login_as, browser_world):
    household = browser_world.households["h1"]
    household.note = "钥匙放在邻居家"
    household.save()
    page.set_viewport_size(PHONE)
    login_as("member", f"/people/households/{household.pk}/")
    text = page.locator("main").inner_text()
    assert "张大爷" in text
    assert "钥匙放在邻居家" not in text and "独居老人" not in text and "标签" not in text
    assert_accessible(page)
    page.screenshot(path="/tmp/privacy-member-household-phone.png", full_page=True)
    page.click("text=张大爷")
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "张大爷"
    assert "人群标签" not in text and "独居老人" not in text
    assert_accessible(page)
    page.screenshot(path="/tmp/privacy-member-resident-phone.png", full_page=True)
