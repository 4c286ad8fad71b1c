"""Every URL of the project, tried as every persona on objects in and out of its scope.

The table of who may reach what is tests/url_access_expectations.py. Beyond the status
of each answer, every body is read (JSON, HTML, and Excel files through openpyxl) for
people the persona must not see: a grid worker must never meet another grid's
residents, and nobody meets a clear ID or phone number except in the answer of an
unmask (or a clear export) they are allowed to make.
"""

import io
import json
import re
import uuid
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from gridgov.org.models import PartyOrg, PartyOrgKind
from gridgov.people.models import GridWorker, PartyMember, ResidentTag, Tag
from tests.url_access_expectations import (
    EXPECTATIONS,
    FOREIGN_NAMES,
    MANAGERS_ANYWHERE,
    PERSONAS,
    PROBES,
    SEES_RESIDENTS,
    TARGETS,
)

LOGIN_PATH = "/accounts/login/"
SKIPPED_NAMESPACES = {"admin"}  # Django's admin has its own scoping tests (tests/test_admin.py)
SKIPPED_PREFIXES = ("i18n/", "static/", "media/")
REDIRECTS = {301, 302, 303, 307, 308}
# An upload nobody made: the preview must refuse strangers before it looks for the file.
IMPORT_TOKEN = uuid.UUID("00000000-0000-4000-8000-000000000000")
# Points inside 甲一网格, 甲二网格 and 乙社区 (乙一网格 has no boundary drawn).
POINTS = {"g1": (121.005, 37.005), "g2": (121.025, 37.005), "g3": (121.07, 37.02)}
# A tag each side's resident carries (王先生's is added by url_world).
TAG_OF = {"g1": Tag.ELDERLY_ALONE, "g2": Tag.DISABLED, "g3": Tag.LOW_INCOME}
RESIDENTS_OF = {"g1": ("zhang", "li"), "g2": ("wang",), "g3": ("zhao",)}
SHOWS_THE_RESIDENT = {"resident-detail", "household-detail", "api:resident-detail", "resident-unmask"}

KNOWN_BUGS: dict[str, str] = {}
# The REST API answers the same routes with a format suffix (/residents/3.json,
# /residents/3.api). The views behind them are the same, so the grid worker (and the
# anonymous caller) stand for everyone: this keeps the module well under a minute.
SUFFIX_PERSONAS = ("grid", "anonymous")


def known_bug(cid, probe, persona, suffix):
    if cid in KNOWN_BUGS:
        return pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[cid])
    return None


PROBES_BY_LABEL = {(p.name, p.label): p for p in PROBES}


# --- the world ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def url_world(shared_world, django_db_blocker):
    """The shared world with each side filled in the same way, so every URL has an
    object on 甲一网格, 甲二网格 and 乙一网格. Rolled back with shared_world."""
    w = shared_world
    a, h, o = w.areas, w.households, w.orgs
    with django_db_blocker.unblock():
        o["branch2"] = PartyOrg.objects.create(
            name="甲二网格党支部", kind=PartyOrgKind.BRANCH, area=a["g2"], parent=o["committee"]
        )
        o["branch3"] = PartyOrg.objects.create(
            name="乙一网格党支部", kind=PartyOrgKind.BRANCH, area=a["g3"], parent=o["committee2"]
        )
        # Members serve (入格) where they are assigned, not always where they live, and a
        # community may hand them households across a grid line: 钱党员 serves 甲二网格 but
        # lives in 张大爷's home and looks after a household of 甲一网格 too; 孙党员 serves
        # 乙社区 and lives in 王先生's home in 甲社区.
        for key, name, grid, org, resident, duty in (
            ("qian", "钱党员", "g2", "branch2", "zhang", ("h2", "h1b")),
            ("sun", "孙党员", "g3", "branch3", "wang", ("h3",)),
        ):
            member = PartyMember.objects.create(
                area=a[grid], name=name, party_org=o[org], resident=w.residents[resident]
            )
            member.responsibility_households.set([h[k] for k in duty])
            w.members[key] = member
        w.workers = {"g1": GridWorker.objects.get(user=w.users["grid"])}
        for grid, name, user in (("g2", "周网格员", w.users["grid2"]), ("g3", "吴网格员", None)):
            worker = GridWorker.objects.create(name=name, user=user)
            worker.grids.set([a[grid]])
            w.workers[grid] = worker
        ResidentTag.objects.create(resident=w.residents["wang"], tag=Tag.DISABLED, set_on="2024-01-01")
        # One login per persona for the whole module (a login per case would cost a
        # third of the run); each case's own writes to the session roll back with it.
        w.sessions = {}
        for persona in PERSONAS:
            if persona != "anonymous":
                login = Client()
                login.force_login(w.user(persona), backend="django.contrib.auth.backends.ModelBackend")
                w.sessions[persona] = login.cookies[settings.SESSION_COOKIE_NAME].value
    return w


