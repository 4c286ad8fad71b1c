"""Who may reach what, through every URL of the project: the table test_url_access.py checks.

Each URL name has one or more probes (a method, what to send, and which objects to put
in the URL). A probe says, for each persona, which of three targets it may reach:

    g1 = 甲一网格 side: 张大爷 / household h1 / 甲一网格 / 甲一网格党支部 / 郑党员 / grid's worker card
    g2 = 甲二网格 side: 王先生 / h2 / 甲二网格 / 甲二网格党支部 / 钱党员 / grid2's worker card
    g3 = 乙一网格 side (乙社区): 赵女士 / h3 / 乙一网格 / 乙一网格党支部 / 孙党员 / 乙 worker card

A probe with no object in its URL lists the personas that may use it. Everyone not
listed must be refused: 403 or 404 when logged in, the login page or 401 when anonymous.
The table is written from the role sets in gridgov/org/roles.py and DESIGN.md, not read
off the responses: a URL name missing here fails test_every_url_has_an_access_expectation.
"""

from dataclasses import dataclass, field

from tests.personas import PASSWORD
from tests.personas import PERSONAS as NAMED_PERSONAS

PERSONAS = (*NAMED_PERSONAS, "anonymous")
LOGGED_IN = frozenset(PERSONAS) - {"anonymous"}
EVERYONE = frozenset(PERSONAS)
TARGETS = ("g1", "g2", "g3")
ALL = "g1 g2 g3"


def scope(**by_persona):
    """persona -> the targets it reaches, from space-separated target names."""
    return {persona: frozenset(targets.split()) for persona, targets in by_persona.items()}


# Roles on the area tree (tests/personas.py): street and auditor and department sit on the
# street, community/volunteer/unit on 甲社区, community2 on 乙社区, grid and member on 甲一网格,
# grid2 on 甲二网格, resident on 甲1栋 (张大爷's building).
MANAGERS = scope(street=ALL, community="g1 g2", community2="g3")  # MANAGE_AREAS/MANAGE_PARTY/IMPORT
STAFF = {**MANAGERS, **scope(grid="g1", grid2="g2")}  # EDIT_PEOPLE, UNMASK_PHONE, EXPORT
VIEW_PEOPLE = {**STAFF, **scope(auditor=ALL)}
# 张大爷's household h1 is the resident's home and in 郑党员's (member's) 责任田.
VIEW_HOUSEHOLD = {**VIEW_PEOPLE, **scope(member="g1", resident="g1")}
VIEW_PARTY = {**VIEW_PEOPLE, **scope(member="g1")}
# Everyone with a role sees the areas below it and the path above it (to navigate).
SEE_AREA = {
    **VIEW_PARTY,
    **scope(volunteer="g1 g2", department=ALL, unit="g1 g2", resident="g1"),
}
# Holders of a role anywhere (for pages with no object in the URL).
STAFF_ANYWHERE = frozenset(STAFF)
MANAGERS_ANYWHERE = frozenset(MANAGERS)
VIEW_PEOPLE_ANYWHERE = frozenset(VIEW_PEOPLE)
VIEW_PARTY_ANYWHERE = frozenset(VIEW_PARTY)
AUDITORS = frozenset({"street", "auditor"})

# Residents each persona may see, by name; the markers (name, ID and phone numbers,
# masked and clear) of every other resident must never reach that persona.
SEES_RESIDENTS = {
    "street": {"zhang", "li", "wang", "zhao"},
    "auditor": {"zhang", "li", "wang", "zhao"},
    "community": {"zhang", "li", "wang"},
    "community2": {"zhao"},
    "grid": {"zhang", "li"},
    "grid2": {"wang"},
    # 张大爷's home is in the member's 责任田; 李阿姨 is the member's own resident record.
    "member": {"zhang", "li"},
    "resident": {"zhang"},
}

