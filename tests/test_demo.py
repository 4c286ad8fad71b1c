"""manage.py load_demo: the demo city holds the seed communities' structure and figures.

The city is built once for the module (it takes a while) and removed at the end; the
tests read it, and the tests that change it do so inside their own rolled-back
transaction.
"""

import datetime
import io
import itertools
import re
import time
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.models import OutboundMessage
from gridgov.demo import city
from gridgov.demo.builder import DEMO_NOTE
from gridgov.lib import geo, idcard, pii
from gridgov.org.models import Area, JointType, Level, PartyOrg, PartyOrgKind, RoleAssignment
from gridgov.people.models import (
    GridWorker,
    GridWorkerKind,
    Household,
    HukouStatus,
    PartyMember,
    Resident,
    ResidentTag,
    Tag,
    WorkStatus,
)

pytestmark = pytest.mark.slow

STREETS = {
    "370602006": "奇山街道",
    "370114001": "明水街道",
    "441302008": "小金口街道",
    "340111004": "望湖街道",
    "350600001": "漳州开发区街道",
}


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker, request):
    with django_db_blocker.unblock():
        out = io.StringIO()
        started = time.perf_counter()
        call_command("load_demo", stdout=out)
        seconds = time.perf_counter() - started
        line = f"load_demo built the demo city in {seconds:.1f} s on {connection.vendor}"
        # Shown in every run, not only on failure: the wall time is worth watching.
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(f"\n{line}")
        yield out.getvalue()
        call_command("load_demo", "--delete", stdout=io.StringIO())


@pytest.fixture
def demo(demo_city, db):
    return demo_city


def area(name, level=None):
    qs = Area.objects.filter(name=name)
    if level:
        qs = qs.filter(level=level)
    return qs.get()


def under(code, level):
    return Area.objects.filter(code__startswith=code, level=level)


def residents_under(a):
    return Resident.objects.filter(household__area__code__startswith=a.code)


def demo_counts():
    prefixes = list(STREETS)

    def count(model, field):
        return sum(model.objects.filter(**{f"{field}__startswith": p}).count() for p in prefixes)

    return {
        "areas": count(Area, "code"),
        "orgs": count(PartyOrg, "area__code"),
        "households": count(Household, "area__code"),
        "residents": count(Resident, "household__area__code"),
        "tags": count(ResidentTag, "resident__household__area__code"),
        "members": count(PartyMember, "area__code"),
        "workers": GridWorker.objects.filter(grids__code__regex=r"^(" + "|".join(prefixes) + ")").distinct().count(),
        "roles": count(RoleAssignment, "area__code"),
        "users": get_user_model().objects.filter(username__in=city.DEMO_USERNAMES).count(),
    }


# --- the seed communities ---------------------------------------------------------------


def test_builds_one_marked_street_per_seed_community(demo):
    streets = Area.objects.filter(level=Level.STREET, code__in=STREETS)
    assert {s.code: s.name for s in streets} == STREETS
    assert all(s.note == DEMO_NOTE for s in streets)
    for name in ("塔山社区", "金源社区", "望湖社区", "凌波社区", "桃花山社区"):
        assert area(name).level == Level.COMMUNITY


def test_tashan_has_seven_grids_each_with_a_branch_under_the_community_committee(demo):
    tashan = area("塔山社区")
    committee = PartyOrg.objects.get(area=tashan, kind=PartyOrgKind.COMMITTEE)
    assert committee.parent.kind == PartyOrgKind.WORKING_COMMITTEE
    grids = under(tashan.code, Level.GRID)
    assert grids.count() == 7
    for grid in grids:
        branch = PartyOrg.objects.get(area=grid, kind=PartyOrgKind.BRANCH)
        assert branch.parent == committee
        buildings = grid.children.filter(level=Level.BUILDING)
        assert buildings.exists()
        for building in buildings:
            assert PartyOrg.objects.get(area=building, kind=PartyOrgKind.GROUP).parent == branch
        assert PartyMember.objects.filter(area=grid, party_org=branch).count() >= 5


