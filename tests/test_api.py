"""The REST API under /api/v1/: token login, scope per persona, PII masking and
unmasking, writes through the actions, filters, locate, and the OpenAPI schema."""

import datetime
import re

import pytest
from django.db.models.signals import pre_save
from rest_framework.test import APIClient

from gridgov.audit.models import AccessLog
from gridgov.lib.idcard import make_id_number
from gridgov.org.models import Area
from gridgov.people.models import Household, Resident, ResidentTag
from tests.personas import PASSWORD

V1 = "/api/v1"


def results(response):
    assert response.status_code == 200, response.content.decode()
    return response.json()["results"]


def ids(response):
    return {row["id"] for row in results(response)}


def walk_keys(data):
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from walk_keys(value)
    elif isinstance(data, list):
        for value in data:
            yield from walk_keys(value)


# --- token login ----------------------------------------------------------------


def test_token_obtained_with_password_authenticates_requests(world):
    api = APIClient()
    response = api.post(f"{V1}/auth/token/", {"username": "grid", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    residents = api.get(f"{V1}/residents/")
    assert {row["name"] for row in results(residents)} == {"张大爷", "李阿姨"}


def test_wrong_password_gets_400_in_chinese(world):
    response = APIClient().post(f"{V1}/auth/token/", {"username": "grid", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "用户名或密码不正确" in response.json()["non_field_errors"][0]
    assert "token" not in response.json()


def test_token_login_locks_out_after_five_bad_passwords(world):
    api = APIClient()
    answers = [
        api.post(f"{V1}/auth/token/", {"username": "community", "password": "wrong"}, format="json").status_code
        for _attempt in range(5)
    ]
    # The fifth failure is the one that locks: it is answered as locked already.
    assert answers == [400, 400, 400, 400, 429]
    refused = api.post(f"{V1}/auth/token/", {"username": "community", "password": PASSWORD}, format="json")
    assert refused.status_code == 429
    assert "锁定" in refused.json()["detail"]
    assert "token" not in refused.json()


@pytest.mark.parametrize("path", ["residents/", "households/", "areas/", "party-members/", "grid-workers/"])
def test_anonymous_request_is_refused(world, path):
    response = APIClient().get(f"{V1}/{path}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_bad_token_is_refused(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get(f"{V1}/residents/").status_code == 401


# --- who sees which residents and households ---------------------------------------------


def test_grid_worker_sees_only_own_grid(world, api_for):
    api = api_for("grid")
    r, h = world.residents, world.households
    assert ids(api.get(f"{V1}/residents/")) == {r["zhang"].pk, r["li"].pk}
    assert ids(api.get(f"{V1}/households/")) == {h["h1"].pk, h["h1b"].pk}


def test_grid_worker_cannot_reach_other_grid_resident_by_id(world, api_for):
    api = api_for("grid")
    wang, h2 = world.residents["wang"], world.households["h2"]
    assert api.get(f"{V1}/residents/{wang.pk}/").status_code == 404
    assert api.get(f"{V1}/households/{h2.pk}/").status_code == 404
    assert api.patch(f"{V1}/residents/{wang.pk}/", {"name": "改名"}, format="json").status_code == 404
    wang.refresh_from_db()
    assert wang.name == "王先生"


def test_grid_worker_cannot_reach_other_grid_through_filters(world, api_for):
    api = api_for("grid")
    wang, zhao = world.residents["wang"], world.residents["zhao"]
    g2 = world.areas["g2"].code
    assert results(api.get(f"{V1}/residents/", {"under": g2})) == []
    assert results(api.get(f"{V1}/households/", {"under": g2})) == []
    assert results(search(api, id_number=wang.clear_id_number)) == []
    assert results(search(api, phone="13800000003")) == []
    assert results(api.get(f"{V1}/residents/", {"name": "王"})) == []
    # 赵女士 (乙一网格) is the only 低保户; the grid worker's own 独居老人 still shows.
    assert results(api.get(f"{V1}/residents/", {"tag": "low_income"})) == []
    assert ids(api.get(f"{V1}/residents/", {"tag": "elderly_alone"})) == {world.residents["zhang"].pk}
    assert zhao.pk not in ids(api.get(f"{V1}/residents/", {"hukou_status": "floating"}))


def search(api, **numbers):
    return api.post(f"{V1}/residents/search/", numbers, format="json")


def test_exact_number_search_finds_the_resident_for_staff_who_may_see_them(world, api_for):
    api = api_for("community")
    wang = world.residents["wang"]
    assert ids(search(api, id_number=wang.clear_id_number.lower())) == {wang.pk}
    assert ids(search(api, phone="138-0000-0003")) == {wang.pk}
    assert ids(search(api, id_number=wang.clear_id_number, phone="138-0000-0003")) == {wang.pk}
    assert ids(search(api, id_number=wang.clear_id_number, phone="13800000001")) == set()
    assert ids(api.get(f"{V1}/residents/", {"name": "王"})) == {wang.pk}
    # Pages like the list, and takes the list's query parameters.
    body = search(api, phone="13800000003").json()
    assert body["count"] == 1 and body["results"][0]["phone_masked"] == "138****0003"
    assert results(api.post(f"{V1}/residents/search/?under={world.areas['g1'].code}", {"phone": "13800000003"})) == []


def test_exact_number_search_respects_scope(world, api_for):
    wang, zhang = world.residents["wang"], world.residents["zhang"]
    assert results(search(api_for("community2"), id_number=wang.clear_id_number)) == []
    assert ids(search(api_for("street"), id_number=wang.clear_id_number)) == {wang.pk}
    # Residents and 责任田 members see 张大爷's home, but may not confirm numbers by trying them.
    for persona in ("member", "resident", "volunteer", "nobody"):
        assert results(search(api_for(persona), phone="13800000001")) == [], persona
        assert results(search(api_for(persona), id_number=zhang.clear_id_number)) == [], persona


def test_exact_number_search_needs_a_number_and_a_login(world, api_for):
    response = search(api_for("community"), id_number=" ", phone="")
    assert response.status_code == 400
    assert "请填写身份证号或手机号。" in response.content.decode()
    assert APIClient().post(f"{V1}/residents/search/", {"phone": "13800000001"}, format="json").status_code == 401


def test_numbers_are_no_longer_query_parameters(world, api_for, client):
    api = api_for("community")
    everyone = ids(api.get(f"{V1}/residents/"))
    assert ids(api.get(f"{V1}/residents/", {"phone": "13800000003"})) == everyone
    schema = client.get("/api/schema/", {"format": "json"}).json()
    params = {p["name"] for p in schema["paths"]["/api/v1/residents/"]["get"]["parameters"]}
    assert "name" in params and not {"id_number", "phone"} & params
    assert "/api/v1/residents/search/" in schema["paths"]


def test_community_staff_sees_own_community_only(world, api_for):
    r = world.residents
    assert ids(api_for("community").get(f"{V1}/residents/")) == {r["zhang"].pk, r["li"].pk, r["wang"].pk}
    assert ids(api_for("community2").get(f"{V1}/residents/")) == {r["zhao"].pk}
    assert api_for("community2").get(f"{V1}/residents/{r['zhang'].pk}/").status_code == 404


def test_street_admin_sees_all(world, api_for):
    api = api_for("street")
    assert ids(api.get(f"{V1}/residents/")) == {r.pk for r in world.residents.values()}
    assert ids(api.get(f"{V1}/households/")) == {h.pk for h in world.households.values()}
    under_c2 = api.get(f"{V1}/residents/", {"under": world.areas["c2"].code})
    assert ids(under_c2) == {world.residents["zhao"].pk}


@pytest.mark.parametrize("persona", ["volunteer", "department", "unit", "nobody"])
def test_roles_without_people_access_see_no_residents(world, api_for, persona):
    api = api_for(persona)
    assert results(api.get(f"{V1}/residents/")) == []
    assert results(api.get(f"{V1}/households/")) == []
    assert api.get(f"{V1}/residents/{world.residents['zhang'].pk}/").status_code == 404


def test_resident_sees_only_own_household(world, api_for):
    api = api_for("resident")
    zhang = world.residents["zhang"]
    assert ids(api.get(f"{V1}/households/")) == {world.households["h1"].pk}
    assert ids(api.get(f"{V1}/residents/")) == {zhang.pk}
    assert api.get(f"{V1}/residents/{zhang.pk}/").status_code == 200
    assert api.get(f"{V1}/residents/{world.residents['li'].pk}/").status_code == 404


def test_resident_cannot_change_own_record(world, api_for):
    zhang = world.residents["zhang"]
    response = api_for("resident").patch(f"{V1}/residents/{zhang.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    zhang.refresh_from_db()
    assert zhang.name == "张大爷"


def test_party_member_sees_duty_household_and_own(world, api_for):
    api = api_for("member")
    h, r = world.households, world.residents
    # 郑党员 lives in h1b (李阿姨's record) and has h1 as 责任田; 甲二网格 stays out of reach.
    assert ids(api.get(f"{V1}/households/")) == {h["h1"].pk, h["h1b"].pk}
    assert ids(api.get(f"{V1}/residents/")) == {r["zhang"].pk, r["li"].pk}
    assert api.get(f"{V1}/residents/{r['wang'].pk}/").status_code == 404
    assert world.members["zheng"].pk in ids(api.get(f"{V1}/party-members/"))


# --- private data: notes and tags ---------------------------------------------------


def give_private_data(world):
    zhang, h1 = world.residents["zhang"], world.households["h1"]
    Resident.objects.filter(pk=zhang.pk).update(note="患阿尔茨海默病")
    Household.objects.filter(pk=h1.pk).update(note="钥匙放在邻居家")
    return zhang, h1


@pytest.mark.parametrize("persona", ["member", "resident"])
def test_member_and_resident_get_no_notes_or_tags(world, api_for, persona):
    zhang, h1 = give_private_data(world)
    api = api_for(persona)
    for path in (f"residents/{zhang.pk}/", "residents/", f"households/{h1.pk}/", "households/"):
        response = api.get(f"{V1}/{path}")
        assert response.status_code == 200, path
        keys = set(walk_keys(response.json()))
        assert not {"note", "tags", "set_reason"} & keys, (path, keys)
        text = response.content.decode()
        assert "患阿尔茨海默病" not in text and "钥匙放在邻居家" not in text and "elderly_alone" not in text
    detail = api.get(f"{V1}/residents/{zhang.pk}/").json()
    assert detail["name"] == "张大爷" and detail["phone_masked"] == "138****0001"
    # The tag filter cannot tell who carries a tag either.
    assert results(api.get(f"{V1}/residents/", {"tag": "elderly_alone"})) == []


@pytest.mark.parametrize("persona", ["grid", "community", "auditor"])
def test_staff_get_notes_and_tags(world, api_for, persona):
    zhang, h1 = give_private_data(world)
    api = api_for(persona)
    detail = api.get(f"{V1}/residents/{zhang.pk}/").json()
    assert detail["note"] == "患阿尔茨海默病"
    assert [t["tag"] for t in detail["tags"]] == ["elderly_alone"]
    assert api.get(f"{V1}/households/{h1.pk}/").json()["note"] == "钥匙放在邻居家"
    assert ids(api.get(f"{V1}/residents/", {"tag": "elderly_alone"})) == {zhang.pk}


# --- personal data ----------------------------------------------------------------


def test_responses_show_masked_numbers_and_no_cipher_or_digest(world, api_for):
    api = api_for("street")
    zhang = world.residents["zhang"]
    for path in ("residents/", f"residents/{zhang.pk}/", "party-members/", "grid-workers/"):
        response = api.get(f"{V1}/{path}")
        assert response.status_code == 200
        keys = set(walk_keys(response.json()))
        assert not {k for k in keys if "cipher" in k or "digest" in k}, path
        text = response.content.decode()
        for resident in world.residents.values():
            assert resident.clear_id_number not in text
        assert "13800000001" not in text
    detail = api.get(f"{V1}/residents/{zhang.pk}/").json()
    assert detail["id_number_masked"] == zhang.clear_id_number[:3] + "*" * 11 + zhang.clear_id_number[-4:]
    assert detail["phone_masked"] == "138****0001"
    assert "id_number" not in detail and "phone" not in detail
    assert [t["tag"] for t in detail["tags"]] == ["elderly_alone"]
    assert detail["area_code"] == world.areas["b1"].code
    assert detail["household"] == world.households["h1"].pk


def test_unmask_returns_clear_value_and_writes_access_log(world, api_for):
    zhang = world.residents["zhang"]
    response = api_for("community").post(
        f"{V1}/residents/{zhang.pk}/unmask/", {"field": "id_number", "reason": "核实低保申请"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {"value": zhang.clear_id_number}
    entry = AccessLog.objects.get()
    assert (entry.username, entry.field, entry.reason) == ("community", "id_number", "核实低保申请")
    assert entry.target.startswith(f"people.Resident:{zhang.pk} ")
    assert entry.area_code == world.areas["b1"].code


def test_grid_worker_may_unmask_phone_but_not_id_number(world, api_for):
    api = api_for("grid")
    zhang = world.residents["zhang"]
    phone = api.post(f"{V1}/residents/{zhang.pk}/unmask/", {"field": "phone", "reason": "电话回访"}, format="json")
    assert phone.status_code == 200
    assert phone.json() == {"value": "13800000001"}
    denied = api.post(f"{V1}/residents/{zhang.pk}/unmask/", {"field": "id_number", "reason": "想看"}, format="json")
    assert denied.status_code == 403
    assert "明文" in denied.json()["detail"]
    assert list(AccessLog.objects.values_list("field", flat=True)) == ["phone"]


def test_unmask_without_reason_is_400_and_not_logged(world, api_for):
    zhang = world.residents["zhang"]
    response = api_for("community").post(f"{V1}/residents/{zhang.pk}/unmask/", {"field": "phone"}, format="json")
    assert response.status_code == 400
    assert "事由" in response.json()["reason"][0]
    assert not AccessLog.objects.exists()


def test_unmask_of_other_grid_resident_is_404(world, api_for):
    wang = world.residents["wang"]
    response = api_for("grid").post(
        f"{V1}/residents/{wang.pk}/unmask/", {"field": "phone", "reason": "电话回访"}, format="json"
    )
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


# --- writes through the actions -----------------------------------------------------


def test_grid_worker_registers_resident_with_protected_numbers(world, api_for):
    number = make_id_number("370602", datetime.date(1988, 5, 6), 77)
    response = api_for("grid").post(
        f"{V1}/residents/",
        {"household": world.households["h1"].pk, "name": "新居民", "id_number": number, "phone": "13900000077"},
        format="json",
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["phone_masked"] == "139****0077"
    assert number not in response.content.decode()
    created = Resident.objects.get(pk=body["id"])
    assert created.birth_date == datetime.date(1988, 5, 6)
    assert Resident.objects.with_id_number(number).get() == created


def test_resident_with_bad_id_number_is_400_naming_the_field(world, api_for):
    before = Resident.objects.count()
    response = api_for("grid").post(
        f"{V1}/residents/",
        {"household": world.households["h1"].pk, "name": "新居民", "id_number": "370602198805060771"},
        format="json",
    )
    assert response.status_code == 400
    assert "身份证号" in response.json()["id_number"][0]
    assert Resident.objects.count() == before


def test_grid_worker_cannot_register_resident_in_other_grid(world, api_for):
    before = Resident.objects.count()
    response = api_for("grid").post(
        f"{V1}/residents/", {"household": world.households["h2"].pk, "name": "越界"}, format="json"
    )
    assert response.status_code == 400
    assert "household" in response.json()
    assert Resident.objects.count() == before


def test_resident_persona_cannot_register_residents_even_in_own_home(world, api_for):
    response = api_for("resident").post(
        f"{V1}/residents/", {"household": world.households["h1"].pk, "name": "新居民"}, format="json"
    )
    assert response.status_code == 403


def test_update_resident_changes_phone_and_keeps_id_number(world, api_for):
    zhang = world.residents["zhang"]
    response = api_for("grid").patch(f"{V1}/residents/{zhang.pk}/", {"phone": "13700000009"}, format="json")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["phone_masked"] == "137****0009"
    zhang.refresh_from_db()
    assert zhang.reveal("id_number") == world.residents["zhang"].clear_id_number
    assert Resident.objects.with_phone("13700000009").get() == zhang


def test_set_and_remove_tag_through_api(world, api_for):
    api = api_for("grid")
    li = world.residents["li"]
    added = api.post(f"{V1}/residents/{li.pk}/tags/", {"tag": "disabled", "reason": "残联认定"}, format="json")
    assert added.status_code == 201, added.content.decode()
    assert ids(api.get(f"{V1}/residents/", {"tag": "disabled"})) == {li.pk}

    removed = api.post(f"{V1}/residents/{li.pk}/tags/disabled/remove/", {"reason": "复核取消"}, format="json")
    assert removed.status_code == 200, removed.content.decode()
    assert results(api.get(f"{V1}/residents/", {"tag": "disabled"})) == []
    tag = ResidentTag.objects.get(resident=li, tag="disabled")
    assert (tag.set_reason, tag.removed_reason, tag.removed_by) == ("残联认定", "复核取消", world.users["grid"])

    again = api.post(f"{V1}/residents/{li.pk}/tags/disabled/remove/", {"reason": "再删"}, format="json")
    assert again.status_code == 400
    assert "没有这个标签" in again.content.decode()


def test_setting_a_tag_the_resident_already_has_is_400_not_201(world, api_for):
    zhang = world.residents["zhang"]
    response = api_for("grid").post(
        f"{V1}/residents/{zhang.pk}/tags/", {"tag": "elderly_alone", "reason": "再设一次"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"tag": ["该居民已有这个标签。"]}
    assert ResidentTag.objects.filter(resident=zhang, tag="elderly_alone").count() == 1


def test_household_in_a_disabled_area_is_400_on_area(world, api_for):
    Area.objects.filter(pk=world.areas["b1"].pk).update(is_active=False)
    response = api_for("grid").post(f"{V1}/households/", {"area": world.areas["b1"].code, "room": "909"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"area": ["该区域已停用，不能在此登记住户。"]}


def test_household_registered_meanwhile_is_400_not_500(world, api_for):
    """Another request saves the same address between the action's checks and its write:
    the database refuses, and the client hears why."""
    b1 = world.areas["b1"]

    def same_address(sender, instance, **kwargs):
        pre_save.disconnect(same_address, sender=Household)
        Household.objects.create(area=b1, unit="3", room="303")

    pre_save.connect(same_address, sender=Household, weak=False)
    try:
        response = api_for("grid").post(
            f"{V1}/households/", {"area": b1.code, "unit": "3", "room": "303"}, format="json"
        )
    finally:
        pre_save.disconnect(same_address, sender=Household)
    assert response.status_code == 400
    assert "甲1栋3单元303室 已经登记为一户" in response.json()["room"][0]


def test_tag_endpoints_refuse_residents_and_other_grids(world, api_for):
    zhang, wang = world.residents["zhang"], world.residents["wang"]
    payload = {"tag": "veteran", "reason": "自报"}
    assert api_for("resident").post(f"{V1}/residents/{zhang.pk}/tags/", payload, format="json").status_code == 403
    assert api_for("grid").post(f"{V1}/residents/{wang.pk}/tags/", payload, format="json").status_code == 404
    assert not ResidentTag.objects.filter(tag="veteran").exists()


def test_household_create_and_update_through_actions(world, api_for):
    api = api_for("grid")
    b1 = world.areas["b1"].code
    created = api.post(f"{V1}/households/", {"area": b1, "unit": "2", "room": "501"}, format="json")
    assert created.status_code == 201, created.content.decode()
    pk = created.json()["id"]
    changed = api.patch(f"{V1}/households/{pk}/", {"is_center_household": True}, format="json")
    assert changed.status_code == 200
    assert ids(api.get(f"{V1}/households/", {"is_center_household": "true"})) == {pk}

    duplicate = api.post(f"{V1}/households/", {"area": b1, "unit": "2", "room": "501"}, format="json")
    assert duplicate.status_code == 400
    other_grid = api.post(f"{V1}/households/", {"area": world.areas["b2"].code, "room": "1"}, format="json")
    assert other_grid.status_code == 400
    assert "area" in other_grid.json()


# --- areas --------------------------------------------------------------------


def test_area_boundary_is_geojson(world, api_for):
    g1 = world.areas["g1"]
    body = api_for("grid").get(f"{V1}/areas/{g1.pk}/").json()
    assert body["boundary"]["type"] == "Polygon"
    assert body["boundary"]["coordinates"][0][0] == [121.0, 37.0]
    assert body["parent"] == world.areas["c1"].code


def test_area_filters_by_level_parent_and_code_prefix(world, api_for):
    api = api_for("street")
    a = world.areas
    assert ids(api.get(f"{V1}/areas/", {"level": "grid"})) == {a["g1"].pk, a["g2"].pk, a["g3"].pk}
    assert ids(api.get(f"{V1}/areas/", {"parent": a["c1"].code})) == {a["g1"].pk, a["g2"].pk}
    assert ids(api.get(f"{V1}/areas/", {"under": a["c2"].code})) == {a["c2"].pk, a["g3"].pk, a["b3"].pk}
    names = [row["name"] for row in results(api.get(f"{V1}/areas/", {"level": "grid", "ordering": "-code"}))]
    assert names == ["乙一网格", "甲二网格", "甲一网格"]


def test_community_staff_creates_grid_with_next_code(world, api_for):
    response = api_for("community").post(
        f"{V1}/areas/", {"parent": world.areas["c1"].code, "name": "甲三网格", "level": "grid"}, format="json"
    )
    assert response.status_code == 201, response.content.decode()
    assert response.json()["code"] == "370602001001003"


def test_area_code_that_breaks_the_tree_is_400(world, api_for):
    response = api_for("community").post(
        f"{V1}/areas/",
        {"parent": world.areas["c1"].code, "name": "错码网格", "level": "grid", "code": "370602001002099"},
        format="json",
    )
    assert response.status_code == 400
    assert "上级区域编码" in response.json()["code"][0]
    assert not Area.objects.filter(name="错码网格").exists()


def test_area_level_that_breaks_the_tree_is_400(world, api_for):
    response = api_for("community").post(
        f"{V1}/areas/", {"parent": world.areas["c1"].code, "name": "楼", "level": "building"}, format="json"
    )
    assert response.status_code == 400
    assert "level" in response.json()


def test_grid_worker_may_not_create_or_change_areas(world, api_for):
    api = api_for("grid")
    g1 = world.areas["g1"]
    created = api.post(f"{V1}/areas/", {"parent": g1.code, "name": "微网格", "level": "sub_grid"}, format="json")
    assert created.status_code == 403
    assert api.patch(f"{V1}/areas/{g1.pk}/", {"name": "改名"}, format="json").status_code == 403


def test_area_update_goes_through_action_and_keeps_code(world, api_for):
    g1 = world.areas["g1"]
    api = api_for("community")
    response = api.patch(f"{V1}/areas/{g1.pk}/", {"name": "甲一网格（新）", "code": "370602001001009"}, format="json")
    assert response.status_code == 200
    g1.refresh_from_db()
    assert (g1.name, g1.code) == ("甲一网格（新）", "370602001001001")
    # The street sits above the community: visible to navigate, not theirs to change.
    street = world.areas["street"]
    assert api.patch(f"{V1}/areas/{street.pk}/", {"name": "改名"}, format="json").status_code == 403
    assert api_for("community2").patch(f"{V1}/areas/{g1.pk}/", {"name": "改名"}, format="json").status_code == 404


def test_overlapping_boundary_is_400(world, api_for):
    g2 = world.areas["g2"]
    response = api_for("community").patch(
        f"{V1}/areas/{g2.pk}/", {"boundary": world.areas["g1"].boundary}, format="json"
    )
    assert response.status_code == 400
    assert "重叠" in response.json()["boundary"][0]


def test_locate_finds_grid_then_community(world, api_for):
    api = api_for("street")
    inside_grid = api.get(f"{V1}/areas/locate/", {"lng": 121.005, "lat": 37.005})
    assert inside_grid.status_code == 200
    assert inside_grid.json()["name"] == "甲一网格"
    community_only = api.get(f"{V1}/areas/locate/", {"lng": 121.07, "lat": 37.02})
    assert community_only.json()["name"] == "乙社区"
    assert api.get(f"{V1}/areas/locate/", {"lng": 100.0, "lat": 30.0}).status_code == 404


def test_locate_hides_areas_the_user_cannot_see(world, api_for):
    api = api_for("grid")
    assert api.get(f"{V1}/areas/locate/", {"lng": 121.005, "lat": 37.005}).json()["name"] == "甲一网格"
    assert api.get(f"{V1}/areas/locate/", {"lng": 121.07, "lat": 37.02}).status_code == 404


def test_locate_with_bad_coordinates_is_400(world, api_for):
    response = api_for("street").get(f"{V1}/areas/locate/", {"lng": "东经", "lat": 37.0})
    assert response.status_code == 400
    assert "lng" in response.json()


# --- party organisations, party members, grid workers -----------------------------------


def test_party_orgs_filter_by_kind_and_area(world, api_for):
    api = api_for("street")
    o = world.orgs
    assert ids(api.get(f"{V1}/party-orgs/", {"kind": "committee"})) == {o["committee"].pk, o["committee2"].pk}
    assert ids(api.get(f"{V1}/party-orgs/", {"under": world.areas["c1"].code})) == {
        o["committee"].pk,
        o["branch1"].pk,
    }
    assert ids(api_for("community2").get(f"{V1}/party-orgs/")) == {o["committee2"].pk}


def test_community_staff_creates_party_branch(world, api_for):
    payload = {
        "name": "甲二网格党支部",
        "kind": "branch",
        "area": world.areas["g2"].code,
        "parent": world.orgs["committee"].pk,
    }
    response = api_for("community").post(f"{V1}/party-orgs/", payload, format="json")
    assert response.status_code == 201, response.content.decode()
    assert response.json()["area_name"] == "甲二网格"

    upside_down = {**payload, "name": "倒挂", "kind": "committee", "parent": world.orgs["branch1"].pk}
    refused = api_for("community").post(f"{V1}/party-orgs/", upside_down, format="json")
    assert refused.status_code == 400
    assert "kind" in refused.json()
    g1, branch1 = world.areas["g1"].code, world.orgs["branch1"].pk
    by_grid_worker = {"name": "网格员建", "kind": "group", "area": g1, "parent": branch1}
    assert api_for("grid").post(f"{V1}/party-orgs/", by_grid_worker, format="json").status_code == 403


def test_party_members_filter(world, api_for):
    api = api_for("community")
    zheng = world.members["zheng"]
    assert ids(api.get(f"{V1}/party-members/", {"party_org": world.orgs["branch1"].pk})) == {zheng.pk}
    assert ids(api.get(f"{V1}/party-members/", {"work_status": "retired", "relation_in_community": "true"})) == {
        zheng.pk
    }
    assert results(api.get(f"{V1}/party-members/", {"is_center_household": "true"})) == []
    assert results(api.get(f"{V1}/party-members/", {"under": world.areas["g2"].code})) == []
    assert results(api_for("community2").get(f"{V1}/party-members/")) == []


def test_grid_workers_are_read_only_and_scoped(world, api_for):
    names = {row["name"] for row in results(api_for("street").get(f"{V1}/grid-workers/"))}
    assert names == {"grid"}
    assert results(api_for("grid2").get(f"{V1}/grid-workers/")) == []
    row = results(api_for("grid").get(f"{V1}/grid-workers/"))[0]
    assert row["grids"] == [world.areas["g1"].code]
    refused = api_for("street").post(f"{V1}/grid-workers/", {"name": "新"}, format="json")
    assert refused.status_code == 405


# --- OpenAPI -------------------------------------------------------------------


def test_schema_and_docs_are_served_without_cdn(world, client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/residents/{id}/unmask/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert not re.search(r"""(src|href)=["']?https?://""", html)
    assert "<script>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


@pytest.mark.browser
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_swagger_ui_renders_offline(page, live_server, transactional_db, size):
    from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, no_external_requests

    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(PHONE if size == "phone" else DESKTOP)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector("text=/api/v1/residents/{id}/unmask/")
    page.screenshot(path=f"/tmp/api-docs-{size}.png")
    assert foreign == []
    assert_accessible(page)


def test_community_staff_renames_a_party_org_and_grid_worker_cannot(api_for, world):
    branch = world.orgs["branch1"]
    response = api_for("community").patch(
        f"/api/v1/party-orgs/{branch.pk}/", {"name": "甲一网格第一党支部"}, format="json"
    )
    assert response.status_code == 200, response.content
    branch.refresh_from_db()
    assert branch.name == "甲一网格第一党支部"
    response = api_for("grid").patch(f"/api/v1/party-orgs/{branch.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    branch.refresh_from_db()
    assert branch.name == "甲一网格第一党支部"


def test_party_member_shows_only_the_households_and_home_the_caller_may_see(api_for, world):
    zheng = world.members["zheng"]
    zheng.responsibility_households.add(world.households["h3"])  # a household in 乙社区
    body = api_for("community").get(f"{V1}/party-members/{zheng.pk}/").json()
    assert body["responsibility_households"] == [world.households["h1"].pk]
    assert body["responsibility_household_count"] == 2
    assert body["resident"] == world.residents["li"].pk
    # 乙社区's staff cannot see 郑党员 at all; the street admin sees everything.
    assert api_for("community2").get(f"{V1}/party-members/{zheng.pk}/").status_code == 404
    body = api_for("street").get(f"{V1}/party-members/{zheng.pk}/").json()
    assert sorted(body["responsibility_households"]) == sorted([world.households["h1"].pk, world.households["h3"].pk])
