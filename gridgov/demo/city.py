"""The demo city: one street per seed community (shared/seeds/), with the structure
and the figures each report describes.

    奇山街道 / 塔山社区      7 grids, each a 网格党支部; 楼道党小组; four joint organisations
                            (双管双责, 社会组织, 高校, 商圈联盟 with 18 members); an elder living alone
    明水街道 / 5 communities 75 courtyards, each a 院落党支部; 楼栋党小组; 党员中心户; 流动网格员
    小金口街道 / 金源社区     9 grids, 4 grid branches of 6; 36,000 people (26,000 floating);
                            696 members (138 入格, 558 not, 368 of them from 18 units); 郑海维
    望湖街道 / 望湖社区      小区党支部 > 楼栋党小组 > 党员示范户, building-group leaders
    漳州开发区街道 / 凌波社区 26 compounds in 3 big grids split into 13 small ones; 1+3+N

The data is synthetic: names from a generator, ID numbers that pass the checksum
but belong to nobody, phones in the 199 0xxx xxxx block.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.functions import Length
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.org.models import (
    PARTY_RANK,
    Area,
    GeoIndexVersion,
    JointType,
    Level,
    PartyOrg,
    PartyOrgKind,
    RoleAssignment,
)
from gridgov.org.roles import Role
from gridgov.org.scope import prefix_q
from gridgov.people.models import (
    GridWorker,
    GridWorkerKind,
    Household,
    PartyMember,
    Resident,
    ResidentTag,
    WorkStatus,
)

from .builder import DEMO_NOTE, Builder, Person, years_ago
from .geometry import Box

PASSWORD = "gridgov-demo"


@dataclass(frozen=True)
class StreetSpec:
    code: str
    name: str
    region: str  # the county code that the residents' ID numbers carry
    address: str  # the postal prefix of every household's address
    box: Box


QISHAN = StreetSpec("370602006", "奇山街道", "370602", "山东省烟台市芝罘区", Box.around(121.405, 37.525, 0.016, 0.012))
MINGSHUI = StreetSpec("370114001", "明水街道", "370114", "山东省济南市章丘区", Box.around(117.535, 36.712, 0.06, 0.04))
XIAOJINKOU = StreetSpec(
    "441302008", "小金口街道", "441302", "广东省惠州市惠城区", Box.around(114.43, 23.16, 0.03, 0.03)
)
WANGHU = StreetSpec("340111004", "望湖街道", "340111", "安徽省合肥市包河区", Box.around(117.29, 31.795, 0.016, 0.012))
KAIFAQU = StreetSpec(
    "350600001", "漳州开发区街道", "350600", "福建省漳州市漳州开发区", Box.around(117.99, 24.435, 0.024, 0.018)
)
STREETS = (QISHAN, MINGSHUI, XIAOJINKOU, WANGHU, KAIFAQU)
STREET_CODES = tuple(s.code for s in STREETS)

_CN = "一二三四五六七八九十"


def cn(number: int) -> str:
    """Chinese numerals up to 99, as grid names are written (第十三网格)."""
    if number <= 10:
        return _CN[number - 1]
    tens, ones = divmod(number, 10)
    return (_CN[tens - 1] if tens > 1 else "") + "十" + (_CN[ones - 1] if ones else "")


def _founded(year, month, day):
    return datetime.date(year, month, day)


class City:
    """Plans the five streets on a Builder and remembers the rows the accounts need."""

    def __init__(self, builder: Builder):
        self.b = builder
        self.refs: dict = {}

    def plan(self, on_street=lambda name: None):
        for name, recipe in (
            ("塔山社区", self.tashan),
            ("明水街道", self.mingshui),
            ("金源社区", self.jinyuan),
            ("望湖社区", self.wanghu),
            ("凌波社区", self.lingbo),
        ):
            on_street(name)
            recipe()
        return self

    # --- helpers -----------------------------------------------------------------------

    def _street(self, spec: StreetSpec, secretary_org: str):
        street = self.b.street(spec.code, spec.name, spec.box)
        org = self.b.org(street, secretary_org, PartyOrgKind.WORKING_COMMITTEE, founded_on=_founded(2010, 7, 1))
        return street, org

    def _building(self, spec, prefix, building, *, units=2, floors=3, per_floor=2, floating=0.1, first=None):
        """Households of one building, filled with families; {unit: [households]}."""
        b, by_unit = self.b, {}
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for k in range(1, per_floor + 1):
                    room = f"{floor}{k:02d}"
                    is_floating = b.rng.random() < floating
                    address = f"{spec.address}{prefix}{building.name}{unit}单元{room}室"
                    household = b.household(building, str(unit), room, address, rented=is_floating)
                    people = first if (first and not by_unit) else b.family(is_floating)
                    b.fill(household, people, spec.region, floating=is_floating)
                    by_unit.setdefault(unit, []).append(household)
        return by_unit

    def _share_duty(self, members, households):
        """Split the households among the members: each member's 责任田."""
        households = list(households)
        for i, member in enumerate(members):
            self.b.duty(member, households[i :: len(members)])

    # --- 塔山社区, 烟台芝罘 (seed 000) -------------------------------------------------

    def tashan(self):
        b, spec = self.b, QISHAN
        street, street_org = self._street(spec, "奇山街道党工委")
        [cbox] = spec.box.split(1, 1)
        community = b.area(street, "塔山社区", Level.COMMUNITY, cbox)
        prefix = f"{spec.name}{community.name}"
        committee = b.org(
            community, "塔山社区党委", PartyOrgKind.COMMITTEE, street_org, founded_on=_founded(2015, 7, 1)
        )
        self.refs.update(qishan=street, tashan=community)
        number = 0
        for i, gbox in enumerate(cbox.split(7, 4), 1):
            grid = b.area(community, f"塔山社区第{cn(i)}网格", Level.GRID, gbox)
            branch = b.org(
                grid, f"塔山社区第{cn(i)}网格党支部", PartyOrgKind.BRANCH, committee, founded_on=_founded(2018, 5, 11)
            )
            households = []
            for k in range(3):
                number += 1
                building = b.area(grid, f"塔山小区{number}号楼", Level.BUILDING)
                b.org(building, f"塔山小区{number}号楼楼道党小组", PartyOrgKind.GROUP, branch)
                # The elder living alone whom the first grid's 党员代理儿女 team looks after.
                first = [Person("户主", "F", 84)] if (i == 1 and k == 0) else None
                for unit_households in self._building(spec, prefix, building, first=first).values():
                    households += unit_households
            members = [b.member_from(r, grid, branch) for r in b.rng.sample(b.adults(households, 30), 6)]
            self._share_duty(members[1:], households)
            worker = b.worker([grid], spec.region)
            if i == 1:
                self.refs.update(
                    tashan_grid=grid,
                    tashan_member=members[0],
                    tashan_member_duty=households[:10],
                    tashan_worker=worker,
                    tashan_households=households,
                )

        # 四方联合共建: the joint organisations under the committee.
        joint = [
            ("塔山社区双管双责联合党总支", PartyOrgKind.GENERAL_BRANCH, JointType.DUAL_MANAGED, 6, DUAL_UNITS),
            ("塔山社区社会组织党支部", PartyOrgKind.BRANCH, JointType.SOCIAL_ORG, 4, ["普助社会工作服务中心"]),
            ("塔山社区高校党总支", PartyOrgKind.GENERAL_BRANCH, JointType.UNIVERSITY, 5, ["塔山职业技术学院"]),
            ("塔山社区商圈联盟党支部", PartyOrgKind.BRANCH, JointType.BUSINESS_ALLIANCE, 18, TASHAN_SHOPS),
        ]
        for name, kind, joint_type, count, units in joint:
            org = b.org(community, name, kind, committee, joint_type=joint_type, founded_on=_founded(2018, 6, 1))
            for n in range(count):
                b.member_elsewhere(community, org, spec.region, origin_unit=units[n % len(units)])

    # --- 明水街道, 济南章丘 (seed 001) ----------------------------------------------------

    def mingshui(self):
        b, spec = self.b, MINGSHUI
        street, street_org = self._street(spec, "明水街道党工委")
        names = iter(_courtyard_names())
        grids = []
        for (cname, named), cbox in zip(MINGSHUI_COMMUNITIES, spec.box.split(5, 3), strict=True):
            community = b.area(street, cname, Level.COMMUNITY, cbox)
            prefix = f"{spec.name}{cname}"
            general = b.org(community, f"{cname}党总支", PartyOrgKind.GENERAL_BRANCH, street_org)
            courtyard_names = list(named)
            while len(courtyard_names) < 15:
                courtyard_names.append(next(names))
            for g, gbox in enumerate(cbox.split(3, 3), 1):
                grid = b.area(community, f"{cname}第{cn(g)}网格", Level.GRID, gbox)
                grids.append(grid)
                b.worker([grid], spec.region)
                for yname, ybox in zip(courtyard_names[(g - 1) * 5 : g * 5], gbox.split(5, 3), strict=True):
                    self._mingshui_courtyard(spec, prefix, grid, yname, ybox.inset(0.08), general)
            if cname == "百脉泉社区":
                # 香港街商圈: the alliance branch and its service station for new-economy workers.
                alliance = b.org(
                    community,
                    "香港街商圈联盟党支部",
                    PartyOrgKind.BRANCH,
                    general,
                    joint_type=JointType.BUSINESS_ALLIANCE,
                    founded_on=_founded(2022, 6, 1),
                )
                for n in range(8):
                    b.member_elsewhere(community, alliance, spec.region, origin_unit=f"香港街商圈商户{n + 1}号")
        # 流动网格员: couriers and delivery riders who know every doorway.
        for n, (occupation, employer) in enumerate(MOBILE_WORKERS):
            mine = [grids[(n * 3 + k) % len(grids)] for k in range(3)]
            b.worker(mine, spec.region, kind=GridWorkerKind.MOBILE, occupation=occupation, employer=employer)

    def _mingshui_courtyard(self, spec, prefix, grid, name, box, general):
        b = self.b
        courtyard = b.area(grid, name, Level.COURTYARD, box)
        branch = b.org(
            courtyard,
            f"{name}院落党支部",
            PartyOrgKind.BRANCH,
            general,
            founded_on=b.date_between(_founded(2021, 3, 1), _founded(2022, 11, 30)),
        )
        # 一职专宿舍: 25 members, a 党小组 in every building, a 中心户 in every unit.
        wanted, buildings = (25, 4) if name == "一职专宿舍" else (6, 2)
        households = []
        # 公路局宿舍: the 69-year-old member 翟成淮 who took a shift at the gate in the epidemic.
        zhai = [Person("户主", "M", 69, name="翟成淮"), Person("配偶", "F", 67)] if name == "公路局宿舍" else None
        for k in range(1, buildings + 1):
            building = b.area(courtyard, f"{name}{k}号楼", Level.BUILDING)
            b.org(building, f"{name}{k}号楼党小组", PartyOrgKind.GROUP, branch)
            for unit_households in self._building(spec, prefix, building, first=zhai if k == 1 else None).values():
                b.center_member(unit_households, courtyard, branch)
                households += unit_households
        if zhai:
            veteran = b.people_of[id(households[0])][0]
            if id(veteran) not in b.member_of:
                b.member_from(veteran, courtyard, branch)
        already = sum(1 for m in b.plan.members if m.party_org is branch)
        for resident in b.rng.sample(b.adults(households), max(0, wanted - already)):
            b.member_from(resident, courtyard, branch)

    # --- 金源社区, 惠州小金口 (seed 002) ------------------------------------------------

    def jinyuan(self):
        b, spec = self.b, XIAOJINKOU
        street, street_org = self._street(spec, "小金口街道党工委")
        [cbox] = spec.box.split(1, 1)
        community = b.area(street, "金源社区", Level.COMMUNITY, cbox)
        prefix = f"{spec.name}{community.name}"
        committee = b.org(
            community, "金源社区党委", PartyOrgKind.COMMITTEE, street_org, founded_on=_founded(2017, 11, 1)
        )
        grids = [
            b.area(community, f"金源社区第{cn(i)}网格", Level.GRID, gbox) for i, gbox in enumerate(cbox.split(9, 3), 1)
        ]
        # 6 branches: 4 on the grids (each covering two or three of the 9), 2 on the community.
        covering = [(0, 1), (2, 3), (4, 5), (6, 7, 8)]
        branch_of = {}
        for covered in covering:
            first, last = cn(covered[0] + 1), cn(covered[-1] + 1)
            label = f"{first}、{last}" if len(covered) == 2 else f"{first}至{last}"
            branch = b.org(
                grids[covered[0]],
                f"金源社区第{label}网格党支部",
                PartyOrgKind.BRANCH,
                committee,
                founded_on=_founded(2017, 7, 1),
            )
            branch_of.update(dict.fromkeys(covered, branch))
        b.org(community, "金源社区机关党支部", PartyOrgKind.BRANCH, committee, founded_on=_founded(2015, 7, 1))
        b.org(community, "金源社区离退休党支部", PartyOrgKind.BRANCH, committee, founded_on=_founded(2015, 7, 1))

        # Exactly 10,000 registered and 26,000 floating residents.
        zheng = [Person("户主", "M", 61, name="郑海维"), Person("配偶", "F", 59)]
        local = b.exact_families(10_000, floating=False, first=[zheng])
        floating = b.exact_families(26_000, floating=True)
        families = [(f, False) for f in local[1:]] + [(f, True) for f in floating]
        b.rng.shuffle(families)
        families.insert(0, (zheng, False))

        # 长湖街: 21 old houses of 6 households each, 126 in all, in the first grid.
        changhu = []
        queue = iter(families)
        for n in range(1, 22):
            house = b.area(grids[0], f"长湖街{n}号", Level.BUILDING)
            for floor in range(1, 4):
                for k in (1, 2):
                    people, is_floating = next(queue)
                    room = f"{floor}0{k}"
                    address = f"{spec.address}{prefix}{house.name}{room}室"
                    household = b.household(house, "", room, address, rented=is_floating)
                    b.fill(household, people, spec.region, floating=is_floating)
                    changhu.append(household)
        rest = list(queue)
        per_grid = [len(rest) // 9 + (1 if g < len(rest) % 9 else 0) for g in range(9)]
        households_of = {0: list(changhu)}
        position = 0
        for g, grid in enumerate(grids):
            households_of.setdefault(g, [])
            estate = JINYUAN_ESTATES[g]
            mine = rest[position : position + per_grid[g]]
            position += per_grid[g]
            for start in range(0, len(mine), 72):
                building = b.area(grid, f"{estate}{start // 72 + 1}栋", Level.BUILDING)
                for slot, (people, is_floating) in enumerate(mine[start : start + 72]):
                    unit, room = slot // 18 + 1, f"{slot % 18 // 3 + 1}0{slot % 3 + 1}"
                    address = f"{spec.address}{prefix}{building.name}{unit}单元{room}室"
                    household = b.household(building, str(unit), room, address, rented=is_floating)
                    b.fill(household, people, spec.region, floating=is_floating)
                    households_of[g].append(household)

        # 696 members. 138 have their relation here and are placed in grids (入格), each
        # with a 责任田; 郑海维's is the 126 households of 长湖街.
        zheng_resident = b.people_of[id(changhu[0])][0]
        # 61 years old, half retired, 39 years in the party.
        joined = b.date_between(years_ago(b.today, 40) + datetime.timedelta(days=1), years_ago(b.today, 39))
        zheng_member = b.member_from(
            zheng_resident, grids[0], branch_of[0], work_status=WorkStatus.RETIRED, joined_party_on=joined
        )
        b.duty(zheng_member, changhu)
        placed = [1] + [0] * 8
        for n in range(137):
            placed[(n + 1) % 9] += 1
        for g, grid in enumerate(grids):
            pool = b.adults(households_of[g], 25, 80)
            members = [b.member_from(r, grid, branch_of[g]) for r in b.rng.sample(pool, placed[g] - (g == 0))]
            duty = [h for h in households_of[g] if h not in changhu] if g == 0 else households_of[g]
            if members:
                self._share_duty(members, duty)
        # 558 whose relation is elsewhere: 368 from 18 stationed units, 190 who live here.
        for n in range(368):
            b.member_elsewhere(community, None, spec.region, origin_unit=JINYUAN_UNITS[n % len(JINYUAN_UNITS)])
        everyone = [h for g in range(9) for h in households_of[g]]
        for resident in b.rng.sample(b.adults(everyone, 25, 60), 190):
            b.member_from(resident, community, None, relation_in_community=False, work_status=WorkStatus.EMPLOYED)
        for grid in grids:
            b.worker([grid], spec.region)

    # --- 望湖社区, 合肥包河 (seed 003) --------------------------------------------------

    def wanghu(self):
        b, spec = self.b, WANGHU
        street, street_org = self._street(spec, "望湖街道党工委")
        [cbox] = spec.box.split(1, 1)
        community = b.area(street, "望湖社区", Level.COMMUNITY, cbox)
        prefix = f"{spec.name}{community.name}"
        committee = b.org(
            community, "望湖社区党委", PartyOrgKind.COMMITTEE, street_org, founded_on=_founded(2016, 7, 1)
        )
        for (name, count, suffix), ybox in zip(WANGHU_COMPOUNDS, cbox.split(4, 2), strict=True):
            compound = b.area(community, name, Level.COURTYARD, ybox.inset(0.05))
            branch = b.org(
                compound, f"{name}小区党支部", PartyOrgKind.BRANCH, committee, founded_on=_founded(2019, 3, 1)
            )
            for k in range(1, count + 1):
                building = b.area(compound, f"{name}{k}{suffix}", Level.BUILDING)
                b.org(building, f"{building.name}党小组", PartyOrgKind.GROUP, branch)
                for unit, unit_households in self._building(spec, prefix, building).items():
                    # 党员示范户 in every unit; the first unit's also leads the building group.
                    member = b.center_member(unit_households, compound, branch)
                    if member is not None and unit == 1:
                        member.resident.note = "楼栋党小组长（楼栋长）"
            b.worker([compound], spec.region)

    # --- 凌波社区, 漳州开发区 (seed 004) ------------------------------------------------

    def lingbo(self):
        b, spec = self.b, KAIFAQU
        street, street_org = self._street(spec, "漳州开发区街道党工委")
        [cbox] = spec.box.split(1, 1)
        community = b.area(street, "凌波社区", Level.COMMUNITY, cbox)
        prefix = f"{spec.name}{community.name}"
        # 1+3+N: the general branch, 3 branches on the big grids, members in the small ones.
        general = b.org(
            community, "凌波社区党总支", PartyOrgKind.GENERAL_BRANCH, street_org, founded_on=_founded(2012, 7, 1)
        )
        names = iter(LINGBO_COMPOUNDS)
        small = 0
        for g, (gbox, subs) in enumerate(zip(cbox.split(3, 3), (5, 4, 4), strict=True), 1):
            grid = b.area(community, f"凌波社区第{cn(g)}大网格", Level.GRID, gbox)
            branch = b.org(
                grid, f"凌波社区第{cn(g)}党支部", PartyOrgKind.BRANCH, general, founded_on=_founded(2020, 7, 1)
            )
            for sbox in gbox.split(subs, 2):
                small += 1
                sub = b.area(grid, f"凌波社区第{cn(small)}小网格", Level.SUB_GRID, sbox)
                households = []
                for ybox in sbox.split(2, 2):
                    name = next(names)
                    compound = b.area(sub, name, Level.COURTYARD, ybox.inset(0.1))
                    for k in (1, 2):
                        building = b.area(compound, f"{name}{k}幢", Level.BUILDING)
                        for unit_households in self._building(spec, prefix, building, floating=0.2).values():
                            households += unit_households
                for resident in b.rng.sample(b.adults(households, 25), 3):
                    b.member_from(resident, sub, branch)
                b.worker([sub], spec.region)


# --- names of places and units ------------------------------------------------------------

DUAL_UNITS = ["芝罘区城市管理局", "芝罘区市场监督管理局", "芝罘区住房和城乡建设局"]
TASHAN_SHOPS = [
    "童画培训学校",
    "塔山物业服务公司",
    "奇山惠民超市",
    "塔山路农商银行网点",
    "福寿堂大药房",
    "塔山路老字号面馆",
    "悦家便利店",
    "新城通讯",
    "塔山路邮政所",
]
MINGSHUI_COMMUNITIES = [
    ("桃花山社区", ["一职专宿舍", "公路局宿舍", "武装部宿舍"]),
    ("龙泉社区", ["君临天下"]),
    ("百脉泉社区", []),
    ("御泉社区", []),
    ("桃花山西区社区", []),
]
MOBILE_WORKERS = [
    ("快递员", "顺丰速运章丘营业部"),
    ("快递员", "中通快递明水网点"),
    ("快递员", "京东物流章丘站"),
    ("外卖员", "美团外卖明水站"),
    ("外卖员", "饿了么章丘站"),
    ("外卖员", "美团外卖绣水站"),
]
JINYUAN_ESTATES = ["金源花园", "长湖苑", "金源新村", "金湖雅居", "金源雅苑", "龙湖苑", "金盈花园", "新湖村", "金海湾"]
JINYUAN_UNITS = [
    "惠城区小金口街道办事处",
    "惠城区人民法院小金口法庭",
    "惠州市公安局小金口派出所",
    "惠城区税务局小金口税务分局",
    "惠州市第三人民医院",
    "惠城区小金口中心小学",
    "惠城区小金口中学",
    "惠州市供电局小金口供电所",
    "惠州市自来水公司小金口营业所",
    "惠城区市场监督管理局小金口所",
    "惠城区交通运输局小金口中队",
    "惠城区城市管理执法局小金口中队",
    "惠城区卫生健康局社区卫生服务中心",
    "惠州市邮政局小金口支局",
    "惠城区农商银行小金口支行",
    "惠城区消防救援大队小金口站",
    "惠城区司法局小金口司法所",
    "惠城区人力资源和社会保障局小金口所",
]
WANGHU_COMPOUNDS = [("滨湖春天", 12, "栋"), ("福桂苑", 10, "号楼"), ("望湖城", 6, "栋"), ("翠竹园", 6, "栋")]
LINGBO_COMPOUNDS = [
    "海景花园",
    "凌波花园",
    "招商花园",
    "南滨苑",
    "蓝月湾",
    "海韵华庭",
    "金港湾",
    "碧海蓝天",
    "丽景湾",
    "海滨一村",
    "海滨二村",
    "凌波新村",
    "港湾名都",
    "半岛花园",
    "双鱼岛苑",
    "海湾明珠",
    "南太武新城",
    "滨海华府",
    "浪琴湾",
    "观海苑",
    "港口生活区",
    "渔港新村",
    "阳光海岸",
    "望海楼",
    "鹭岛花园",
    "鸿洋公寓",
]


def _courtyard_names():
    """Names for 明水's courtyards after the ones the seed names: old units' dormitories
    and newer compounds, as a county town has them."""
    places = "绣水 明泉 东岭 汇泉 清照 龙山 锦屏 翠竹 福泰 山泉 双山 开元 唐王 香港街 北园 南园 秀水 埠村 枣园 百合"
    kinds = ["小区", "花园", "家园", "宿舍", "苑", "新村"]
    for kind in kinds:
        for place in places.split():
            yield f"{place}{kind}"


# --- accounts ---------------------------------------------------------------------------------

DEMO_USERNAMES = (
    "demo-admin",
    "demo-street",
    "demo-community",
    "demo-grid",
    "demo-member",
    "demo-volunteer",
    "demo-department",
    "demo-unit",
    "demo-resident",
    "demo-auditor",
)


def create_accounts(city: City):
    """The demo accounts, all with the password gridgov-demo.

    Written like the rest of the demo (bulk inserts, updates), so that loading and
    removing the demo leaves no history rows behind.
    """
    User = get_user_model()
    refs = city.refs
    # One PBKDF2 run for all: the password is published, and ten runs would take seconds.
    hashed = make_password(PASSWORD)
    street, community, grid = refs["qishan"], refs["tashan"], refs["tashan_grid"]
    worker, member = refs["tashan_worker"], refs["tashan_member"]
    duty = refs["tashan_member_duty"]

    # A household head with a phone, neither a member's home nor in the member's 责任田,
    # so that each account shows something different.
    member_homes = {id(m.resident.household) for m in city.b.plan.members if m.resident is not None}
    duty_ids = {id(h) for h in duty}
    resident = next(
        r
        for h in refs["tashan_households"][1:]
        if id(h) not in member_homes and id(h) not in duty_ids
        for r in city.b.people_of[id(h)]
        if r.relation == "户主" and r.phone_cipher
    )

    accounts = [
        ("demo-street", "演示街道管理员", Role.STREET_ADMIN, street, True),
        ("demo-community", "演示社区书记", Role.COMMUNITY_STAFF, community, True),
        ("demo-grid", worker.name, Role.GRID_WORKER, grid, True),
        ("demo-member", member.name, Role.PARTY_MEMBER, grid, False),
        ("demo-volunteer", "演示志愿者", Role.VOLUNTEER, community, False),
        ("demo-department", "演示职能部门", Role.DEPARTMENT_HANDLER, street, False),
        ("demo-unit", "演示共建单位", Role.UNIT_CONTACT, community, False),
        ("demo-resident", resident.name, Role.RESIDENT, resident.household.area, False),
        ("demo-auditor", "演示审计员", Role.AUDITOR, street, True),
    ]
    users = User.objects.bulk_create(
        [User(username="demo-admin", first_name="演示管理员", is_staff=True, is_superuser=True, password=hashed)]
        + [User(username=u, first_name=n, is_staff=staff, password=hashed) for u, n, _r, _a, staff in accounts]
    )
    by_name = {u.username: u for u in users}
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=by_name[u], role=role, area=area) for u, _n, role, area, _s in accounts]
    )
    GridWorker.objects.filter(pk=worker.pk).update(user=by_name["demo-grid"])
    PartyMember.objects.filter(pk=member.pk).update(user=by_name["demo-member"])
    Resident.objects.filter(pk=resident.pk).update(user=by_name["demo-resident"])
    through = PartyMember.responsibility_households.through
    through.objects.bulk_create([through(partymember_id=member.pk, household_id=h.pk) for h in duty])