def test_tashan_joint_organisations_and_business_alliance_members(demo):
    committee = PartyOrg.objects.get(area=area("塔山社区"), kind=PartyOrgKind.COMMITTEE)
    joint = {o.joint_type: o for o in committee.children.exclude(joint_type="")}
    assert set(joint) == {
        JointType.DUAL_MANAGED,
        JointType.SOCIAL_ORG,
        JointType.UNIVERSITY,
        JointType.BUSINESS_ALLIANCE,
    }
    assert joint[JointType.DUAL_MANAGED].kind == PartyOrgKind.GENERAL_BRANCH
    alliance = joint[JointType.BUSINESS_ALLIANCE].members.all()
    assert alliance.count() == 18
    assert all(not m.relation_in_community and m.origin_unit for m in alliance)


def test_tashan_first_grid_has_an_elder_living_alone(demo):
    grid = area("塔山社区第一网格")
    elders = residents_under(grid).filter(tags__tag=Tag.ELDERLY_ALONE, tags__removed_on__isnull=True)
    assert elders.exists()
    elder = elders.first()
    assert elder.household.residents.count() == 1
    assert (timezone.localdate() - elder.birth_date).days // 365 >= 65


def test_mingshui_has_five_levels_down_to_party_member_center_households(demo):
    street = area("明水街道")
    working = PartyOrg.objects.get(area=street)
    assert working.kind == PartyOrgKind.WORKING_COMMITTEE
    communities = under(street.code, Level.COMMUNITY)
    assert {"桃花山社区", "龙泉社区", "百脉泉社区", "御泉社区", "桃花山西区社区"} <= {c.name for c in communities}
    generals = {c.code: PartyOrg.objects.get(area=c, kind=PartyOrgKind.GENERAL_BRANCH) for c in communities}
    assert all(g.parent == working for g in generals.values())

    courtyards = under(street.code, Level.COURTYARD)
    assert courtyards.count() == 75
    branches = PartyOrg.objects.filter(area__in=courtyards, kind=PartyOrgKind.BRANCH).select_related("area", "parent")
    assert branches.count() == 75
    assert all(b.name.endswith("院落党支部") for b in branches)
    assert all(b.parent == generals[b.area.code[:12]] for b in branches)
    assert {"一职专宿舍", "君临天下"} <= {c.name for c in courtyards}

    groups = PartyOrg.objects.filter(area__code__startswith=street.code, kind=PartyOrgKind.GROUP)
    assert groups.count() == under(street.code, Level.BUILDING).count()
    assert all(g.parent.kind == PartyOrgKind.BRANCH and g.area.parent_id == g.parent.area_id for g in groups)

    centers = PartyMember.objects.filter(area__code__startswith=street.code, is_center_household=True)
    assert centers.count() >= 150
    assert all(m.resident.household.is_center_household for m in centers.select_related("resident__household"))
    yizhuan = PartyMember.objects.filter(party_org__name="一职专宿舍院落党支部")
    assert yizhuan.count() == 25


def test_mingshui_has_couriers_and_riders_as_mobile_grid_workers(demo):
    mobile = GridWorker.objects.filter(kind=GridWorkerKind.MOBILE, grids__code__startswith="370114001").distinct()
    assert mobile.count() >= 4
    assert {w.occupation for w in mobile} == {"快递员", "外卖员"}
    assert all(w.employer for w in mobile)


