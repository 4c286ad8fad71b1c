"""Who sees which rows: the access matrix of the foundation, through visible_to()."""

import pytest

from gridgov.org.models import Area, PartyOrg
from gridgov.people.models import Household, PartyMember, Resident

RESIDENTS = {
    "admin": {"张大爷", "李阿姨", "王先生", "赵女士"},
    "street": {"张大爷", "李阿姨", "王先生", "赵女士"},
    "auditor": {"张大爷", "李阿姨", "王先生", "赵女士"},
    "community": {"张大爷", "李阿姨", "王先生"},
    "community2": {"赵女士"},
    "grid": {"张大爷", "李阿姨"},
    "grid2": {"王先生"},
    "member": {"张大爷", "李阿姨"},  # 责任田 h1 (张大爷) and own home (李阿姨)
    "resident": {"张大爷"},
    "volunteer": set(),
    "department": set(),
    "unit": set(),
    "nobody": set(),
}


@pytest.mark.parametrize("persona", sorted(RESIDENTS))
def test_each_role_sees_exactly_its_residents(world, persona):
    seen = set(Resident.objects.visible_to(world.user(persona)).values_list("name", flat=True))
    assert seen == RESIDENTS[persona]


@pytest.mark.parametrize("persona", sorted(RESIDENTS))
def test_households_follow_the_same_scope_as_residents(world, persona):
    households = Household.objects.visible_to(world.user(persona))
    names = set(Resident.objects.filter(household__in=households).values_list("name", flat=True))
    assert names == RESIDENTS[persona]


def test_grid_worker_cannot_see_other_grid(world):
    grid = world.user("grid")
    wang = world.residents["wang"]
    assert not Resident.objects.visible_to(grid).filter(pk=wang.pk).exists()
    assert not grid.has_perm("people.view_resident", wang)
    assert not grid.has_perm("people.change_resident", wang)
    assert grid.has_perm("people.change_resident", world.residents["zhang"])


def test_area_tree_shows_scope_and_the_path_above_it(world):
    codes = set(Area.objects.visible_to(world.user("grid")).values_list("code", flat=True))
    assert codes == {"370602001", "370602001001", "370602001001001", "370602001001001001"}
    assert Area.objects.visible_to(world.user("nobody")).count() == 0


def test_everything_under_an_area_is_one_prefix_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = list(Area.objects.under(world.areas["c1"]).values_list("code", flat=True))
    assert codes == sorted(c for c in codes if c.startswith("370602001001"))
    assert len(codes) == 5


def test_party_orgs_and_members_are_scoped(world):
    assert set(PartyOrg.objects.visible_to(world.user("community2")).values_list("name", flat=True)) == {"乙社区党委"}
    assert PartyMember.objects.visible_to(world.user("community2")).count() == 0
    assert list(PartyMember.objects.visible_to(world.user("member"))) == [world.members["zheng"]]


def test_role_that_ended_gives_no_access(world):
    import datetime

    from gridgov.org.models import RoleAssignment
    from gridgov.org.scope import forget_roles

    grid = world.user("grid")
    RoleAssignment.objects.filter(user=grid).update(ends_on=datetime.date(2020, 1, 1))
    forget_roles(grid)
    assert Resident.objects.visible_to(grid).count() == 0


def test_tag_roster_on_a_past_date_is_reproducible(world):
    import datetime

    from gridgov.people import actions
    from gridgov.people.models import Tag

    zhang = world.residents["zhang"]
    actions.remove_tag(
        world.user("community"), zhang, Tag.ELDERLY_ALONE, on=datetime.date(2025, 6, 1), reason="子女回家同住"
    )
    assert list(Resident.objects.with_tag(Tag.ELDERLY_ALONE, on=datetime.date(2025, 5, 31))) == [zhang]
    assert not Resident.objects.with_tag(Tag.ELDERLY_ALONE, on=datetime.date(2025, 6, 1)).exists()
    assert not Resident.objects.with_tag(Tag.ELDERLY_ALONE, on=datetime.date(2023, 12, 31)).exists()
