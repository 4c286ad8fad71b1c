import pytest

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, no_external_requests

pytestmark = pytest.mark.browser


def test_staff_logs_in_and_sees_home(page, live_server, login_as):
    foreign = no_external_requests(page, live_server)
    login_as("community")
    assert page.locator("h1").inner_text().startswith("您好")
    assert_accessible(page)
    assert foreign == []


def test_wrong_password_shows_error_in_chinese(page, live_server, browser_world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "community")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.content() or "正确的用户名和密码" in page.content()
    assert_accessible(page)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_resident_logs_in_with_phone_code(page, live_server, browser_world, size):
    from gridgov.accounts.models import OutboundMessage

    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/accounts/login/resident/")
    assert_accessible(page)
    page.fill("#id_phone", "13800000001")
    page.click("button[type=submit]")
    message = OutboundMessage.objects.latest("id")
    code = "".join(c for c in message.body.split("验证码是")[1] if c.isdigit())[:6]
    page.fill("#id_code", code)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "张大爷" in page.locator("h1").inner_text()


def test_menu_is_open_on_desktop_and_folds_on_a_phone(page, live_server, login_as):
    page.set_viewport_size(DESKTOP)
    login_as("community")
    assert page.get_by_role("navigation").get_by_role("link", name="住户").is_visible()
    page.set_viewport_size(PHONE)
    page.reload()
    assert not page.get_by_role("navigation").get_by_role("link", name="住户").is_visible()
    page.get_by_text("菜单").click()
    assert page.get_by_role("navigation").get_by_role("link", name="住户").is_visible()
    page.screenshot(path="/tmp/home-phone-menu.png")