@pytest.fixture(scope="module")
def http():
    # One Client for the module: each new one builds the middleware chain again, and
    # WhiteNoise's start-up scan of the static files would cost more than the request.
    return Client()


@pytest.fixture
def world(url_world, db, http):
    url_world.http = http
    return url_world


def client_as(world, persona):
    """The module's client, holding only this persona's session."""
    client = world.http
    client.cookies.clear()
    if persona != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
    return client


# --- URLs -----------------------------------------------------------------------------


def iter_patterns(patterns, prefix="", namespace=None):
    """(full route, url name with namespace) for every pattern under `patterns`."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace
            if inner and namespace:
                inner = f"{namespace}:{inner}"
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern), inner or namespace)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield prefix + str(entry.pattern), name, namespace


def project_urls():
    urls = []
    for route, name, namespace in iter_patterns(get_resolver().url_patterns):
        if (namespace or "").split(":")[0] in SKIPPED_NAMESPACES or route.startswith(SKIPPED_PREFIXES):
            continue
        urls.append((route, name))
    return urls


def test_every_url_has_an_access_expectation():
    urls = project_urls()
    unnamed = [route for route, name in urls if not name]
    missing = sorted({name for _route, name in urls if name} - set(EXPECTATIONS))
    stale = sorted(set(EXPECTATIONS) - {name for _route, name in urls})
    assert not unnamed, f"URL patterns without a name cannot be given an access expectation: {unnamed}"
    assert not missing, f"URL names with no entry in tests/url_access_expectations.py: {missing}"
    assert not stale, f"Entries for URL names the project no longer has: {stale}"


def test_the_enumeration_sees_pages_api_and_accounts():
    names = {name for _route, name in project_urls()}
    assert {"login", "household-export", "resident-unmask", "api:resident-unmask", "api:api-root"} <= names
    assert not any(name.startswith("admin:") for name in names)


def url_kwargs(world, kind, target):
    """URL kwargs and query for a probe's object on one side."""
    if kind is None:
        return {}, {}
    if kind == "import_token":
        return {"token": IMPORT_TOKEN}, {}
    if kind == "locate":
        lng, lat = POINTS[target]
        return {}, {"lng": lng, "lat": lat}
    resident = world.residents[RESIDENTS_OF[target][0]]
    objects = {
        "area": world.areas[target],
        "household": resident.household,
        "resident": resident,
        "partyorg": world.orgs[{"g1": "branch1", "g2": "branch2", "g3": "branch3"}[target]],
        "partymember": world.members[{"g1": "zheng", "g2": "qian", "g3": "sun"}[target]],
        "gridworker": world.workers[target],
    }
    if kind == "area_parent":
        return {"parent_pk": world.areas[target].pk}, {}
    if kind.startswith("unmask_"):
        return {"pk": resident.pk, "field": kind.removeprefix("unmask_")}, {}
    if kind == "resident_tag":
        return {"pk": resident.pk, "tag": TAG_OF[target]}, {}
    return {"pk": objects[kind].pk}, {}


