import pytest

from gridgov.org.actions import update_area
from tests.browser.conftest import DESKTOP

pytestmark = pytest.mark.browser


def test_area_name_is_shown_as_text_on_the_map_never_run(page, live_server, login_as, browser_world):
    """An area name is user text: in a map label it must stay text, not become HTML."""
    hostile = '<img src=x onerror="window.__xss = 1">甲一网格'
    update_area(browser_world.user("community"), browser_world.areas["g1"], name=hostile)
    page.set_viewport_size(DESKTOP)
    login_as("street")
    page.goto(f"{live_server.url}/areas/{browser_world.areas['c1'].pk}/")
    page.wait_for_load_state("networkidle")
    label = page.locator(".leaflet-tooltip", has_text="甲一网格").first
    assert label.inner_text() == hostile
    assert page.evaluate("window.__xss") is None
    assert page.locator(".leaflet-tooltip img").count() == 0
