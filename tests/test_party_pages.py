"""The party pages: the organisation tree, creating an org, the member list and 责任田."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from gridgov.org.models import JointType, PartyOrg, PartyOrgKind
from gridgov.people.models import PartyMember, WorkStatus

ORG_LIST = "/party/"
MEMBER_LIST = "/party/members/"


def names_on(response):
    return response.content.decode()


def select(html, name):
    """The <select name=...> element of a form, as HTML."""
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(0)


def tree_children(html, org_name):
    """The HTML inside the <details> that folds the children of `org_name`."""
    start = html.index(f"{org_name}的下级组织")
    return html[start : html.index("</details>", start)]


@pytest.mark.django_db
class TestOrgTree:
    def test_community_staff_sees_own_committee_and_branch_but_not_other_community(self, client_for):
        html = names_on(client_for("community").get(ORG_LIST))
        assert "甲社区党委" in html
        assert "甲一网格党支部" in html
        assert "乙社区党委" not in html

    def test_second_community_sees_only_its_own_committee(self, client_for):
        html = names_on(client_for("community2").get(ORG_LIST))
        assert "乙社区党委" in html
        assert "甲社区党委" not in html
        assert "甲一网格党支部" not in html

    def test_grid_worker_sees_only_the_branch_set_on_its_grid(self, world, client_for):
        # VIEW_PARTY covers grid workers, scoped to their grid: the branch on 甲一网格,
        # but not the community committee above it.
        visible = set(PartyOrg.objects.visible_to(world.user("grid")).values_list("name", flat=True))
        assert visible == {"甲一网格党支部"}
        response = client_for("grid").get(ORG_LIST)
        assert response.status_code == 200
        html = names_on(response)
        assert "甲一网格党支部" in html
        # Shown as a root with the name of its (hidden) parent, not as a link to it.
        assert "上级：甲社区党委" in html
        assert reverse("partyorg-detail", args=[world.orgs["committee"].pk]) not in html

    @pytest.mark.parametrize("persona", ["resident", "volunteer", "nobody"])
    def test_people_without_a_party_role_are_refused(self, world, client_for, persona):
        client = client_for(persona)
        assert client.get(ORG_LIST).status_code == 403
        assert client.get(MEMBER_LIST).status_code == 403
        assert client.get(reverse("partyorg-detail", args=[world.orgs["branch1"].pk])).status_code == 403
        assert client.get(reverse("partymember-detail", args=[world.members["zheng"].pk])).status_code == 403

    def test_branch_is_nested_under_its_committee_with_kind_area_and_member_count(self, client_for):
        html = names_on(client_for("community").get(ORG_LIST))
        inside = tree_children(html, "甲社区党委")
        assert "甲一网格党支部" in inside
        assert "党支部" in inside
        assert "设在甲一网格（网格）" in inside
        assert "1 名党员" in inside

    def test_committee_counts_the_members_of_its_branches_too(self, client_for):
        html = names_on(client_for("community").get(ORG_LIST, {"kind": PartyOrgKind.COMMITTEE}))
        assert "1 名党员（直属 0 名）" in html

    def test_joint_org_is_marked_with_its_joint_type(self, world, client_for):
        PartyOrg.objects.create(
            name="高校联合党支部",
            kind=PartyOrgKind.BRANCH,
            area=world.areas["c1"],
            parent=world.orgs["committee"],
            joint_type=JointType.UNIVERSITY,
        )
        html = names_on(client_for("community").get(ORG_LIST))
        assert "高校联合党支部" in html
        assert "联合共建：高校" in html

    def test_filter_by_kind_and_by_area(self, world, client_for):
        client = client_for("street")
        html = names_on(client.get(ORG_LIST, {"kind": PartyOrgKind.BRANCH}))
        assert ">甲一网格党支部</a>" in html
        assert ">甲社区党委</a>" not in html
        html = names_on(client.get(ORG_LIST, {"area": world.areas["c2"].pk}))
        assert ">乙社区党委</a>" in html
        assert ">甲社区党委</a>" not in html

    def test_filter_by_an_area_outside_scope_is_refused_with_a_message(self, world, client_for):
        html = names_on(client_for("community").get(ORG_LIST, {"area": world.areas["c2"].pk}))
        assert "选择一个有效的选项" in html


@pytest.mark.django_db
class TestOrgDetail:
    def test_detail_shows_parent_children_and_members(self, world, client_for):
        client = client_for("community")
        html = names_on(client.get(reverse("partyorg-detail", args=[world.orgs["committee"].pk])))
        assert "甲一网格党支部" in html
        html = names_on(client.get(reverse("partyorg-detail", args=[world.orgs["branch1"].pk])))
        assert reverse("partyorg-detail", args=[world.orgs["committee"].pk]) in html
        assert "郑党员" in html
        assert reverse("partymember-detail", args=[world.members["zheng"].pk]) in html

    def test_org_of_another_community_is_not_found(self, world, client_for):
        response = client_for("community2").get(reverse("partyorg-detail", args=[world.orgs["branch1"].pk]))
        assert response.status_code == 404

    def test_add_child_link_only_for_those_who_may_add(self, world, client_for):
        url = reverse("partyorg-detail", args=[world.orgs["branch1"].pk])
        create = f"{reverse('partyorg-create')}?parent={world.orgs['branch1'].pk}"
        assert create in names_on(client_for("community").get(url))
        assert create not in names_on(client_for("grid").get(url))


@pytest.mark.django_db
class TestOrgCreate:
    def test_form_prefills_parent_area_and_next_kind(self, world, client_for):
        committee = world.orgs["committee"]
        html = names_on(client_for("community").get(reverse("partyorg-create"), {"parent": committee.pk}))
        assert f'<option value="{committee.pk}" selected>甲社区党委' in select(html, "parent")
        assert '<option value="branch" selected>党支部' in select(html, "kind")
        assert f'<option value="{world.areas["c1"].pk}" selected>' in select(html, "area")

    def test_area_choices_are_limited_to_areas_the_user_may_add_orgs_on(self, world, client_for):
        areas = select(names_on(client_for("community").get(reverse("partyorg-create"))), "area")
        assert "甲二网格" in areas
        assert "乙一网格" not in areas
        # The street is visible to navigate, but community staff may not set orgs on it.
        assert "测试街道" not in areas

    def test_creating_a_branch_under_the_committee_works(self, world, client_for):
        response = client_for("community").post(
            reverse("partyorg-create"),
            {
                "name": "甲二网格党支部",
                "kind": PartyOrgKind.BRANCH,
                "parent": world.orgs["committee"].pk,
                "area": world.areas["g2"].pk,
                "joint_type": "",
                "founded_on": "2024-07-01",
            },
        )
        org = PartyOrg.objects.get(name="甲二网格党支部")
        assert response.status_code == 302
        assert response["Location"] == reverse("partyorg-detail", args=[org.pk])
        assert org.parent == world.orgs["committee"]
        assert org.area == world.areas["g2"]
        assert str(org.founded_on) == "2024-07-01"

    def test_committee_under_a_branch_is_refused_in_chinese_and_nothing_saved(self, world, client_for):
        before = PartyOrg.objects.count()
        response = client_for("community").post(
            reverse("partyorg-create"),
            {
                "name": "错误党委",
                "kind": PartyOrgKind.COMMITTEE,
                "parent": world.orgs["branch1"].pk,
                "area": world.areas["g1"].pk,
            },
        )
        assert response.status_code == 200
        assert "党委不能设在党支部之下。" in names_on(response)
        assert PartyOrg.objects.count() == before

    def test_missing_name_and_area_outside_scope_are_named_and_nothing_saved(self, world, client_for):
        before = PartyOrg.objects.count()
        response = client_for("community").post(
            reverse("partyorg-create"),
            {"name": "", "kind": PartyOrgKind.BRANCH, "area": world.areas["g3"].pk},
        )
        html = names_on(response)
        assert response.status_code == 200
        assert "该字段是必填项。" in html
        assert "选择一个有效的选项" in html
        assert PartyOrg.objects.count() == before

    @pytest.mark.parametrize("persona", ["grid", "member", "auditor"])
    def test_roles_that_cannot_manage_party_orgs_get_403(self, world, client_for, persona):
        client = client_for(persona)
        assert client.get(reverse("partyorg-create")).status_code == 403
        response = client.post(
            reverse("partyorg-create"),
            {"name": "X", "kind": PartyOrgKind.GROUP, "parent": world.orgs["branch1"].pk, "area": world.areas["b1"].pk},
        )
        assert response.status_code == 403
        assert not PartyOrg.objects.filter(name="X").exists()


@pytest.fixture
def members(world):
    """A second member whose 组织关系 is not in the community, with a phone number."""
    other = PartyMember(
        area=world.areas["g2"],
        name="钱在职",
        party_org=world.orgs["committee"],
        relation_in_community=False,
        work_status=WorkStatus.EMPLOYED,
        origin_unit="区教育局",
        is_center_household=True,
    )
    other.set_phone("13900001234")
    other.save()
    far = PartyMember.objects.create(area=world.areas["g3"], name="孙乙社区", party_org=world.orgs["committee2"])
    return {"zheng": world.members["zheng"], "qian": other, "sun": far}


def member_names(response):
    html = names_on(response)
    return {name for name in ("郑党员", "钱在职", "孙乙社区") if f">{name}</a>" in html}


@pytest.mark.django_db
class TestMemberList:
    def test_members_are_scoped_like_visible_to(self, members, client_for):
        assert member_names(client_for("community").get(MEMBER_LIST)) == {"郑党员", "钱在职"}
        assert member_names(client_for("community2").get(MEMBER_LIST)) == {"孙乙社区"}
        assert member_names(client_for("grid").get(MEMBER_LIST)) == {"郑党员"}

    def test_filter_by_relation_in_community(self, members, client_for):
        client = client_for("community")
        assert member_names(client.get(MEMBER_LIST, {"relation": "no"})) == {"钱在职"}
        assert member_names(client.get(MEMBER_LIST, {"relation": "yes"})) == {"郑党员"}

    def test_filters_by_org_area_work_status_and_center_household(self, world, members, client_for):
        client = client_for("community")
        assert member_names(client.get(MEMBER_LIST, {"party_org": world.orgs["branch1"].pk})) == {"郑党员"}
        assert member_names(client.get(MEMBER_LIST, {"area": world.areas["g2"].pk})) == {"钱在职"}
        assert member_names(client.get(MEMBER_LIST, {"work_status": WorkStatus.RETIRED})) == {"郑党员"}
        assert member_names(client.get(MEMBER_LIST, {"center": "yes"})) == {"钱在职"}

    def test_filter_by_responsibility_coverage(self, members, client_for):
        client = client_for("community")
        assert member_names(client.get(MEMBER_LIST, {"duty": "none"})) == {"钱在职"}
        assert member_names(client.get(MEMBER_LIST, {"duty": "some"})) == {"郑党员"}
        assert member_names(client.get(MEMBER_LIST, {"duty_count": 1})) == {"郑党员"}
        html = names_on(client.get(MEMBER_LIST))
        assert "共 2 名党员，其中 1 名未分配责任田。" in html

    def test_columns_show_origin_unit_and_only_the_masked_phone(self, members, client_for):
        html = names_on(client_for("community").get(MEMBER_LIST))
        assert "区教育局" in html
        assert "139****1234" in html
        assert "13900001234" not in html
        assert "不在社区" in html


@pytest.mark.django_db
class TestResponsibilityHouseholds:
    def url(self, world):
        return reverse("partymember-detail", args=[world.members["zheng"].pk])

    def test_detail_lists_the_current_households(self, world, client_for):
        html = names_on(client_for("community").get(self.url(world)))
        assert "责任田（1 户）" in html
        assert world.households["h1"].full_address in html
        try:
            link = reverse("household-detail", args=[world.households["h1"].pk])
        except NoReverseMatch:
            link = None
        if link:
            assert f'href="{link}"' in html

    def test_community_staff_sets_two_households(self, world, client_for):
        h1, h1b = world.households["h1"], world.households["h1b"]
        response = client_for("community").post(self.url(world), {"households": [h1.pk, h1b.pk]})
        assert response.status_code == 302
        assert set(world.members["zheng"].responsibility_households.all()) == {h1, h1b}

    def test_grid_worker_sees_the_member_but_may_not_change_the_households(self, world, client_for):
        client = client_for("grid")
        page = client.get(self.url(world))
        assert page.status_code == 200
        assert "设置责任田" not in names_on(page)
        response = client.post(self.url(world), {"households": [world.households["h1b"].pk]})
        assert response.status_code == 403
        assert list(world.members["zheng"].responsibility_households.all()) == [world.households["h1"]]

    def test_household_of_another_community_is_refused_and_nothing_changes(self, world, client_for):
        response = client_for("community").post(self.url(world), {"households": [world.households["h3"].pk]})
        assert response.status_code == 200
        assert "选择一个有效的选项" in names_on(response)
        assert list(world.members["zheng"].responsibility_households.all()) == [world.households["h1"]]

    def test_clearing_every_box_empties_the_responsibility_field(self, world, client_for):
        response = client_for("community").post(self.url(world), {})
        assert response.status_code == 302
        assert world.members["zheng"].responsibility_households.count() == 0


def test_branch_cannot_sit_on_an_area_outside_its_parents_area(world):
    from django.core.exceptions import ValidationError

    from gridgov.org.actions import create_party_org

    with pytest.raises(ValidationError, match="上级党组织所在区域"):
        create_party_org(
            world.user("street"), area=world.areas["g3"], name="越界支部", kind="branch", parent=world.orgs["committee"]
        )
