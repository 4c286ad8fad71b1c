"""The rules of the area tree, exercised through the actions that every page and API use."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from gridgov.org import geoindex
from gridgov.org.actions import create_area, update_area
from gridgov.org.models import Area, Level
from tests.personas import square

pytestmark = pytest.mark.django_db

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[121.0, 37.02], [121.01, 37.03], [121.01, 37.02], [121.0, 37.03], [121.0, 37.02]]],
}


def errors_of(excinfo):
    return excinfo.value.message_dict


def test_street_code_must_be_nine_digits(world):
    admin = world.user("admin")
    with pytest.raises(ValidationError) as excinfo:
        create_area(admin, parent=None, name="短码街道", level=Level.STREET, code="37060200")
    assert "区域编码格式不正确" in errors_of(excinfo)["code"][0]
    street = create_area(admin, parent=None, name="新街道", level=Level.STREET, code="370602002")
    assert street.depth == 0


def test_child_code_must_be_parent_code_plus_three_digits(world):
    staff, c1 = world.user("community"), world.areas["c1"]
    for bad in ("3706020010010031", "37060200100103", "370602001002003", "37060200100100a"):
        with pytest.raises(ValidationError) as excinfo:
            create_area(staff, parent=c1, name="错码网格", level=Level.GRID, code=bad)
        assert "code" in errors_of(excinfo), bad
    assert create_area(staff, parent=c1, name="甲九网格", level=Level.GRID, code="370602001001009").code.startswith(
        c1.code
    )
    assert not Area.objects.filter(name="错码网格").exists()


def test_child_code_is_proposed_in_sequence(world):
    area = create_area(world.user("community"), parent=world.areas["c1"], name="甲三网格", level=Level.GRID)
    assert area.code == "370602001001003"


def test_code_must_be_unique(world):
    with pytest.raises(ValidationError) as excinfo:
        create_area(
            world.user("community"), parent=world.areas["c1"], name="重码", level=Level.GRID, code="370602001001001"
        )
    assert "已存在" in errors_of(excinfo)["code"][0]


@pytest.mark.parametrize(
    ("parent", "level"),
    [("c1", Level.BUILDING), ("c1", Level.SUB_GRID), ("street", Level.GRID), ("b1", Level.BUILDING)],
)
def test_level_must_be_allowed_under_parent(world, parent, level):
    with pytest.raises(ValidationError) as excinfo:
        create_area(world.user("street"), parent=world.areas[parent], name="错层级", level=level)
    assert "下不能设" in errors_of(excinfo)["level"][0]


@pytest.mark.parametrize(
    ("parent", "level"),
    [("c1", Level.COURTYARD), ("g1", Level.SUB_GRID), ("g1", Level.COURTYARD), ("g1", Level.BUILDING)],
)
def test_variable_depth_levels_are_accepted(world, parent, level):
    area = create_area(world.user("community"), parent=world.areas[parent], name="新区域", level=level)
    assert area.parent == world.areas[parent]


def test_self_intersecting_polygon_refused_in_chinese(world):
    with pytest.raises(ValidationError) as excinfo:
        create_area(
            world.user("community"), parent=world.areas["c1"], name="蝴蝶网格", level=Level.GRID, boundary=BOW_TIE
        )
    message = errors_of(excinfo)["boundary"][0]
    assert "边界无效" in message and "自相交" in message
    assert not Area.objects.filter(name="蝴蝶网格").exists()


def test_polygon_overlapping_sibling_grid_refused(world):
    # Half of it lies inside 甲一网格 (121.00-121.01, 37.00-37.01).
    with pytest.raises(ValidationError) as excinfo:
        create_area(
            world.user("community"),
            parent=world.areas["c1"],
            name="重叠网格",
            level=Level.GRID,
            boundary=square(121.005, 37.0, 0.01),
        )
    assert "与同级区域“甲一网格”重叠" in errors_of(excinfo)["boundary"][0]


def test_polygon_sharing_an_edge_with_sibling_accepted(world):
    # Its west edge is 甲一网格's east edge (lng 121.01).
    area = create_area(
        world.user("community"),
        parent=world.areas["c1"],
        name="邻接网格",
        level=Level.GRID,
        boundary=square(121.01, 37.0, 0.01),
    )
    assert area.pk and area.center_lng == pytest.approx(121.015)


def test_update_into_a_sibling_is_refused_and_nothing_changes(world):
    g2 = world.areas["g2"]
    with pytest.raises(ValidationError):
        update_area(world.user("community"), g2, boundary=square(121.0, 37.0, 0.01))
    g2.refresh_from_db()
    assert g2.boundary == square(121.02, 37.0, 0.01)


def test_under_returns_exactly_the_subtree(world):
    a = world.areas
    assert set(Area.objects.under(a["c1"])) == {a["c1"], a["g1"], a["g2"], a["b1"], a["b2"]}
    assert set(Area.objects.under(a["c1"], include_self=False)) == {a["g1"], a["g2"], a["b1"], a["b2"]}
    assert set(Area.objects.under(a["g3"].code)) == {a["g3"], a["b3"]}
    assert Area.objects.under(a["street"]).count() == len(a)


def test_locate_returns_the_deepest_area(world):
    a = world.areas
    assert geoindex.locate(121.005, 37.005) == a["g1"]  # inside street, 甲社区 and 甲一网格
    assert geoindex.locate(121.015, 37.03) == a["c1"]  # in 甲社区 but no grid
    assert geoindex.locate(121.07, 37.02) == a["c2"]  # 乙一网格 has no boundary drawn
    assert geoindex.locate(121.07, 37.07) == a["street"]  # in the street, outside both communities
    assert geoindex.locate(122.0, 38.0) is None


def test_locate_sees_boundary_change_right_after_update(world):
    a = world.areas
    assert geoindex.locate(121.005, 37.025) == a["c1"]
    update_area(world.user("community"), a["g1"], boundary=square(121.0, 37.02, 0.01))
    assert geoindex.locate(121.005, 37.025) == a["g1"]
    assert geoindex.locate(121.005, 37.005) == a["c1"]
    update_area(world.user("community"), a["g1"], boundary=None)
    assert geoindex.locate(121.005, 37.025) == a["c1"]


def test_locate_sees_a_new_area_right_after_create(world):
    assert geoindex.locate(121.045, 37.045) == world.areas["c1"]
    area = create_area(
        world.user("community"),
        parent=world.areas["c1"],
        name="东北网格",
        level=Level.GRID,
        boundary=square(121.04, 37.04, 0.01),
    )
    assert geoindex.locate(121.045, 37.045) == area


def test_community_staff_cannot_create_under_other_community(world):
    with pytest.raises(PermissionDenied):
        create_area(world.user("community"), parent=world.areas["c2"], name="越权网格", level=Level.GRID)
    with pytest.raises(PermissionDenied):
        update_area(world.user("community"), world.areas["g3"], name="越权改名")
    assert not Area.objects.filter(name="越权网格").exists()
    assert Area.objects.get(pk=world.areas["g3"].pk).name == "乙一网格"


@pytest.mark.parametrize("persona", ["grid", "member", "resident", "auditor", "nobody"])
def test_only_area_managers_create_areas(world, persona):
    user = world.user(persona)
    for parent in ("g1", "c1", "street"):
        with pytest.raises(PermissionDenied):
            create_area(user, parent=world.areas[parent], name="无权区域", level=Level.BUILDING)
    assert not Area.objects.filter(name="无权区域").exists()


def test_only_superuser_creates_a_street(world):
    with pytest.raises(PermissionDenied):
        create_area(world.user("street"), parent=None, name="新街道", level=Level.STREET, code="370602002")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pattern-ops indexes exist only on PostgreSQL")
def test_prefix_query_uses_a_pattern_ops_index_on_code(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'org_area' AND indexdef LIKE %s",
            ["%(code varchar_pattern_ops)%"],
        )
        pattern_indexes = {name for (name,) in cursor.fetchall()}
    assert pattern_indexes, "the unique code column should carry a varchar_pattern_ops index"
    with transaction.atomic(), connection.cursor() as cursor:
        # On a table this small the planner prefers a scan unless told otherwise.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Area.objects.filter(code__startswith="370602001001").explain()
    assert "Index" in plan and any(name in plan for name in pattern_indexes), plan


def test_level_change_that_orphans_children_is_refused(world):
    create_area(world.user("community"), parent=world.areas["g1"], name="甲一微网格", level=Level.SUB_GRID)
    with pytest.raises(ValidationError, match="不能改为"):
        update_area(world.user("community"), world.areas["g1"], level=Level.COURTYARD)
    world.areas["g1"].refresh_from_db()
    assert world.areas["g1"].level == Level.GRID
