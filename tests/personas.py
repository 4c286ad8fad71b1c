"""The shared test world: a small street with two communities and three grids, and
one user per role. Every test that needs people or access uses these personas.

    street 370602001 测试街道
      community 370602001001 甲社区
        grid 370602001001001 甲一网格  (boundary: square A)  building 甲1栋
        grid 370602001001002 甲二网格  (boundary: square B)  building 甲2栋
      community 370602001002 乙社区
        grid 370602001002001 乙一网格                          building 乙1栋
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from gridgov.lib.idcard import make_id_number
from gridgov.org.models import Area, Level, PartyOrg, PartyOrgKind, RoleAssignment
from gridgov.org.roles import Role
from gridgov.people.models import GridWorker, Household, PartyMember, Resident, ResidentTag, Tag

PASSWORD = "persona-pass-123"

# Every persona build_world() makes a user for (besides the superuser "admin").
PERSONAS = (
    "street",
    "community",
    "community2",
    "grid",
    "grid2",
    "member",
    "volunteer",
    "department",
    "unit",
    "resident",
    "auditor",
    "nobody",
)


def square(lng, lat, size=0.01):
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
    }


@dataclass
class World:
    areas: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    residents: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    orgs: dict = field(default_factory=dict)

    def user(self, name):
        return self.users[name]


def _area(code, name, level, parent=None, boundary=None):
    area = Area(code=code, name=name, level=level, parent=parent, boundary=boundary)
    area.full_clean()
    area.save()
    return area


def _resident(household, name, seq, phone=None, **extra):
    r = Resident(household=household, name=name, **extra)
    number = make_id_number("370602", datetime.date(1950 + seq, 1 + seq % 12, 1 + seq % 27), seq)
    r.set_id_number(number)
    if phone:
        r.set_phone(phone)
    r.save()
    r.clear_id_number = number
    return r


def build_world() -> World:
    w = World()
    a = w.areas
    a["street"] = _area("370602001", "测试街道", Level.STREET, boundary=square(121.0, 37.0, 0.1))
    a["c1"] = _area("370602001001", "甲社区", Level.COMMUNITY, a["street"], square(121.0, 37.0, 0.05))
    a["c2"] = _area("370602001002", "乙社区", Level.COMMUNITY, a["street"], square(121.05, 37.0, 0.05))
    a["g1"] = _area("370602001001001", "甲一网格", Level.GRID, a["c1"], square(121.0, 37.0, 0.01))
    a["g2"] = _area("370602001001002", "甲二网格", Level.GRID, a["c1"], square(121.02, 37.0, 0.01))
    a["g3"] = _area("370602001002001", "乙一网格", Level.GRID, a["c2"])
    a["b1"] = _area("370602001001001001", "甲1栋", Level.BUILDING, a["g1"])
    a["b2"] = _area("370602001001002001", "甲2栋", Level.BUILDING, a["g2"])
    a["b3"] = _area("370602001002001001", "乙1栋", Level.BUILDING, a["g3"])

    h = w.households
    h["h1"] = Household.objects.create(area=a["b1"], unit="1", room="101")
    h["h1b"] = Household.objects.create(area=a["b1"], unit="1", room="102")
    h["h2"] = Household.objects.create(area=a["b2"], unit="1", room="201")
    h["h3"] = Household.objects.create(area=a["b3"], unit="2", room="301")

    r = w.residents
    r["zhang"] = _resident(h["h1"], "张大爷", 1, phone="13800000001")
    r["li"] = _resident(h["h1b"], "李阿姨", 2, phone="13800000002")
    r["wang"] = _resident(h["h2"], "王先生", 3, phone="13800000003")
    r["zhao"] = _resident(h["h3"], "赵女士", 4, phone="13800000004", hukou_status="floating")
    ResidentTag.objects.create(resident=r["zhang"], tag=Tag.ELDERLY_ALONE, set_on=datetime.date(2024, 1, 1))
    ResidentTag.objects.create(resident=r["zhao"], tag=Tag.LOW_INCOME, set_on=datetime.date(2024, 1, 1))

    o = w.orgs
    o["committee"] = PartyOrg.objects.create(name="甲社区党委", kind=PartyOrgKind.COMMITTEE, area=a["c1"])
    o["branch1"] = PartyOrg.objects.create(
        name="甲一网格党支部", kind=PartyOrgKind.BRANCH, area=a["g1"], parent=o["committee"]
    )
    o["committee2"] = PartyOrg.objects.create(name="乙社区党委", kind=PartyOrgKind.COMMITTEE, area=a["c2"])

    User = get_user_model()

    def user(name, role, area, staff=False):
        u = User.objects.create_user(username=name, password=PASSWORD, first_name=name, is_staff=staff)
        if role:
            RoleAssignment.objects.create(user=u, role=role, area=area)
        w.users[name] = u
        return u

    user("street", Role.STREET_ADMIN, a["street"], staff=True)
    user("community", Role.COMMUNITY_STAFF, a["c1"], staff=True)
    user("community2", Role.COMMUNITY_STAFF, a["c2"], staff=True)
    user("grid", Role.GRID_WORKER, a["g1"], staff=True)
    user("grid2", Role.GRID_WORKER, a["g2"], staff=True)
    member_user = user("member", Role.PARTY_MEMBER, a["g1"])
    user("volunteer", Role.VOLUNTEER, a["c1"])
    user("department", Role.DEPARTMENT_HANDLER, a["street"])
    user("unit", Role.UNIT_CONTACT, a["c1"])
    resident_user = user("resident", Role.RESIDENT, a["b1"])
    user("auditor", Role.AUDITOR, a["street"], staff=True)
    user("nobody", None, None)
    w.users["admin"] = User.objects.create_superuser("admin", "admin@example.org", PASSWORD)

    resident_user.first_name = "张大爷"
    resident_user.save()
    r["zhang"].user = resident_user
    r["zhang"].save()
    worker = GridWorker.objects.create(name="grid", user=w.users["grid"])
    worker.grids.set([a["g1"]])
    m = PartyMember.objects.create(
        area=a["g1"], name="郑党员", party_org=o["branch1"], user=member_user, resident=r["li"]
    )
    m.responsibility_households.set([h["h1"]])
    w.members["zheng"] = m
    return w