def send(client, method, url, query=None, data=None, as_json=False):
    if query:
        url = f"{url}?{urlencode(query)}"
    if method == "get":
        return client.get(url)
    if as_json:
        return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json")
    return getattr(client, method)(url, data or {})


# --- reading answers --------------------------------------------------------------------


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ctype = response.get("Content-Type", "")
    if "spreadsheetml" in ctype or content[:2] == b"PK":
        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        return "\n".join(cells)
    text = content.decode("utf-8", "replace")
    if "json" in ctype:
        try:
            # Re-dumped so that \uXXXX escapes cannot hide a name from the search.
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def outcome(response) -> str:
    status = response.status_code
    if status in REDIRECTS:
        return "login" if urlsplit(response["Location"]).path == LOGIN_PATH else "ok"
    if 200 <= status < 300:
        return "ok"
    if status in (401, 403, 404):
        return "denied"
    return f"HTTP {status}"


def expected_outcome_met(response, persona, allowed) -> bool:
    got = outcome(response)
    if allowed:
        return got == "ok"
    if persona == "anonymous":
        return got == "login" or response.status_code == 401
    return response.status_code in (403, 404)


def resident_markers(resident):
    clear_id, clear_phone = resident.clear_id_number, resident.reveal("phone")
    return {
        resident.name: f"name of {resident.name}",
        resident.id_number_masked: f"masked ID number of {resident.name}",
        resident.phone_masked: f"masked phone of {resident.name}",
        clear_id: f"clear ID number of {resident.name}",
        clear_phone: f"clear phone of {resident.name}",
    }


def forbidden_for(world, persona, revealed=()):
    """marker -> description of what must not reach `persona`. `revealed`: clear values
    the answer is allowed to hold (an unmask or clear export the persona may make)."""
    seen = SEES_RESIDENTS.get(persona, set())
    forbidden = {}
    for key, resident in world.residents.items():
        markers = resident_markers(resident)
        for value, description in markers.items():
            is_clear = description.startswith("clear")
            if key not in seen or (is_clear and value not in revealed):
                forbidden[value] = description
    for name in FOREIGN_NAMES.get(persona, ()):
        forbidden[name] = f"“{name}”, outside {persona}'s scope"
    return forbidden


def leaks(text, forbidden, echoed=()):
    """Forbidden markers found in `text`, leaving out the persona's own input echoed
    back (a search box showing the number just typed is not a leak)."""
    found = []
    for marker, description in forbidden.items():
        covers = [
            (m.start(), m.start() + len(echo))
            for echo in echoed
            if marker in echo
            for m in re.finditer(re.escape(echo), text)
        ]
        for hit in re.finditer(re.escape(marker), text):
            if not any(start <= hit.start() and hit.end() <= end for start, end in covers):
                context = " ".join(text[max(hit.start() - 60, 0) : hit.end() + 30].split())
                found.append(f"{description} in “…{context}…”")
                break
    return found


def echoes(*dicts):
    return [str(v) for d in dicts for v in (d or {}).values() if str(v)]


def revealed_by(world, probe, persona, target, allowed):
    if not allowed or not probe.reveals:
        return ()
    if probe.reveals == "export":
        return {
            v
            for k in SEES_RESIDENTS.get(persona, ())
            for v in (world.residents[k].clear_id_number, world.residents[k].reveal("phone"))
        }
    resident = world.residents[RESIDENTS_OF[target][0]]
    return {resident.clear_id_number if probe.reveals == "id_number" else resident.reveal("phone")}


# --- every URL × persona × object --------------------------------------------------------


def case_id(probe, persona, target, suffix=""):
    return "-".join(p for p in (probe.name, probe.label + suffix, persona, target) if p)


def access_cases():
    for probe in PROBES:
        targets = TARGETS if isinstance(probe.allow, dict) else (None,)
        suffixes = [""]
        if probe.name.startswith("api:"):
            suffixes.append(".json")
            if probe.method == "get":
                # The browsable API: HTML with the filter and edit forms and their choices.
                suffixes.append(".api")
        for persona in PERSONAS:
            for target in targets:
                for suffix in suffixes:
                    if suffix and persona not in SUFFIX_PERSONAS:
                        continue
                    cid = case_id(probe, persona, target, suffix)
                    bug = known_bug(cid, probe, persona, suffix)
                    yield pytest.param(probe, persona, target, suffix, id=cid, marks=[bug] if bug else [])