# Areas and rows named after places a grid or community worker must not learn about.
FOREIGN_NAMES = {
    "grid": ["甲二网格", "甲2栋", "乙社区", "乙一网格", "乙1栋", "钱党员", "孙党员"],
    "grid2": ["甲一网格", "甲1栋", "乙社区", "乙一网格", "乙1栋", "郑党员", "孙党员"],
    "community2": ["甲社区", "甲一网格", "甲二网格", "甲1栋", "甲2栋", "郑党员", "钱党员"],
}


@dataclass(frozen=True)
class Probe:
    """One request shape for a URL name.

    obj: which kind of object fills the URL (see test_url_access.url_kwargs), or None.
    allow: persona -> targets, for URLs that name an object on one side; or the set of
      personas, for URLs whose answer does not depend on a side.
    reveals: an allowed answer may show clear numbers: "id_number"/"phone" of the
      target resident (unmask), or "export" for every resident the persona may see.
    """

    name: str
    allow: object
    label: str = "get"
    method: str = "get"
    obj: str | None = None
    data: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    json: bool = False
    reveals: str | None = None
    logout: bool = False

    def allowed(self, persona, target=None) -> bool:
        if isinstance(self.allow, dict):
            return target in self.allow.get(persona, ())
        return persona in self.allow


def P(name, allow, **kw):
    return Probe(name, allow, **kw)


def api(name, allow, **kw):
    return Probe(name, allow, json=True, **kw)


REASON = "入户核实"