def test_jinyuan_holds_the_seed_figures_exactly(demo):
    jinyuan = area("金源社区")
    grids = under(jinyuan.code, Level.GRID)
    assert grids.count() == 9
    committee = PartyOrg.objects.get(area=jinyuan, kind=PartyOrgKind.COMMITTEE)
    branches = committee.children.filter(kind=PartyOrgKind.BRANCH)
    assert branches.count() == 6
    assert branches.filter(area__level=Level.GRID).count() == 4

    people = residents_under(jinyuan)
    assert people.count() == 36_000
    assert people.filter(hukou_status=HukouStatus.FLOATING).count() == 26_000
    assert people.filter(hukou_status=HukouStatus.LOCAL).count() == 10_000

    members = PartyMember.objects.filter(area__code__startswith=jinyuan.code)
    assert members.count() == 696
    placed = members.filter(relation_in_community=True)
    assert placed.count() == 138
    assert set(placed.values_list("area__level", flat=True)) == {Level.GRID}
    assert all(m.responsibility_households.exists() for m in placed)
    elsewhere = members.filter(relation_in_community=False)
    assert elsewhere.count() == 558
    from_units = elsewhere.exclude(origin_unit="")
    assert from_units.count() == 368
    assert from_units.values("origin_unit").distinct().count() == 18


def test_zheng_haiwei_answers_for_126_households_on_changhu_street(demo):
    zheng = PartyMember.objects.get(name="郑海维")
    assert zheng.relation_in_community
    assert zheng.work_status == WorkStatus.RETIRED
    today = timezone.localdate()
    born = zheng.resident.birth_date
    assert today.year - born.year - ((today.month, today.day) < (born.month, born.day)) == 61
    duty = zheng.responsibility_households.select_related("area")
    assert duty.count() == 126
    assert all(h.area.name.startswith("长湖街") for h in duty)
    assert Household.objects.filter(area__name__startswith="长湖街").count() == 126


def test_wanghu_compound_branches_building_groups_and_demonstration_households(demo):
    wanghu = area("望湖社区")
    committee = PartyOrg.objects.get(area=wanghu, kind=PartyOrgKind.COMMITTEE)
    compounds = {c.name: c for c in wanghu.children.filter(level=Level.COURTYARD)}
    assert {"滨湖春天", "福桂苑"} <= set(compounds)
    for compound in compounds.values():
        branch = PartyOrg.objects.get(area=compound, kind=PartyOrgKind.BRANCH)
        assert branch.name == f"{compound.name}小区党支部"
        assert branch.parent == committee
        for building in compound.children.all():
            assert PartyOrg.objects.get(area=building, kind=PartyOrgKind.GROUP).parent == branch
            assert building.households.filter(is_center_household=True).exists()
    assert area("福桂苑9号楼", Level.BUILDING).parent == compounds["福桂苑"]
    leaders = residents_under(wanghu).filter(note__contains="楼栋党小组长")
    assert leaders.count() == under(wanghu.code, Level.BUILDING).count()
    assert all(r.party_member.is_center_household for r in leaders)


def test_lingbo_has_26_compounds_in_3_big_and_13_small_grids_and_1_plus_3(demo):
    lingbo = area("凌波社区")
    assert under(lingbo.code, Level.COURTYARD).count() == 26
    grids = under(lingbo.code, Level.GRID)
    assert grids.count() == 3
    assert under(lingbo.code, Level.SUB_GRID).count() == 13
    assert all(s.parent.level == Level.GRID for s in under(lingbo.code, Level.SUB_GRID))
    assert all(c.parent.level == Level.SUB_GRID for c in under(lingbo.code, Level.COURTYARD))
    general = PartyOrg.objects.get(area=lingbo)
    assert general.kind == PartyOrgKind.GENERAL_BRANCH
    assert sorted(o.area.name for o in general.children.all()) == sorted(g.name for g in grids)
    assert all(o.kind == PartyOrgKind.BRANCH for o in general.children.all())


# --- the synthetic people -----------------------------------------------------------------


def test_every_community_has_households_and_residents(demo):
    for community in Area.objects.filter(level=Level.COMMUNITY, code__regex=r"^(" + "|".join(STREETS) + ")"):
        assert residents_under(community).count() >= 300, community.name
        assert Household.objects.filter(area__code__startswith=community.code).exclude(address="").exists()


