"""The machinery under the demo city: areas, party organisations, households and
synthetic people built in memory, then written with bulk inserts in one pass.

Everything is deterministic for a given seed, so two runs give the same city.
"""

import datetime
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction

from gridgov.lib import areacode, geo, idcard
from gridgov.org.models import PARTY_RANK, Area, Level, PartyOrg, PartyOrgKind
from gridgov.people.models import (
    Gender,
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

from .geometry import Box
from .names import NameGenerator

DEMO_NOTE = "演示数据：由 manage.py load_demo 生成；load_demo --reset 删除后重建，load_demo --delete 删除。"

# Hometowns of the floating population: the ID number of a migrant carries the
# code of the county they were registered in, not the one they live in.
HOMETOWNS = [
    ("430421", "湖南省衡阳县"),
    ("431021", "湖南省桂阳县"),
    ("360721", "江西省赣县"),
    ("450881", "广西壮族自治区桂平市"),
    ("441621", "广东省紫金县"),
    ("441424", "广东省五华县"),
    ("510322", "四川省富顺县"),
    ("411521", "河南省罗山县"),
    ("341221", "安徽省临泉县"),
    ("371321", "山东省沂南县"),
]

# A reserved-looking block of mobile numbers (199 0xxx xxxx) that the demo counts up in.
PHONE_BASE = 19900000000

WRITE_BATCH = 2000


@dataclass
class Person:
    """One resident to be: who they are in the household and how old."""

    relation: str
    gender: str
    age: int
    name: str | None = None


@dataclass
class Plan:
    """Everything the builder has made, in insert order, before it is written."""

    areas: list[Area] = field(default_factory=list)
    orgs: list[PartyOrg] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    tags: list[ResidentTag] = field(default_factory=list)
    members: list[PartyMember] = field(default_factory=list)
    duty: list[tuple[PartyMember, Household]] = field(default_factory=list)
    workers: list[tuple[GridWorker, list[Area]]] = field(default_factory=list)

    def size(self) -> int:
        """Rows the progress bar counts (the many-to-many links are not shown)."""
        parts = (self.areas, self.orgs, self.households, self.residents, self.tags, self.members, self.workers)
        return sum(len(p) for p in parts)


def years_ago(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


class Builder:
    def __init__(self, seed: int = 2018, today: datetime.date | None = None, taken_digests: Iterable[str] = ()):
        self.rng = random.Random(seed)
        self.names = NameGenerator(self.rng)
        self.today = today or datetime.date.today()
        self.plan = Plan()
        self._child_numbers: Counter = Counter()
        self._id_serials: dict[tuple, set[int]] = defaultdict(set)
        self._taken = set(taken_digests)
        self._phones = 0
        # Attributes the recipes need while planning, kept off the model instances.
        self.people_of: dict[int, list[Resident]] = defaultdict(list)  # id(household) -> residents
        self.age_of: dict[int, int] = {}  # id(resident) -> age
        self.member_of: set[int] = set()  # id(resident) already a party member

    # --- areas and party organisations -------------------------------------------------

    def street(self, code: str, name: str, box: Box) -> Area:
        return self._area(None, code, name, Level.STREET, box, note=DEMO_NOTE)

    def area(self, parent: Area, name: str, level: str, box: Box | None = None) -> Area:
        self._child_numbers[parent.code] += 1
        code = areacode.child_code(parent.code, self._child_numbers[parent.code])
        return self._area(parent, code, name, level, box)

    def _area(self, parent, code, name, level, box, note=""):
        area = Area(code=code, name=name, level=level, parent=parent, note=note)
        if box is not None:
            area.boundary = box.polygon()
            # What Area.save() would compute; bulk_create does not call save().
            point = geo.parse_boundary(area.boundary).representative_point()
            area.center_lng, area.center_lat = round(point.x, 7), round(point.y, 7)
        self.plan.areas.append(area)
        return area

    def org(self, area: Area, name: str, kind: str, parent: PartyOrg | None = None, **extra) -> PartyOrg:
        org = PartyOrg(area=area, name=name, kind=kind, parent=parent, **extra)
        self.plan.orgs.append(org)
        return org

    def date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    # --- personal data --------------------------------------------------------------

    def id_number(self, region: str, born: datetime.date, gender: str) -> str:
        """A checksum-valid, fake ID number, unique within the demo.

        The three serial digits are drawn at random, odd for men and even for women as
        the standard has it; a birth day whose serials run out moves on by one day.
        """
        parity = 1 if gender == Gender.MALE else 0
        while True:
            used = self._id_serials[(region, born)]
            if len(used) >= 800:
                born += datetime.timedelta(days=1)
                continue
            serial = self.rng.randrange(parity, 1000, 2)
            if serial not in used:
                used.add(serial)
                return idcard.make_id_number(region, born, serial)

    def phone(self) -> str:
        self._phones += 1
        return str(PHONE_BASE + self._phones)

    def protect(self, obj, region: str, born: datetime.date, gender: str, with_phone=True) -> str:
        number = self.id_number(region, born, gender)
        obj.set_id_number(number)
        while obj.id_number_digest in self._taken:  # a stored person already has it
            number = self.id_number(region, born, gender)
            obj.set_id_number(number)
        self._taken.add(obj.id_number_digest)
        if with_phone:
            obj.set_phone(self.phone())
        return number

    def born_at_age(self, age: int) -> datetime.date:
        return years_ago(self.today, age) - datetime.timedelta(days=self.rng.randint(0, 364))

    # --- households and residents ---------------------------------------------------

    def household(self, building: Area, unit: str, room: str, address: str, *, rented=False) -> Household:
        household = Household(
            area=building,
            unit=unit,
            room=room,
            address=address,
            household_no=f"{building.code}-{unit or 0}-{room}",
            is_rented=rented,
        )
        self.plan.households.append(household)
        return household

    def family(self, floating: bool) -> list[Person]:
        """A plausible household: couples, children, a grandparent, elders alone, tenants."""
        rng, p = self.rng, []
        roll = rng.random()
        if floating:
            if roll < 0.30:
                p.append(Person("户主", rng.choice("MMF"), rng.randint(18, 45)))
            elif roll < 0.85:
                head = rng.randint(21, 48)
                p += [Person("户主", "M", head), Person("配偶", "F", max(20, head + rng.randint(-4, 2)))]
                if roll >= 0.55:
                    for _ in range(rng.randint(1, 2)):
                        p.append(Person("子女", rng.choice("MF"), rng.randint(0, min(16, head - 20))))
            else:
                for i in range(rng.randint(2, 4)):
                    p.append(Person("户主" if i == 0 else "合租人", rng.choice("MF"), rng.randint(18, 35)))
            return p
        if roll < 0.07:
            p.append(Person("户主", rng.choice("MFF"), rng.randint(68, 92)))
        elif roll < 0.12:
            p.append(Person("户主", rng.choice("MF"), rng.randint(22, 40)))
        elif roll < 0.40:
            head = rng.randint(30, 85)
            p += [Person("户主", "M", head), Person("配偶", "F", max(24, head + rng.randint(-4, 2)))]
        else:
            head = rng.randint(28, 55)
            p += [Person("户主", "M", head), Person("配偶", "F", max(24, head + rng.randint(-4, 2)))]
            for _ in range(rng.randint(1, 2)):
                p.append(Person("子女", rng.choice("MF"), rng.randint(0, head - 22)))
            if roll >= 0.78:
                for _ in range(rng.randint(1, 2)):
                    p.append(Person("父母", rng.choice("MF"), min(98, head + rng.randint(24, 32))))
        return p

    def exact_families(self, total: int, floating: bool, first: list[list[Person]] = ()) -> list[list[Person]]:
        """Families whose sizes add up to exactly `total` people (the last one is cut to fit)."""
        families, count = list(first), sum(len(f) for f in first)
        while count < total:
            family = self.family(floating)[: total - count]
            families.append(family)
            count += len(family)
        return families

    def fill(self, household: Household, people: list[Person], region: str, *, floating=False) -> list[Resident]:
        rng = self.rng
        head_surname = self.names.surname()
        hometown = rng.choice(HOMETOWNS) if floating else None
        if floating:
            moved_in = self.today - datetime.timedelta(days=rng.randint(20, 5 * 365))
        else:
            moved_in = self.today - datetime.timedelta(days=rng.randint(365, 25 * 365))
        alone = len(people) == 1
        made = []
        for person in people:
            gender = person.gender
            if person.name:
                name = person.name
            elif person.relation in ("户主", "子女") or (person.relation == "父母" and gender == "M"):
                name = self.names.full(gender, head_surname)
            else:
                name = self.names.full(gender)
            born = self.born_at_age(person.age)
            resident = Resident(
                household=household,
                name=name,
                gender=gender,
                birth_date=born,
                relation=person.relation,
                hukou_status=HukouStatus.FLOATING if floating else HukouStatus.LOCAL,
                registered_address=hometown[1] if floating else "",
                is_separated=floating,
                moved_in_on=max(moved_in, born),
            )
            region_code = hometown[0] if floating else region
            number = self.protect(
                resident, region_code, born, gender, with_phone=person.age >= 16 and rng.random() < 0.92
            )
            resident.birth_date = idcard.birth_date(number)  # the same day unless the serials ran out
            self.plan.residents.append(resident)
            self.people_of[id(household)].append(resident)
            self.age_of[id(resident)] = person.age
            self._tag(resident, person, alone, floating)
            made.append(resident)
        return made

    def _tag(self, resident: Resident, person: Person, alone: bool, floating: bool):
        """Special-group tags at rates close to an old urban community's rosters."""
        rng, age, tags = self.rng, person.age, []
        head = person.relation == "户主"
        if age >= 80:
            tags.append((Tag.ELDERLY, years_ago(self.today, age - 80)))
        if alone and age >= 65:
            tags.append((Tag.ELDERLY_ALONE, None))
            if rng.random() < 0.08:
                tags.append((Tag.EXTREME_POVERTY, None))
        if rng.random() < 0.015:
            tags.append((Tag.DISABLED, None))
        if head and not floating and rng.random() < 0.02:
            tags.append((Tag.LOW_INCOME, None))
        if head and rng.random() < 0.01:
            tags.append((Tag.DIFFICULT_FAMILY, None))
        if age < 16 and rng.random() < 0.012:
            tags.append((Tag.CHILD_IN_DIFFICULTY, None))
        if person.gender == Gender.FEMALE and 35 <= age <= 64 and rng.random() < 0.005:
            tags.append((Tag.TWO_CANCER, None))
        if person.gender == Gender.MALE and 40 <= age <= 75 and rng.random() < 0.03:
            tags.append((Tag.VETERAN, None))
        if age >= 65 and not alone and rng.random() < 0.01:
            tags.append((Tag.LEFT_BEHIND, None))
        earliest = max(resident.moved_in_on, self.today - datetime.timedelta(days=6 * 365))
        for tag, since in tags:
            set_on = max(since, earliest) if since else self.date_between(earliest, self.today)
            self.plan.tags.append(
                ResidentTag(resident=resident, tag=tag, set_on=min(set_on, self.today), set_reason="演示数据")
            )

    def adults(self, households: Iterable[Household], min_age=22, max_age=85) -> list[Resident]:
        return [
            r
            for h in households
            for r in self.people_of[id(h)]
            if min_age <= self.age_of[id(r)] <= max_age and id(r) not in self.member_of
        ]

    # --- party members and grid workers ---------------------------------------------

    def member_from(self, resident: Resident, area: Area, org: PartyOrg | None, **extra) -> PartyMember:
        """A party member's profile for a resident who lives here."""
        age = self.age_of[id(resident)]
        values = {
            "work_status": WorkStatus.RETIRED if age >= 60 else WorkStatus.EMPLOYED,
            "joined_party_on": self._joined(resident.birth_date),
            **extra,
        }
        member = PartyMember(area=area, resident=resident, name=resident.name, party_org=org, **values)
        for part in ("id_number", "phone"):
            for suffix in ("cipher", "digest", "masked"):
                setattr(member, f"{part}_{suffix}", getattr(resident, f"{part}_{suffix}"))
        self.member_of.add(id(resident))
        self.plan.members.append(member)
        return member

    def member_elsewhere(self, area: Area, org: PartyOrg | None, region: str, **extra) -> PartyMember:
        """A member who works here or reports here but lives elsewhere: no resident record."""
        gender = self.rng.choice("MMF")
        born = self.born_at_age(self.rng.randint(24, 58))
        member = PartyMember(
            area=area,
            name=self.names.full(gender),
            party_org=org,
            relation_in_community=False,
            work_status=WorkStatus.EMPLOYED,
            joined_party_on=self._joined(born),
            reported_on=self.date_between(self.today - datetime.timedelta(days=4 * 365), self.today),
            **extra,
        )
        self.protect(member, region, born, gender)
        self.plan.members.append(member)
        return member

    def _joined(self, born: datetime.date) -> datetime.date:
        """Joined the party between the ages of 20 and 45, and not in the future."""
        start = min(years_ago(born, -20), self.today)
        return self.date_between(start, min(years_ago(born, -45), self.today))

    def center_member(self, households: list[Household], area: Area, org: PartyOrg) -> PartyMember | None:
        """党员中心户 / 示范户: one member's household leads the neighbours in its unit."""
        candidates = self.adults(households, min_age=30)
        if not candidates:
            return None
        resident = self.rng.choice(candidates)
        household = resident.household
        household.is_center_household = True
        return self.member_from(resident, area, org, is_center_household=True)

    def duty(self, member: PartyMember, households: Iterable[Household]):
        self.plan.duty.extend((member, h) for h in households)

    def worker(self, grids: list[Area], region: str, *, kind=GridWorkerKind.FULL_TIME, occupation="", employer=""):
        gender = self.rng.choice("MF")
        worker = GridWorker(
            name=self.names.full(gender), kind=kind, occupation=occupation, employer=employer or "社区居委会"
        )
        self.protect(worker, region, self.born_at_age(self.rng.randint(23, 50)), gender)
        self.plan.workers.append((worker, grids))
        return worker

    # --- writing --------------------------------------------------------------------

    def write(self, step: Callable[[str, int], None] = lambda label, n: None):
        """Insert the plan, parents before children, and validate the area and party trees."""
        plan = self.plan
        with transaction.atomic():
            for depth in sorted({areacode.depth(a.code) for a in plan.areas}):
                Area.objects.bulk_create([a for a in plan.areas if areacode.depth(a.code) == depth])
            for area in plan.areas:
                # The model's own rules (codes, levels, boundaries, sibling overlap), now
                # that every sibling is in the table.
                area.full_clean()
            step("areas", len(plan.areas))

            for kind in sorted(PartyOrgKind, key=PARTY_RANK.get):
                PartyOrg.objects.bulk_create([o for o in plan.orgs if o.kind == kind])
            for org in plan.orgs:
                org.full_clean()
            step("orgs", len(plan.orgs))

            for chunk in _chunks(plan.households):
                Household.objects.bulk_create(chunk)
                step("households", len(chunk))
            for chunk in _chunks(plan.residents):
                Resident.objects.bulk_create(chunk)
                step("residents", len(chunk))
            for chunk in _chunks(plan.tags):
                ResidentTag.objects.bulk_create(chunk)
                step("tags", len(chunk))

            for chunk in _chunks(plan.members):
                PartyMember.objects.bulk_create(chunk)
                step("members", len(chunk))
            through = PartyMember.responsibility_households.through
            for chunk in _chunks(plan.duty):
                through.objects.bulk_create([through(partymember_id=m.pk, household_id=h.pk) for m, h in chunk])

            GridWorker.objects.bulk_create([w for w, _grids in plan.workers])
            grids = GridWorker.grids.through
            grids.objects.bulk_create(
                [grids(gridworker_id=w.pk, area_id=a.pk) for w, areas in plan.workers for a in areas]
            )
            step("workers", len(plan.workers))


def _chunks(items, size=WRITE_BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]