@pytest.mark.parametrize("probe, persona, target, suffix", list(access_cases()))
def test_persona_reaches_only_what_its_role_allows(world, probe, persona, target, suffix):
    kwargs, query = url_kwargs(world, probe.obj, target)
    query = {**probe.query, **query}
    if suffix:
        kwargs["format"] = suffix.lstrip(".")
    url = reverse(probe.name, kwargs=kwargs)
    allowed = probe.allowed(persona, target)
    response = send(client_as(world, persona), probe.method, url, query, probe.data, probe.json)
    where = f"{probe.method.upper()} {url} as {persona}"

    if probe.logout:
        assert response.status_code in REDIRECTS and urlsplit(response["Location"]).path == LOGIN_PATH, where
    else:
        expected = "reached" if allowed else "refused"
        assert expected_outcome_met(response, persona, allowed), (
            f"{where}: expected {expected}, got {response.status_code} {response.get('Location', '')}"
        )

    revealed = revealed_by(world, probe, persona, target, allowed)
    text = body_text(response)
    if allowed and probe.name in SHOWS_THE_RESIDENT:
        # The leak search reads what the page shows: make sure it shows something.
        resident = world.residents[RESIDENTS_OF[target][0]]
        shown_id = resident.clear_id_number if probe.reveals == "id_number" else resident.id_number_masked
        assert resident.name in text and shown_id in text, f"{where}: {resident.name} not shown"
    found = leaks(text, forbidden_for(world, persona, revealed), echoes(query, probe.data))
    assert not found, f"{where} answered {response.status_code} showing: {found}"
    if revealed and probe.reveals != "export":
        # The permitted unmask answers with the one number asked for.
        assert all(v in text for v in revealed), f"{where}: the clear value is missing"


# --- filters and exports that point at another grid -------------------------------------

# persona -> sides it must not see
FOREIGN_SIDES = {"grid": ("g2", "g3"), "grid2": ("g1", "g3"), "community2": ("g1", "g2")}
FILTERED_URLS = (
    "household-list",
    "household-export",
    "area-list",
    "partyorg-list",
    "partymember-list",
    "api:area-list",
    "api:area-locate",
    "api:household-list",
    "api:resident-list",
    "api:partyorg-list",
    "api:partymember-list",
    "api:gridworker-list",
)


def side_values(world, side):
    grid = world.areas[side]
    community = grid.parent
    residents = [world.residents[k] for k in RESIDENTS_OF[side]]
    org = world.orgs[{"g1": "branch1", "g2": "branch2", "g3": "branch3"}[side]]
    building = world.areas[{"g1": "b1", "g2": "b2", "g3": "b3"}[side]]
    return grid, community, building, residents, org


