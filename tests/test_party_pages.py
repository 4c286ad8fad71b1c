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


def edit_url(org):
    return reverse("partyorg-edit", args=[org.pk])


def edit_data(org, **changes):
    """The edit form as a browser would post it: every current value, then the changes."""
    data = {
        "name": org.name,
        "kind": org.kind,
        "parent": org.parent_id or "",
        "area": org.area_id,
        "joint_type": org.joint_type,
        "founded_on": org.founded_on.isoformat() if org.founded_on else "",
        "is_active": str(org.is_active),
    }
    data.update(changes)
    return data


def field_errors(html, field):
    """The text of the error list the form puts on one field."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def snapshot(org):
    org.refresh_from_db()
    return (org.name, org.kind, org.parent_id, org.area_id, org.is_active)


@pytest.fixture
def group(world):
    """A 党小组 below 甲一网格党支部, set on its building."""
    return PartyOrg.objects.create(
        name="甲1栋党小组", kind=PartyOrgKind.GROUP, area=world.areas["b1"], parent=world.orgs["branch1"]
    )


@pytest.mark.django_db
class TestOrgEdit:
    def test_community_staff_renames_the_branch_and_moves_it_to_the_second_grid(self, world, client_for):
        branch = world.orgs["branch1"]
        response = client_for("community").post(
            edit_url(branch), edit_data(branch, name="甲二网格第一党支部", area=world.areas["g2"].pk)
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("partyorg-detail", args=[branch.pk])
        branch.refresh_from_db()
        assert branch.name == "甲二网格第一党支部"
        assert branch.area == world.areas["g2"]
        assert branch.parent == world.orgs["committee"]
        assert branch.history.first().history_user == world.user("community")
        detail = names_on(client_for("community").get(response["Location"]))
        assert "已保存党组织“甲二网格第一党支部”。" in detail
        assert "甲二网格" in detail

    def test_form_starts_from_the_current_values(self, world, client_for):
        branch = world.orgs["branch1"]
        branch.founded_on = "2021-07-01"
        branch.save()
        html = names_on(client_for("community").get(edit_url(branch)))
        assert "编辑党组织：甲一网格党支部" in html
        assert 'value="甲一网格党支部"' in html
        assert 'value="2021-07-01"' in html
        assert f'<option value="{world.orgs["committee"].pk}" selected>甲社区党委' in select(html, "parent")
        assert '<option value="branch" selected>党支部' in select(html, "kind")
        assert f'<option value="{world.areas["g1"].pk}" selected>' in select(html, "area")
        assert re.search(r'<input type="radio" name="is_active" value="True"[^>]*checked', html)

    def test_choices_leave_out_the_org_its_subtree_and_areas_outside_scope(self, world, group, client_for):
        html = names_on(client_for("community").get(edit_url(world.orgs["branch1"])))
        parents = select(html, "parent")
        assert "甲社区党委" in parents
        assert "甲一网格党支部" not in parents
        assert "甲1栋党小组" not in parents
        assert "乙社区党委" not in parents
        areas = select(html, "area")
        assert "甲二网格" in areas
        assert "乙一网格" not in areas
        assert "测试街道" not in areas

    def test_moving_the_branch_outside_its_committees_area_is_refused_on_the_area_field(self, world, client_for):
        # The street admin may choose 乙一网格, so the refusal comes from the model's rule.
        branch = world.orgs["branch1"]
        before = snapshot(branch)
        response = client_for("street").post(
            edit_url(branch), edit_data(branch, name="越界支部", area=world.areas["g3"].pk)
        )
        assert response.status_code == 200
        html = names_on(response)
        assert "上级党组织所在区域（甲社区）" in field_errors(html, "area")
        assert "请按提示修改后再保存。" in html
        assert snapshot(branch) == before

    def test_community_staff_cannot_even_choose_an_area_of_another_community(self, world, client_for):
        branch = world.orgs["branch1"]
        before = snapshot(branch)
        response = client_for("community").post(edit_url(branch), edit_data(branch, area=world.areas["g3"].pk))
        assert response.status_code == 200
        assert "选择一个有效的选项" in field_errors(names_on(response), "area")
        assert snapshot(branch) == before

    def test_kind_and_area_errors_from_the_model_are_shown_together(self, world, client_for):
        branch = world.orgs["branch1"]
        before = snapshot(branch)
        response = client_for("street").post(
            edit_url(branch), edit_data(branch, kind=PartyOrgKind.COMMITTEE, area=world.areas["g3"].pk)
        )
        html = names_on(response)
        assert "党委不能设在党委之下。" in field_errors(html, "kind")
        assert "上级党组织所在区域" in field_errors(html, "area")
        assert snapshot(branch) == before

    @pytest.mark.parametrize("own", ["child", "self"])
    def test_parent_from_its_own_subtree_is_refused(self, world, group, client_for, own):
        branch = world.orgs["branch1"]
        before = snapshot(branch)
        parent = group if own == "child" else branch
        response = client_for("community").post(edit_url(branch), edit_data(branch, parent=parent.pk))
        assert response.status_code == 200
        assert "上级党组织不能是本组织或它的下级组织。" in field_errors(names_on(response), "parent")
        assert snapshot(branch) == before

    def test_a_parent_outside_the_users_scope_is_kept_when_saving(self, world, client_for):
        # The street's 党工委 is not visible to community staff, but the committee under it
        # must not lose its parent because the form could not list it.
        top = PartyOrg.objects.create(
            name="测试街道党工委", kind=PartyOrgKind.WORKING_COMMITTEE, area=world.areas["street"]
        )
        committee = world.orgs["committee"]
        committee.parent = top
        committee.save()
        client = client_for("community")
        assert f'<option value="{top.pk}" selected>测试街道党工委' in select(
            names_on(client.get(edit_url(committee))), "parent"
        )
        response = client.post(edit_url(committee), edit_data(committee, name="甲社区党委（新）"))
        assert response.status_code == 302
        committee.refresh_from_db()
        assert committee.name == "甲社区党委（新）"
        assert committee.parent == top

    def test_revoking_an_org_greys_it_in_the_tree_with_a_badge_and_it_can_be_restored(self, world, client_for):
        branch = world.orgs["branch1"]
        # A branch with members on its roll cannot be revoked; move them first.
        PartyMember.objects.filter(party_org=branch).update(party_org=world.orgs["committee"])
        client = client_for("community")
        response = client.post(edit_url(branch), edit_data(branch, is_active="False"))
        assert response.status_code == 302
        branch.refresh_from_db()
        assert branch.is_active is False
        assert "已撤销党组织“甲一网格党支部”。" in names_on(client.get(response["Location"]))
        html = names_on(client.get(ORG_LIST))
        node = re.search(r'<div class="party-node party-inactive">(.*?)</div>', html, re.S)
        assert node and "甲一网格党支部" in node.group(1)
        assert "已撤销" in node.group(1)
        assert html.count("party-inactive") == 1

        response = client.post(edit_url(branch), edit_data(branch, is_active="True"))
        branch.refresh_from_db()
        assert branch.is_active is True
        assert "已恢复党组织“甲一网格党支部”。" in names_on(client.get(response["Location"]))
        assert "party-inactive" not in names_on(client.get(ORG_LIST))

    def test_missing_status_and_name_are_named_and_nothing_saved(self, world, client_for):
        branch = world.orgs["branch1"]
        before = snapshot(branch)
        data = edit_data(branch, name="")
        del data["is_active"]
        html = names_on(client_for("community").post(edit_url(branch), data))
        assert "该字段是必填项。" in field_errors(html, "name")
        assert "该字段是必填项。" in field_errors(html, "is_active")
        assert snapshot(branch) == before

    @pytest.mark.parametrize("persona", ["grid", "resident", "member", "auditor"])
    def test_people_who_may_not_change_party_orgs_get_403_on_page_and_post(self, world, client_for, persona):
        branch = world.orgs["branch1"]
        before = snapshot(branch)
        client = client_for(persona)
        assert client.get(edit_url(branch)).status_code == 403
        assert client.post(edit_url(branch), edit_data(branch, name="改名")).status_code == 403
        assert snapshot(branch) == before

    def test_org_of_another_community_is_not_found(self, world, client_for):
        branch = world.orgs["branch1"]
        before = snapshot(branch)
        client = client_for("community2")
        assert client.get(edit_url(branch)).status_code == 404
        assert client.post(edit_url(branch), edit_data(branch, name="改名")).status_code == 404
        assert snapshot(branch) == before

    def test_detail_shows_the_edit_button_to_community_staff_and_not_to_the_grid_worker(self, world, client_for):
        detail = reverse("partyorg-detail", args=[world.orgs["branch1"].pk])
        link = f'href="{edit_url(world.orgs["branch1"])}"'
        assert link in names_on(client_for("community").get(detail))
        grid_page = client_for("grid").get(detail)
        assert grid_page.status_code == 200
        assert link not in names_on(grid_page)
        assert ">编辑</a>" not in names_on(grid_page)


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

    def test_saving_keeps_households_the_editor_cannot_see(self, world, client_for):
        # 郑党员 also looks after a household in 乙社区, which 甲社区's staff never see.
        h1b, h3 = world.households["h1b"], world.households["h3"]
        member = world.members["zheng"]
        member.responsibility_households.add(h3)
        page = client_for("community").get(self.url(world))
        assert f'value="{h3.pk}"' not in names_on(page)
        response = client_for("community").post(self.url(world), {"households": [h1b.pk]})
        assert response.status_code == 302
        assert set(member.responsibility_households.all()) == {h1b, h3}
        client_for("community").post(self.url(world), {})
        assert set(member.responsibility_households.all()) == {h3}


def test_branch_cannot_sit_on_an_area_outside_its_parents_area(world):
    from django.core.exceptions import ValidationError

    from gridgov.org.actions import create_party_org

    with pytest.raises(ValidationError, match="上级党组织所在区域"):
        create_party_org(
            world.user("street"), area=world.areas["g3"], name="越界支部", kind="branch", parent=world.orgs["committee"]
        )


def test_edit_that_strands_the_organisations_below_is_refused(world):
    from django.core.exceptions import ValidationError

    from gridgov.org.actions import update_party_org

    community = world.user("community")
    committee = world.orgs["committee"]
    with pytest.raises(ValidationError, match="下级党组织中有"):
        update_party_org(community, committee, kind="group")
    with pytest.raises(ValidationError, match="下级党组织设在该区域之外"):
        update_party_org(community, committee, area=world.areas["g2"])
    with pytest.raises(ValidationError, match="在用的下级党组织"):
        update_party_org(community, committee, is_active=False)
    with pytest.raises(ValidationError, match="在册党员"):
        update_party_org(community, world.orgs["branch1"], is_active=False)
    committee.refresh_from_db()
    assert (committee.kind, committee.area, committee.is_active) == ("committee", world.areas["c1"], True)