def test_id_numbers_are_checksum_valid_fakes_matching_the_person(demo):
    residents = Resident.objects.filter(household__area__code__regex=r"^(" + "|".join(STREETS) + ")")
    total = residents.count()
    assert residents.values("id_number_digest").distinct().count() == total
    assert not residents.filter(id_number_digest="").exists()
    sample = residents.select_related("household__area").order_by("?")[:300]
    for person in sample:
        number = idcard.validate_id_number(person.reveal("id_number"))
        assert idcard.birth_date(number) == person.birth_date
        assert idcard.gender(number) == person.gender
        assert person.id_number_masked == number[:3] + "*" * 11 + number[-4:]
        if person.hukou_status == HukouStatus.LOCAL:
            assert number[:6] == person.household.area.code[:6]
        else:
            assert person.is_separated and person.registered_address
        if person.phone_cipher:
            phone = idcard.validate_phone(person.reveal("phone"))
            assert phone.startswith("1990")


def test_special_groups_are_tagged_at_plausible_rates_with_dates(demo):
    residents = Resident.objects.filter(household__area__code__regex=r"^(" + "|".join(STREETS) + ")")
    total = residents.count()
    tags = ResidentTag.objects.filter(resident__in=residents)
    per_tag = Counter(tags.values_list("tag", flat=True))
    for tag in (Tag.ELDERLY_ALONE, Tag.ELDERLY, Tag.DISABLED, Tag.LOW_INCOME, Tag.CHILD_IN_DIFFICULTY, Tag.VETERAN):
        assert 0 < per_tag[tag] < total * 0.05, tag
    today = timezone.localdate()
    assert not tags.filter(set_on__gt=today).exists()
    for tag in tags.filter(tag=Tag.ELDERLY).select_related("resident")[:200]:
        assert tag.set_on >= tag.resident.birth_date + datetime.timedelta(days=80 * 365)


# --- the map -----------------------------------------------------------------------------


def test_every_area_passes_full_clean_and_siblings_never_overlap(demo):
    areas = list(Area.objects.filter(code__regex=r"^(" + "|".join(STREETS) + ")").select_related("parent"))
    assert len(areas) > 500
    for a in areas:
        a.full_clean()
        assert (a.level == Level.BUILDING) == (a.boundary is None), a.name
    shapes = {a.pk: geo.parse_boundary(a.boundary) for a in areas if a.boundary}
    by_parent = {}
    for a in areas:
        if a.boundary:
            by_parent.setdefault((a.parent_id, a.level), []).append(a)
    for siblings in by_parent.values():
        for x, y in itertools.combinations(siblings, 2):
            assert not geo.overlaps(shapes[x.pk], shapes[y.pk]), (x.name, y.name)
    for a in areas:
        if a.boundary and a.parent_id:
            assert shapes[a.parent_id].buffer(1e-9).contains(shapes[a.pk]), a.name
    # Each street sits near its real city.
    tashan = area("奇山街道")
    assert 121 < tashan.center_lng < 122 and 37 < tashan.center_lat < 38


# --- accounts ----------------------------------------------------------------------------


def test_every_demo_account_logs_in_with_the_demo_password(demo, client):
    User = get_user_model()
    for username in city.DEMO_USERNAMES:
        response = client.post(reverse("login"), {"username": username, "password": "gridgov-demo"})
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)
        client.post(reverse("logout"))
    staff = set(User.objects.filter(username__in=city.DEMO_USERNAMES, is_staff=True).values_list("username", flat=True))
    assert staff == {"demo-admin", "demo-street", "demo-community", "demo-grid", "demo-auditor"}
    assert User.objects.get(username="demo-admin").is_superuser


def test_the_load_prints_the_accounts_and_the_resident_phone(demo):
    for username in city.DEMO_USERNAMES:
        assert username in demo
    assert "gridgov-demo" in demo
    phone = Resident.objects.get(user__username="demo-resident").reveal("phone")
    assert phone in demo


