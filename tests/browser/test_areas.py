import json

import pytest
from playwright.sync_api import expect

from gridgov.org.models import Area, Level
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, no_external_requests

pytestmark = pytest.mark.browser

SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])

# Inside 甲社区 (121.00-121.05, 37.00-37.05), clear of 甲一网格 and 甲二网格 (37.00-37.01), and
# far enough from every edge that snapping does not move the clicks.
NEW_GRID = [(121.01, 37.02), (121.02, 37.02), (121.02, 37.03), (121.01, 37.03)]


def map_paths(page):
    return page.locator("#area-map .leaflet-overlay-pane path")


def map_point(page, lng, lat):
    """Where on the screen a coordinate lies on the map."""
    page.locator("#area-map").scroll_into_view_if_needed()
    point = page.evaluate(
        "([lng, lat]) => { const m = document.getElementById('area-map').leafletMap;"
        " const p = m.latLngToContainerPoint([lat, lng]); return {x: p.x, y: p.y}; }",
        [lng, lat],
    )
    box = page.locator("#area-map").bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


def click_on_map(page, lng, lat):
    page.mouse.click(*map_point(page, lng, lat))


@SIZES
def test_community_staff_opens_tree_and_grid_map(page, live_server, login_as, size):
    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(size)
    login_as("community", "/areas/")
    tree = page.locator(".areas-tree")
    expect(tree.get_by_role("link", name="甲一网格")).to_be_visible()
    expect(tree.get_by_role("link", name="乙社区")).to_have_count(0)
    assert_accessible(page)
    page.screenshot(path=f"/tmp/areas-list-{size['width']}.png", full_page=True)

    # The grid folds its buildings; opening it shows them without any script.
    expect(tree.get_by_role("link", name="甲1栋")).to_be_hidden()
    tree.locator("summary", has_text="甲一网格").click()
    expect(tree.get_by_role("link", name="甲1栋")).to_be_visible()

    tree.get_by_role("link", name="甲一网格").click()
    expect(page.locator("h1")).to_have_text("甲一网格")
    expect(map_paths(page)).to_have_count(1)
    expect(page.locator("#area-map .areas-label")).to_have_text(["甲一网格"])
    expect(page.locator("#area-map .leaflet-control-scale")).to_be_visible()
    map_box = page.locator("#area-map").bounding_box()
    assert map_box["width"] >= size["width"] - 40 if size is PHONE else map_box["width"] > 800
    assert map_box["height"] >= 0.5 * size["height"]
    assert_accessible(page)
    page.screenshot(path=f"/tmp/areas-detail-{size['width']}.png", full_page=True)
    assert foreign == []


def test_community_detail_shows_children_on_map_and_links_to_them(page, live_server, login_as):
    foreign = no_external_requests(page, live_server)
    login_as("community", "/areas/")
    page.locator(".areas-tree").get_by_role("link", name="甲社区").click()
    expect(map_paths(page)).to_have_count(3)  # 甲社区 and its two grids
    expect(page.locator("#area-map .areas-label")).to_have_text(["甲社区", "甲一网格", "甲二网格"])
    click_on_map(page, 121.025, 37.005)  # inside 甲二网格
    expect(page.locator("h1")).to_have_text("甲二网格")
    assert foreign == []


@SIZES
def test_community_staff_draws_a_new_grid(page, live_server, login_as, size):
    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(size)
    c1 = Area.objects.get(name="甲社区")
    login_as("community", f"/areas/{c1.pk}/")
    page.get_by_role("link", name="新建下级区域").click()
    expect(page.locator("h1")).to_have_text("在“甲社区”下新建区域")
    expect(page.locator("#id_code")).to_have_value("370602001001003")
    # The parent's outline and both siblings are on the map for reference.
    expect(map_paths(page)).to_have_count(3)
    expect(page.locator("#area-map .areas-label")).to_have_text(["甲一网格", "甲二网格"])
    # With the script running, the GeoJSON text is folded away behind the map.
    expect(page.locator("#id_boundary")).to_be_hidden()
    assert_accessible(page)
    page.screenshot(path=f"/tmp/areas-form-{size['width']}.png", full_page=True)

    page.fill("#id_name", "甲三网格")
    page.get_by_role("button", name="画边界").click()
    expect(page.get_by_role("button", name="取消画图")).to_be_visible()
    for lng, lat in NEW_GRID:
        click_on_map(page, lng, lat)
    click_on_map(page, *NEW_GRID[0])  # back on the first vertex closes the polygon
    expect(page.locator("[data-map-status]")).to_have_text("已画好边界，保存后生效。")
    expect(map_paths(page)).to_have_count(4)
    drawn = json.loads(page.locator("#id_boundary").input_value())
    assert drawn["type"] == "Polygon" and len(drawn["coordinates"][0]) == 5
    page.screenshot(path=f"/tmp/areas-form-drawn-{size['width']}.png", full_page=True)

    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("甲三网格")
    expect(page.locator(".messages")).to_contain_text("已新建区域“甲三网格”")
    area = Area.objects.get(name="甲三网格")
    assert (area.code, area.level, area.parent_id) == ("370602001001003", Level.GRID, c1.pk)
    ring = area.boundary["coordinates"][0]
    for (lng, lat), (want_lng, want_lat) in zip(ring, NEW_GRID, strict=False):
        assert lng == pytest.approx(want_lng, abs=0.0005) and lat == pytest.approx(want_lat, abs=0.0005)
    expect(map_paths(page)).to_have_count(1)
    assert foreign == []