PROBES = [
    # --- public -------------------------------------------------------------------
    P("healthz", EVERYONE),
    P("login", EVERYONE),
    P("resident-login", EVERYONE),
    P("logout", EVERYONE, label="post", method="post", logout=True),
    P("schema", EVERYONE),  # the OpenAPI description carries no data (tests/test_api.py)
    P("api-docs", EVERYONE),
    api("api-token", EVERYONE, label="post", method="post", data={"username": "nobody", "password": PASSWORD}),
    # --- pages ----------------------------------------------------------------------
    P("home", LOGGED_IN),
    P("area-list", LOGGED_IN),
    P("area-detail", SEE_AREA, obj="area"),
    P("area-create", MANAGERS, obj="area_parent"),
    P("area-edit", MANAGERS, obj="area"),
    P("household-list", VIEW_PEOPLE_ANYWHERE),
    P("household-export", STAFF_ANYWHERE),
    P(
        "household-export",
        MANAGERS_ANYWHERE,
        label="post-clear",
        method="post",
        data={"clear": "on", "reason": REASON},
        reveals="export",
    ),
    # Exact search by number is posted (the number stays out of URLs) and answered with
    # a redirect to the list under an opaque token.
    P("household-lookup", VIEW_PEOPLE_ANYWHERE, label="post", method="post", data={"phone": "13800000001"}),
    P("household-create", STAFF_ANYWHERE),
    P("household-detail", VIEW_HOUSEHOLD, obj="household"),
    P("household-edit", STAFF, obj="household"),
    P("resident-create", STAFF, obj="household"),
    P("resident-detail", VIEW_HOUSEHOLD, obj="resident"),
    P("resident-edit", STAFF, obj="resident"),
    P(
        "resident-unmask",
        STAFF,
        label="post-phone",
        method="post",
        obj="unmask_phone",
        data={"reason": REASON},
        reveals="phone",
    ),
    P(
        "resident-unmask",
        MANAGERS,
        label="post-id",
        method="post",
        obj="unmask_id_number",
        data={"reason": REASON},
        reveals="id_number",
    ),
    P("resident-tag-set", STAFF, obj="resident"),
    P(
        "resident-tag-set",
        STAFF,
        label="post",
        method="post",
        obj="resident",
        data={"tag": "veteran", "on": "2024-06-01", "reason": REASON},
    ),
    P("resident-tag-remove", STAFF, obj="resident_tag"),
    P(
        "resident-tag-remove",
        STAFF,
        label="post",
        method="post",
        obj="resident_tag",
        data={"on": "2024-06-01", "reason": REASON},
    ),
    P("partyorg-list", VIEW_PARTY_ANYWHERE),
    P("partyorg-create", MANAGERS_ANYWHERE),
    P("partyorg-detail", VIEW_PARTY, obj="partyorg"),
    P("partyorg-edit", MANAGERS, obj="partyorg"),
    P("partymember-list", VIEW_PARTY_ANYWHERE),
    P("partymember-detail", VIEW_PARTY, obj="partymember"),
    # An empty 责任田 is a valid change: it proves the write is reached, not just the form.
    P("partymember-detail", MANAGERS, label="post", method="post", obj="partymember"),
    P("household-import", MANAGERS_ANYWHERE),
    P("household-import-template", MANAGERS_ANYWHERE),
    P("household-import-done", MANAGERS_ANYWHERE),
    P("household-import-preview", MANAGERS_ANYWHERE, obj="import_token"),
    P("household-import-preview", MANAGERS_ANYWHERE, label="post-confirm", method="post", obj="import_token"),
    P("household-import-cancel", MANAGERS_ANYWHERE, label="post", method="post", obj="import_token"),
    P("accesslog-list", AUDITORS),
    P("accesslog-verify", AUDITORS, label="post", method="post"),
    # --- REST API ---------------------------------------------------------------------
    api("api:api-root", LOGGED_IN),
    # Lists answer every logged-in user, cut down to what they may see (the leak checks).
    api("api:area-list", LOGGED_IN),
    api("api:area-detail", SEE_AREA, obj="area"),
    api("api:area-detail", MANAGERS, label="patch", method="patch", obj="area", data={"note": "核对边界"}),
    # 乙一网格 has no boundary: the point there lies in 乙社区, seen by the same personas.
    api("api:area-locate", SEE_AREA, obj="locate"),
    api("api:household-list", LOGGED_IN),
    api("api:household-detail", VIEW_HOUSEHOLD, obj="household"),
    api("api:household-detail", STAFF, label="patch", method="patch", obj="household", data={"note": "已走访"}),
    api("api:resident-list", LOGGED_IN),
    # Answers every logged-in user, cut down to the rows whose private data they may see.
    api("api:resident-search", LOGGED_IN, label="post", method="post", data={"phone": "13800000001"}),
    api("api:resident-detail", VIEW_HOUSEHOLD, obj="resident"),
    api("api:resident-detail", STAFF, label="patch", method="patch", obj="resident", data={"note": "已走访"}),
    api(
        "api:resident-unmask",
        STAFF,
        label="post-phone",
        method="post",
        obj="resident",
        data={"field": "phone", "reason": REASON},
        reveals="phone",
    ),
    api(
        "api:resident-unmask",
        MANAGERS,
        label="post-id",
        method="post",
        obj="resident",
        data={"field": "id_number", "reason": REASON},
        reveals="id_number",
    ),
    api(
        "api:resident-tags",
        STAFF,
        label="post",
        method="post",
        obj="resident",
        data={"tag": "veteran", "reason": REASON},
    ),
    api("api:resident-remove-tag", STAFF, label="post", method="post", obj="resident_tag", data={"reason": REASON}),
    api("api:partyorg-list", LOGGED_IN),
    api("api:partyorg-detail", VIEW_PARTY, obj="partyorg"),
    api("api:partyorg-detail", MANAGERS, label="patch", method="patch", obj="partyorg", data={"joint_type": ""}),
    api("api:partymember-list", LOGGED_IN),
    api("api:partymember-detail", VIEW_PARTY, obj="partymember"),
    api("api:gridworker-list", LOGGED_IN),
    api("api:gridworker-detail", VIEW_PEOPLE, obj="gridworker"),
]

EXPECTATIONS: dict[str, list[Probe]] = {}
for _probe in PROBES:
    EXPECTATIONS.setdefault(_probe.name, []).append(_probe)
