import json

import pytest
from django.urls import reverse

from gridgov.org.models import Area, Level
from tests.personas import square

pytestmark = pytest.mark.django_db

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[121.0, 37.03], [121.01, 37.04], [121.01, 37.03], [121.0, 37.04], [121.0, 37.03]]],
}


def test_tree_shows_only_visible_areas(client_for, world):
    page = client_for("grid").get(reverse("area-list")).content.decode()
    for name in ("测试街道", "甲社区", "甲一网格", "甲1栋"):
        assert name in page
    for name in ("甲二网格", "乙社区", "乙一网格", "乙1栋"):
        assert name not in page


def test_tree_counts_households_of_each_subtree(client_for, world):
    response = client_for("community").get(reverse("area-list"))
    roots = response.context["roots"]
    street = roots[0]
    community = street.children[0]
    assert (street.area.name, street.households) == ("测试街道", 3)  # 甲社区's three; 乙社区 is not theirs
    assert (community.area.name, community.households, len(community.children)) == ("甲社区", 3, 2)


def test_tree_search_by_name_or_code_keeps_the_path(client_for, world):
    client = client_for("street")
    by_name = client.get(reverse("area-list"), {"q": "乙1"}).content.decode()
    assert "乙1栋" in by_name and "乙社区" in by_name and "测试街道" in by_name
    assert "甲一网格" not in by_name
    by_code = client.get(reverse("area-list"), {"q": "370602001001002"}).content.decode()
    assert "甲二网格" in by_code and "甲2栋" in by_code
    assert "甲一网格" not in by_code