def test_pasted_geojson_shows_on_map_and_is_saved(page, live_server, login_as):
    foreign = no_external_requests(page, live_server)
    c1 = Area.objects.get(name="甲社区")
    login_as("community", f"/areas/{c1.pk}/new/")
    page.fill("#id_name", "甲四网格")
    page.get_by_text("GeoJSON 文本（可直接粘贴）").click()
    ring = [[121.03, 37.03], [121.04, 37.03], [121.04, 37.04], [121.03, 37.04], [121.03, 37.03]]
    page.fill("#id_boundary", json.dumps({"type": "Polygon", "coordinates": [ring]}))
    expect(map_paths(page)).to_have_count(4)
    expect(page.get_by_role("button", name="删除边界")).to_be_enabled()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("甲四网格")
    assert Area.objects.get(name="甲四网格").boundary == {"type": "Polygon", "coordinates": [ring]}
    assert foreign == []


def test_overlapping_boundary_is_refused_next_to_the_field(page, live_server, login_as):
    page.set_viewport_size(PHONE)
    c1 = Area.objects.get(name="甲社区")
    login_as("community", f"/areas/{c1.pk}/new/")
    page.fill("#id_name", "重叠网格")
    page.get_by_text("GeoJSON 文本（可直接粘贴）").click()
    ring = [[121.005, 37.0], [121.015, 37.0], [121.015, 37.01], [121.005, 37.01], [121.005, 37.0]]
    page.fill("#id_boundary", json.dumps({"type": "Polygon", "coordinates": [ring]}))
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_boundary_error")).to_have_text("边界与同级区域“甲一网格”重叠。")
    # The text stays in view (not folded) so it can be corrected, and the map still shows it.
    expect(page.locator("#id_boundary")).to_be_visible()
    expect(map_paths(page)).to_have_count(4)
    assert_accessible(page)
    page.screenshot(path="/tmp/areas-form-error-390.png", full_page=True)
    assert not Area.objects.filter(name="重叠网格").exists()


def test_editing_a_grid_drags_a_vertex(page, live_server, login_as):
    g2 = Area.objects.get(name="甲二网格")
    login_as("community", f"/areas/{g2.pk}/edit/")
    expect(map_paths(page)).to_have_count(3)  # 甲社区 outline, 甲一网格 greyed, 甲二网格 itself
    assert_accessible(page)
    page.get_by_role("button", name="修改边界").click()
    expect(page.get_by_role("button", name="完成修改")).to_have_attribute("aria-pressed", "true")
    # Drag the north-east corner (121.03, 37.01) out to (121.035, 37.015).
    page.mouse.move(*map_point(page, 121.03, 37.01))
    page.mouse.down()
    page.mouse.move(*map_point(page, 121.035, 37.015), steps=8)
    page.mouse.up()
    page.get_by_role("button", name="完成修改").click()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("甲二网格")
    g2.refresh_from_db()
    corners = [(round(lng, 3), round(lat, 3)) for lng, lat in g2.boundary["coordinates"][0]]
    assert (121.035, 37.015) in corners and (121.03, 37.01) not in corners


def test_removing_a_boundary_on_the_map_clears_it(page, live_server, login_as):
    g2 = Area.objects.get(name="甲二网格")
    login_as("community", f"/areas/{g2.pk}/edit/")
    page.get_by_role("button", name="删除边界").click()
    expect(map_paths(page)).to_have_count(2)
    assert page.locator("#id_boundary").input_value() == ""
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("甲二网格")
    g2.refresh_from_db()
    assert g2.boundary is None