def account_rows() -> list[tuple[str, str, str, str]]:
    """(username, role, area, password) of each demo account that exists."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES).prefetch_related("roles__area")}
    rows = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        if user.is_superuser:
            rows.append((username, _("系统管理员"), _("全部区域"), PASSWORD))
        for assignment in user.roles.all():
            rows.append((username, assignment.get_role_display(), assignment.area.path_names(), PASSWORD))
    return rows


def demo_resident_phone() -> str:
    resident = Resident.objects.filter(user__username="demo-resident").first()
    return resident.reveal("phone") if resident else ""


# --- building and removing ----------------------------------------------------------------------


def demo_streets():
    return Area.objects.filter(code__in=STREET_CODES, level=Level.STREET)


def foreign_streets():
    """Streets that sit on a demo code but were not made by the demo: never touched."""
    return demo_streets().exclude(note=DEMO_NOTE)


def build(seed=2018, step=lambda label, n: None) -> City:
    # Demo ID numbers must not collide with people already stored (the number is unique).
    taken = Resident.objects.exclude(id_number_digest="").values_list("id_number_digest", flat=True)
    builder = Builder(seed=seed, today=timezone.localdate(), taken_digests=taken)
    city = City(builder).plan(on_street=lambda name: step("planning", name))
    step("planned", builder.plan.size() + len(DEMO_USERNAMES))
    with transaction.atomic():
        builder.write(step)
        create_accounts(city)
        step("accounts", len(DEMO_USERNAMES))
        GeoIndexVersion.bump()
    from gridgov.org import geoindex

    geoindex.index.invalidate()
    return city


class DemoDataInUse(Exception):
    pass


def delete(step=lambda label, n: None):
    """Remove the demo streets, everything under them and the demo accounts.

    Rows are removed children first (the trees protect their parents). History is
    not written for the removal: it would add one row per deleted resident.
    """
    streets = list(demo_streets().filter(note=DEMO_NOTE).values_list("code", flat=True))
    User = get_user_model()
    try:
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            User.objects.filter(username__in=DEMO_USERNAMES).delete()
            if not streets:
                return
            in_demo = prefix_q("area__code", streets)
            areas = Area.objects.filter(prefix_q("code", streets))
            RoleAssignment.objects.filter(in_demo).delete()
            GridWorker.objects.filter(grids__in=areas).exclude(grids__in=Area.objects.exclude(pk__in=areas)).delete()
            PartyMember.objects.filter(in_demo).delete()
            ResidentTag.objects.filter(prefix_q("resident__household__area__code", streets)).delete()
            Resident.objects.filter(prefix_q("household__area__code", streets)).delete()
            step("residents", 0)
            Household.objects.filter(in_demo).delete()
            orgs = PartyOrg.objects.filter(in_demo)
            for kind in sorted(PartyOrgKind, key=PARTY_RANK.get, reverse=True):
                orgs.filter(kind=kind).delete()
            by_length = areas.annotate(code_length=Length("code"))
            lengths = set(by_length.values_list("code_length", flat=True))
            for length in sorted(lengths, reverse=True):
                by_length.filter(code_length=length).delete()
            GeoIndexVersion.bump()
    except (ProtectedError, RestrictedError) as exc:
        blocking = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        models = sorted({str(obj._meta.verbose_name) for obj in blocking})
        raise DemoDataInUse("、".join(models)) from exc
    from gridgov.org import geoindex

    geoindex.index.invalidate()