def test_detail_shows_path_children_party_orgs_and_map_data(client_for, world):
    response = client_for("community").get(reverse("area-detail", args=[world.areas["g1"].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "甲社区" in page and "测试街道" in page  # breadcrumbs
    assert "甲1栋" in page
    assert "甲一网格党支部" in page
    assert reverse("area-edit", args=[world.areas["g1"].pk]) in page
    assert reverse("area-create", args=[world.areas["g1"].pk]) in page
    data = response.context["map_data"]
    assert [f["role"] for f in data["features"]] == ["self"]
    assert data["tiles"] is None
    assert 'id="area-map-data" type="application/json"' in page


def test_detail_of_area_outside_scope_is_not_found(client_for, world):
    response = client_for("grid").get(reverse("area-detail", args=[world.areas["g3"].pk]))
    assert response.status_code == 404


def test_grid_worker_sees_detail_without_edit_links(client_for, world):
    page = client_for("grid").get(reverse("area-detail", args=[world.areas["g1"].pk])).content.decode()
    assert reverse("area-edit", args=[world.areas["g1"].pk]) not in page


def test_edit_forbidden_for_grid_worker(client_for, world):
    client = client_for("grid")
    url = reverse("area-edit", args=[world.areas["g1"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "改名", "level": "grid"}).status_code == 403
    assert Area.objects.get(pk=world.areas["g1"].pk).name == "甲一网格"


def test_create_forbidden_for_resident_and_other_community(client_for, world):
    url = reverse("area-create", args=[world.areas["c1"].pk])
    assert client_for("resident").get(url).status_code == 403
    # 甲社区 is not even visible to 乙社区's staff.
    assert client_for("community2").post(url, {"name": "越权网格", "level": "grid"}).status_code == 404
    assert not Area.objects.filter(name="越权网格").exists()


def test_create_form_proposes_next_child_code_and_allowed_levels(client_for, world):
    response = client_for("community").get(reverse("area-create", args=[world.areas["c1"].pk]))
    form = response.context["form"]
    assert form["code"].value() == "370602001001003"
    assert [value for value, _label in form.fields["level"].choices] == [Level.GRID, Level.COURTYARD]


def test_create_with_bow_tie_polygon_shows_error_and_saves_nothing(client_for, world):
    before = Area.objects.count()
    response = client_for("community").post(
        reverse("area-create", args=[world.areas["c1"].pk]),
        {"name": "新网格", "code": "370602001001003", "level": "grid", "boundary": json.dumps(BOW_TIE)},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["boundary"]
    assert any("自相交" in e for e in errors)
    assert "自相交" in response.content.decode()
    assert Area.objects.count() == before


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"code": "37060200100"}, "code", "区域编码格式不正确"),
        ({"code": "370602001002009"}, "code", "编码必须以上级区域编码"),
        ({"code": "370602001001001"}, "code", "已存在"),
        ({"level": "building"}, "level", "选择一个有效的选项"),
        ({"boundary": "不是JSON"}, "boundary", "不是有效的 GeoJSON"),
        ({"boundary": json.dumps(square(121.005, 37.005, 0.01))}, "boundary", "甲一网格"),
    ],
    ids=["bad-code", "code-of-other-parent", "duplicate-code", "level-not-allowed", "not-geojson", "overlap"],
)
def test_create_with_bad_input_shows_chinese_error_next_to_field(client_for, world, fields, field, message):
    before = Area.objects.count()
    data = {"name": "新网格", "code": "370602001001003", "level": "grid", "boundary": "", **fields}
    response = client_for("community").post(reverse("area-create", args=[world.areas["c1"].pk]), data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Area.objects.count() == before


def test_create_valid_grid_succeeds(client_for, world):
    boundary = square(121.0, 37.02, 0.01)
    response = client_for("community").post(
        reverse("area-create", args=[world.areas["c1"].pk]),
        {"name": "甲三网格", "code": "", "level": "grid", "boundary": json.dumps(boundary), "note": "新划"},
    )
    area = Area.objects.get(name="甲三网格")
    assert response.status_code == 302
    assert response.url == reverse("area-detail", args=[area.pk])
    assert (area.code, area.level, area.parent, area.note) == ("370602001001003", Level.GRID, world.areas["c1"], "新划")
    assert area.boundary == boundary


def test_create_accepts_a_pasted_feature_collection(client_for, world):
    boundary = square(121.0, 37.02, 0.01)
    pasted = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": boundary}]}
    client_for("community").post(
        reverse("area-create", args=[world.areas["c1"].pk]),
        {"name": "甲三网格", "code": "370602001001007", "level": "grid", "boundary": json.dumps(pasted)},
    )
    assert Area.objects.get(code="370602001001007").boundary == boundary


def test_edit_changes_name_and_boundary(client_for, world):
    g1 = world.areas["g1"]
    moved = square(121.0, 37.01, 0.01)
    response = client_for("community").post(
        reverse("area-edit", args=[g1.pk]),
        {"name": "甲一网格（调整）", "level": "grid", "boundary": json.dumps(moved), "is_active": "on"},
    )
    assert response.status_code == 302
    g1.refresh_from_db()
    assert (g1.name, g1.boundary, g1.is_active) == ("甲一网格（调整）", moved, True)


def test_edit_clearing_the_textarea_removes_the_boundary(client_for, world):
    g2 = world.areas["g2"]
    client_for("community").post(reverse("area-edit", args=[g2.pk]), {"name": g2.name, "level": "grid", "boundary": ""})
    g2.refresh_from_db()
    assert g2.boundary is None


def test_edit_form_shows_siblings_greyed_and_parent_outline(client_for, world):
    response = client_for("community").get(reverse("area-edit", args=[world.areas["g1"].pk]))
    features = response.context["map_data"]["features"]
    assert [(f["role"], f["name"]) for f in features] == [("context", "甲社区"), ("sibling", "甲二网格")]
    assert json.loads(response.context["form"]["boundary"].value()) == world.areas["g1"].boundary


def test_edit_form_offers_only_levels_that_fit_the_existing_children(client_for, world):
    from gridgov.org.actions import create_area

    g2 = world.areas["g2"]
    create_area(world.user("community"), parent=g2, name="甲二微网格", level=Level.SUB_GRID)
    response = client_for("community").get(reverse("area-edit", args=[g2.pk]))
    # A courtyard may hold only buildings, so a grid that has a sub-grid cannot become one.
    levels = [value for value, _label in response.context["form"].fields["level"].choices]
    assert levels == [Level.GRID]


def test_street_admin_edit_form_for_a_street_offers_street_level_only(client_for, world):
    response = client_for("street").get(reverse("area-edit", args=[world.areas["street"].pk]))
    assert response.status_code == 200
    assert [value for value, _label in response.context["form"].fields["level"].choices] == [Level.STREET]
    assert "code" not in response.context["form"].fields  # codes are fixed once the subtree hangs on them