def test_demo_resident_logs_in_with_the_printed_phone_and_a_code(demo, client):
    phone = Resident.objects.get(user__username="demo-resident").reveal("phone")
    client.post(reverse("resident-login"), {"phone": phone})
    body = OutboundMessage.objects.filter(to_digest=pii.digest(phone)).latest("pk").body
    code = re.search(r"\d{6}", body).group()
    response = client.post(reverse("resident-login"), {"phone": phone, "code": code})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="demo-resident")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_demo_grid_worker_sees_only_the_residents_of_their_grid(demo):
    user = get_user_model().objects.get(username="demo-grid")
    grid = area("塔山社区第一网格")
    assert user.grid_worker.grids.get() == grid
    visible = Resident.objects.visible_to(user)
    assert visible.count() == residents_under(grid).count() > 0
    assert not visible.exclude(household__area__code__startswith=grid.code).exists()


def test_each_demo_account_sees_what_its_role_allows(demo):
    User = get_user_model()

    def user(name):
        return User.objects.get(username=name)

    qishan, tashan = area("奇山街道"), area("塔山社区")
    assert Resident.objects.visible_to(user("demo-street")).count() == residents_under(qishan).count()
    assert Resident.objects.visible_to(user("demo-community")).count() == residents_under(tashan).count()
    assert Resident.objects.visible_to(user("demo-auditor")).count() == residents_under(qishan).count()
    assert Resident.objects.visible_to(user("demo-admin")).filter(household__area__code__startswith="441302").count()
    for name in ("demo-volunteer", "demo-department", "demo-unit"):
        assert not Resident.objects.visible_to(user(name)).exists(), name

    member = user("demo-member")
    duty = set(member.party_member.responsibility_households.values_list("pk", flat=True))
    assert len(duty) == 10
    own = {member.party_member.resident.household_id}
    assert set(Household.objects.visible_to(member).values_list("pk", flat=True)) == duty | own
    assert PartyOrg.objects.visible_to(member).filter(area__name="塔山社区第一网格").exists()

    resident = user("demo-resident")
    home = resident.resident.household
    assert set(Resident.objects.visible_to(resident)) == set(home.residents.all())
    assert RoleAssignment.objects.get(user=resident).area == home.area


# --- running again --------------------------------------------------------------------------


def test_a_second_run_changes_nothing(demo):
    before = demo_counts()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert demo_counts() == before
    assert "--reset" in out.getvalue()
    assert before["residents"] > 40_000


def test_reset_rebuilds_the_same_city_and_spares_other_data(demo, world):
    before = demo_counts()
    others = (Area.objects.count() - before["areas"], Resident.objects.count() - before["residents"])
    call_command("load_demo", "--reset", stdout=io.StringIO())
    assert demo_counts() == before
    assert (Area.objects.count() - before["areas"], Resident.objects.count() - before["residents"]) == others
    assert Resident.objects.filter(pk=world.residents["zhang"].pk).exists()
    assert get_user_model().objects.filter(username="street").exists()


def test_delete_removes_the_demo_and_nothing_else(demo, world):
    outside = Area.objects.exclude(code__regex=r"^(" + "|".join(STREETS) + ")").count()
    residents = Resident.objects.exclude(household__area__code__regex=r"^(" + "|".join(STREETS) + ")").count()
    call_command("load_demo", "--delete", stdout=io.StringIO())
    assert not Area.objects.filter(code__regex=r"^(" + "|".join(STREETS) + ")").exists()
    assert not get_user_model().objects.filter(username__in=city.DEMO_USERNAMES).exists()
    assert Area.objects.count() == outside > 0
    assert Resident.objects.count() == residents > 0
    assert PartyMember.objects.filter(pk=world.members["zheng"].pk).exists()


def test_a_street_on_a_demo_code_that_is_not_demo_data_is_left_alone(demo):
    street = area("望湖街道")
    Area.objects.filter(pk=street.pk).update(note="我们自己的街道")
    before = demo_counts()
    with pytest.raises(CommandError, match="望湖街道"):
        call_command("load_demo", "--reset", stdout=io.StringIO())
    assert demo_counts() == before