def filter_variants(world, name, side):
    """Every filter the URL's filterset has, set to values that point at `side`."""
    grid, community, building, residents, org = side_values(world, side)
    people = [{"under": grid.pk}, {"under": community.pk}, {"tag": TAG_OF[side]}, {"hukou_status": "floating"}]
    for r in residents:
        people += [{"q": r.name[0]}]
    # The filters with no value of their own to point elsewhere ride along with the rest.
    # (Exact ID and phone searches are posted: test_exact_lookups_pointing_at_another_grid...)
    people.append(
        {
            "q": residents[0].name,
            "under": grid.pk,
            "tag": TAG_OF[side],
            "hukou_status": "floating",
            "separated": "no",
            "center": "no",
            "page": 1,
        }
    )
    api_residents = [
        {"under": grid.code},
        {"under": building.code},
        {"under": community.code},
        {"under": grid.code[:6]},
        {"household": residents[0].household_id},
        {"tag": TAG_OF[side]},
        {"hukou_status": "floating"},
        {"is_separated": "false"},
        {"ordering": "name"},
    ]
    for r in residents:
        api_residents += [{"name": r.name}, {"name": r.name[0]}]
    variants = {
        "household-list": people,
        "household-export": people,
        "area-list": [{"q": grid.name}, {"q": grid.code}, {"q": building.code}],
        "partyorg-list": [{"area": grid.pk}, {"area": community.pk}, {"kind": "branch"}],
        "partymember-list": [
            {"party_org": org.pk},
            {"area": grid.pk},
            {"area": community.pk},
            {"relation": "yes"},
            {"work_status": "retired"},
            {"center": "no"},
            {"duty": "some"},
            {"duty_count": 1},
        ],
        "api:area-list": [
            {"level": "grid"},
            {"level": "building"},
            {"parent": community.code},
            {"parent": grid.code},
            {"under": grid.code},
            {"code": grid.code},
            {"code": building.code},
            {"is_active": "true"},
        ],
        "api:area-locate": [dict(zip(("lng", "lat"), POINTS[side], strict=True))],
        "api:household-list": [
            {"under": grid.code},
            {"under": building.code},
            {"is_center_household": "false"},
            {"is_rented": "false"},
            {"ordering": "room"},
        ],
        "api:resident-list": api_residents,
        "api:partyorg-list": [
            {"kind": "branch"},
            {"under": grid.code},
            {"parent": org.parent_id},
            {"is_active": "true"},
        ],
        "api:partymember-list": [
            {"under": grid.code},
            {"party_org": org.pk},
            {"relation_in_community": "true"},
            {"work_status": "retired"},
            {"is_center_household": "false"},
            {"is_active": "true"},
        ],
        "api:gridworker-list": [{"under": grid.code}, {"kind": "full_time"}, {"is_active": "true"}],
    }
    chosen = variants[name]
    if name.startswith("api:"):
        # The browsable API draws filter and POST forms with their choices: read it too.
        chosen = [*chosen, {**chosen[-1], "format": "api"}]
    return chosen


def filter_cases():
    for persona, sides in FOREIGN_SIDES.items():
        for name in FILTERED_URLS:
            for side in sides:
                cid = f"{name}-{persona}-{side}"
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[cid])] if cid in KNOWN_BUGS else []
                yield pytest.param(persona, name, side, id=cid, marks=marks)


@pytest.mark.parametrize("persona, name, side", list(filter_cases()))
def test_filters_pointing_at_another_grid_show_nothing_of_it(world, persona, name, side):
    client = client_as(world, persona)
    url = reverse(name)
    problems = []
    variants = filter_variants(world, name, side)
    if name.startswith("api:"):
        # OPTIONS describes the create form; it must not list another grid's rows either.
        response = client.options(url)
        found = leaks(body_text(response), forbidden_for(world, persona))
        if found:
            problems.append(f"OPTIONS -> {response.status_code}: {found}")
    for query in variants:
        requests = [("get", {})]
        if name == "household-export" and persona in MANAGERS_ANYWHERE and query is variants[-1]:
            # The clear export runs the same filter; once, with every filter set, suffices.
            requests.append(("post", {"clear": "on", "reason": "核对名单"}))
        for method, data in requests:
            response = send(client, method, url, query, data)
            if response.status_code >= 500:
                problems.append(f"{method.upper()} ?{urlencode(query)} -> {response.status_code}")
                continue
            revealed = set()
            if data.get("clear") and response.status_code == 200:
                revealed = revealed_by(world, PROBES_BY_LABEL["household-export", "post-clear"], persona, None, True)
            found = leaks(body_text(response), forbidden_for(world, persona, revealed), echoes(query))
            if found:
                problems.append(f"{method.upper()} ?{urlencode(query)} -> {response.status_code}: {found}")
    assert not problems, "\n".join(problems)


def exact_searches(resident):
    return [
        {"id_number": resident.clear_id_number},
        {"phone": resident.reveal("phone")},
        {"id_number": resident.clear_id_number, "phone": resident.reveal("phone")},
    ]


def lookup(client, data):
    """Post an exact search; the list URL it redirects to (the number is not in it)."""
    response = client.post(reverse("household-lookup"), data)
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert urlsplit(location).path == reverse("household-list")
    for number in data.values():
        assert number not in location
    return location


def api_search(client, data):
    url = reverse("api:resident-search")
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.mark.parametrize(
    "persona, side", [pytest.param(p, s, id=f"{p}-{s}") for p, sides in FOREIGN_SIDES.items() for s in sides]
)
def test_exact_lookups_pointing_at_another_grid_show_nothing_of_it(world, persona, side):
    client = client_as(world, persona)
    problems = []
    for resident in (world.residents[k] for k in RESIDENTS_OF[side]):
        for data in exact_searches(resident):
            forbidden = forbidden_for(world, persona)
            location = lookup(client, data)
            export = reverse("household-export") + "?" + urlsplit(location).query
            for url in (location, export):
                response = client.get(url)
                found = leaks(body_text(response), forbidden)
                if response.status_code != 200 or found:
                    problems.append(f"{data} -> GET {url} {response.status_code}: {found}")
            response = api_search(client, data)
            found = leaks(body_text(response), forbidden, echoes(data))
            if response.status_code != 200 or response.json()["results"] or found:
                problems.append(f"{data} -> API search {response.status_code}: {found}")
    assert not problems, "\n".join(problems)


# --- positive controls: the same searches do find the persona's own people ----------------


@pytest.mark.parametrize("persona", ["grid", "grid2", "community2"])
def test_the_same_filters_find_the_personas_own_residents(world, persona):
    """Without this, a filter name spelled wrong would make the leak checks pass by
    showing nothing at all."""
    own_side = {"grid": "g1", "grid2": "g2", "community2": "g3"}[persona]
    client = client_as(world, persona)
    grid, _community, _building, residents, _org = side_values(world, own_side)
    target = residents[0]
    other = {"grid": "li", "grid2": None, "community2": None}[persona]
    token = {"lookup": urlsplit(lookup(client, {"phone": target.reveal("phone")})).query.split("=", 1)[1]}
    by_id = {"lookup": urlsplit(lookup(client, {"id_number": target.clear_id_number})).query.split("=", 1)[1]}
    searches = {
        "household-list": [token, by_id, {"q": target.name}],
        "household-export": [token, {"under": grid.pk}, {"tag": TAG_OF[own_side]}],
        "api:resident-list": [
            {"name": target.name},
            {"tag": TAG_OF[own_side]},
            {"under": grid.code},
        ],
    }
    for name, queries in searches.items():
        for query in queries:
            response = send(client, "get", reverse(name), query)
            assert response.status_code == 200, (name, query, response.status_code)
            text = body_text(response)
            assert target.name in text and target.id_number_masked in text, (name, query)
            if other and "under" not in query:
                assert world.residents[other].name not in text, (name, query, "filter ignored")
    for data in exact_searches(target):
        response = api_search(client, data)
        assert [row["id"] for row in response.json()["results"]] == [target.pk], data


def test_clear_export_holds_only_the_exporters_residents(world):
    response = client_as(world, "community2").post(reverse("household-export"), {"clear": "on", "reason": "核对名单"})
    assert response.status_code == 200
    text = body_text(response)
    zhao = world.residents["zhao"]
    assert zhao.clear_id_number in text and zhao.reveal("phone") in text
    for key in ("zhang", "li", "wang"):
        assert world.residents[key].name not in text


def test_grid_workers_export_is_masked_and_holds_only_their_grid(world):
    response = client_as(world, "grid").get(reverse("household-export"))
    assert response.status_code == 200
    text = body_text(response)
    for key in ("zhang", "li"):
        resident = world.residents[key]
        assert resident.name in text and resident.id_number_masked in text
        assert resident.clear_id_number not in text and resident.reveal("phone") not in text
    for key in ("wang", "zhao"):
        assert world.residents[key].name not in text
