"""The household and resident pages: scope, masking, unmask with a reason, and forms."""

import datetime
import io
import re
from contextlib import contextmanager

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db.models.signals import pre_save
from django.urls import reverse
from openpyxl import load_workbook

from gridgov.audit.models import AccessLog, Action
from gridgov.lib.idcard import make_id_number
from gridgov.org.models import Area, RoleAssignment
from gridgov.org.roles import Role
from gridgov.people.models import Household, PartyMember, Resident, ResidentTag, Tag
from gridgov.web.forms import add_errors

LIST = reverse("household-list")
LOOKUP = reverse("household-lookup")


def names_in(response):
    text = response.content.decode()
    return {n for n in ("张大爷", "李阿姨", "王先生", "赵女士") if n in text}


def unmask_url(resident, field):
    return reverse("resident-unmask", args=[resident.pk, field])


# --- who sees what ---------------------------------------------------------------------


def test_grid_worker_sees_only_own_grid_households(client_for):
    response = client_for("grid").get(LIST)
    assert response.status_code == 200
    assert names_in(response) == {"张大爷", "李阿姨"}
    assert "共 2 户 / 2 人" in response.content.decode()


def test_grid_worker_cannot_reach_other_grid_by_area_filter(client_for, world):
    response = client_for("grid").get(LIST, {"under": world.areas["g2"].pk})
    assert response.status_code == 200
    assert names_in(response) == set()
    assert "共 0 户 / 0 人" in response.content.decode()


def lookup(client, data):
    """Post an exact search and follow the redirect to the list it answers with."""
    return client.post(LOOKUP, data, follow=True)


def test_grid_worker_cannot_find_other_grid_resident_by_exact_id_number(client_for, world):
    wang = world.residents["wang"]
    response = lookup(client_for("grid"), {"id_number": wang.clear_id_number})
    assert names_in(response) == set()
    assert "共 0 户 / 0 人" in response.content.decode()


def test_grid_worker_cannot_find_other_grid_resident_by_exact_phone(client_for):
    response = lookup(client_for("grid"), {"phone": "13800000003"})
    assert names_in(response) == set()


def test_exact_id_number_and_phone_search_find_the_resident_in_scope(client_for, world):
    client = client_for("community")
    by_id = lookup(client, {"id_number": world.residents["wang"].clear_id_number.lower()})
    assert names_in(by_id) == {"王先生"}
    by_phone = lookup(client, {"phone": "138 0000 0001"})
    assert names_in(by_phone) == {"张大爷"}
    both = lookup(client, {"id_number": world.residents["wang"].clear_id_number, "phone": "13800000001"})
    assert names_in(both) == set()


def test_exact_search_keeps_the_numbers_out_of_every_url_link_and_form(client_for, world):
    client = client_for("community")
    number, phone = world.residents["wang"].clear_id_number, "13800000003"
    response = client.post(LOOKUP, {"id_number": number, "phone": phone})
    assert response.status_code == 302
    location = response["Location"]
    assert number not in location and phone not in location
    assert re.fullmatch(rf"{LIST}\?lookup=[0-9a-f]{{32}}", location)
    page = client.get(location)
    text = page.content.decode()
    assert names_in(page) == {"王先生"}
    # Not in export links, pagination, the clear-export form, the language switcher's
    # `next`, nor in the search box (it comes back empty).
    assert number not in text and phone not in text
    assert number.lower() not in text and "138 0000 0003" not in text
    # The exact search is a POST form; the GET filter has no number fields any more.
    get_form = re.search(r'<form method="get".*?</form>', text, re.S).group(0)
    assert 'name="id_number"' not in get_form and 'name="phone"' not in get_form
    assert f'action="{LOOKUP}"' in text
    # The export follows the search through the token.
    export = client.get(reverse("household-export") + "?" + location.split("?", 1)[1])
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["王先生"]
    assert "lookup=***" in AccessLog.objects.get().target


def test_exact_search_by_get_is_not_possible(client_for, world):
    client = client_for("community")
    assert client.get(LOOKUP, {"phone": "13800000003"}).status_code == 405
    # Numbers in the list's query string are not a filter: nothing is narrowed by them.
    assert names_in(client.get(LIST, {"phone": "13800000003"})) == {"张大爷", "李阿姨", "王先生"}


def test_exact_search_without_a_number_says_which_fields_to_fill(client_for):
    response = lookup(client_for("community"), {"id_number": " ", "phone": ""})
    assert "请填写身份证号或手机号。" in response.content.decode()


def test_lookup_token_of_another_session_shows_nothing(client_for, world, client):
    location = client_for("community").post(LOOKUP, {"phone": "13800000003"})["Location"]
    client.logout()
    other = client_for("street").get(location)
    assert names_in(other) == set()
    assert "这次精确查找的结果已失效，请重新查找。" in other.content.decode()


def make_grid_worker_a_party_member_serving_h2(world):
    """The grid worker of 甲一网格 is also a party member whose 责任田 holds 王先生's home."""
    member = PartyMember.objects.create(area=world.areas["g1"], name="网格员党员", user=world.users["grid"])
    member.responsibility_households.set([world.households["h2"]])
    RoleAssignment.objects.create(user=world.users["grid"], role=Role.PARTY_MEMBER, area=world.areas["g1"])
    Resident.objects.filter(pk=world.residents["wang"].pk).update(note="家中有老人卧床")
    ResidentTag.objects.create(resident=world.residents["wang"], tag=Tag.TWO_CANCER, set_reason="筛查阳性")


def test_exact_search_looks_only_where_the_user_is_staff(client_for, world):
    make_grid_worker_a_party_member_serving_h2(world)
    client = client_for("grid")
    assert "王先生" in names_in(client.get(LIST))
    # An exact number is a staff tool: not for confirming a 责任田 neighbour's number.
    assert names_in(lookup(client, {"phone": "13800000003"})) == set()


def test_list_shows_tags_only_where_the_user_is_staff(client_for, world):
    make_grid_worker_a_party_member_serving_h2(world)
    client = client_for("grid")
    table = client.get(LIST).content.decode().split('<table class="table households">')[1]
    assert "王先生" in table
    assert "独居老人" in table  # 张大爷, in the grid worker's own grid
    assert "两癌" not in table
    # Nor can the tag filter tell who carries it.
    assert names_in(client.get(LIST, {"tag": Tag.TWO_CANCER})) == set()


def test_grid_worker_gets_404_for_other_grid_resident(client_for, world):
    client = client_for("grid")
    assert client.get(reverse("resident-detail", args=[world.residents["wang"].pk])).status_code == 404
    assert client.get(reverse("household-detail", args=[world.households["h2"].pk])).status_code == 404


def test_community_staff_sees_own_community_only(client_for):
    response = client_for("community").get(LIST)
    assert names_in(response) == {"张大爷", "李阿姨", "王先生"}


def test_street_admin_sees_every_community(client_for):
    response = client_for("street").get(LIST)
    assert names_in(response) == {"张大爷", "李阿姨", "王先生", "赵女士"}
    assert "共 4 户 / 4 人" in response.content.decode()


def test_list_shows_masked_numbers_never_clear_ones(client_for, world):
    text = client_for("street").get(LIST).content.decode()
    assert world.residents["zhang"].id_number_masked in text
    assert "138****0001" in text
    for resident in world.residents.values():
        assert resident.clear_id_number not in text
    assert "13800000001" not in text


def test_area_filter_lists_only_areas_in_scope(client_for, world):
    response = client_for("grid").get(LIST)
    choices = {a.pk for a in response.context["filter"].form.fields["under"].queryset}
    assert choices == {world.areas["g1"].pk}


def test_filters_by_tag_hukou_and_area(client_for, world):
    client = client_for("street")
    assert names_in(client.get(LIST, {"tag": Tag.ELDERLY_ALONE})) == {"张大爷"}
    assert names_in(client.get(LIST, {"hukou_status": "floating"})) == {"赵女士"}
    assert names_in(client.get(LIST, {"under": world.areas["c2"].pk})) == {"赵女士"}
    assert names_in(client.get(LIST, {"q": "王"})) == {"王先生"}


def test_filters_by_separated_and_center_household(client_for, world):
    Resident.objects.filter(pk=world.residents["li"].pk).update(is_separated=True)
    Household.objects.filter(pk=world.households["h2"].pk).update(is_center_household=True)
    client = client_for("street")
    assert names_in(client.get(LIST, {"separated": "yes"})) == {"李阿姨"}
    assert names_in(client.get(LIST, {"center": "yes"})) == {"王先生"}


def test_list_is_paginated_by_25_households(client_for, world):
    for room in range(500, 530):
        Household.objects.create(area=world.areas["b1"], unit="9", room=str(room))
    client = client_for("grid")
    first = client.get(LIST)
    assert len(first.context["rows"]) == 25
    assert "共 32 户 / 2 人" in first.content.decode()
    second = client.get(LIST, {"page": 2})
    assert len(second.context["rows"]) == 7


def test_auditor_sees_masked_list_but_cannot_unmask(client_for, world):
    client = client_for("auditor")
    response = client.get(LIST)
    assert names_in(response) == {"张大爷", "李阿姨", "王先生", "赵女士"}
    zhang = world.residents["zhang"]
    page = client.get(reverse("resident-detail", args=[zhang.pk])).content.decode()
    assert "查看明文" not in page
    response = client.post(unmask_url(zhang, "phone"), {"reason": "核对信息"})
    assert response.status_code == 403
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["volunteer", "department", "unit", "resident", "nobody"])
def test_people_without_a_staff_role_get_403(client_for, world, persona):
    client = client_for(persona)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("household-create")).status_code == 403
    assert client.get(reverse("household-export")).status_code == 403


def test_party_member_opens_duty_household_but_not_the_staff_list(client_for, world):
    client = client_for("member")
    assert client.get(LIST).status_code == 403
    page = client.get(reverse("household-detail", args=[world.households["h1"].pk]))
    assert page.status_code == 200 and "张大爷" in page.content.decode()
    assert "查看明文" not in client.get(reverse("resident-detail", args=[world.residents["zhang"].pk])).content.decode()
    assert client.get(reverse("household-detail", args=[world.households["h2"].pk])).status_code == 404


# --- resident page and unmask ----------------------------------------------------------


def test_resident_page_shows_tag_history_and_party_profile(client_for, world):
    li = world.residents["li"]
    ResidentTag.objects.create(
        resident=li,
        tag=Tag.VETERAN,
        set_on="2023-05-01",
        set_reason="退役登记",
        removed_on="2024-02-01",
        removed_reason="信息更正",
    )
    text = client_for("community").get(reverse("resident-detail", args=[li.pk])).content.decode()
    assert "退役军人" in text and "2023-05-01" in text and "退役登记" in text
    assert "2024-02-01" in text and "信息更正" in text
    assert "党员信息" in text and "甲一网格党支部" in text


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_unmask_without_reason_is_refused_and_not_logged(client_for, world, reason):
    zhang = world.residents["zhang"]
    response = client_for("community").post(unmask_url(zhang, "id_number"), {"reason": reason})
    text = response.content.decode()
    assert response.status_code == 200
    assert zhang.clear_id_number not in text
    assert "请填写查看明文的事由" in text
    assert not AccessLog.objects.exists()


def test_unmask_with_reason_shows_clear_value_and_logs_it(client_for, world):
    zhang = world.residents["zhang"]
    response = client_for("community").post(unmask_url(zhang, "id_number"), {"reason": "办理高龄补贴"})
    assert zhang.clear_id_number in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.username, entry.action, entry.field, entry.reason) == (
        "community",
        Action.UNMASK,
        "id_number",
        "办理高龄补贴",
    )
    assert entry.area_code == world.areas["b1"].code


def test_unmask_by_htmx_returns_only_the_field_fragment(client_for, world):
    zhang = world.residents["zhang"]
    response = client_for("community").post(
        unmask_url(zhang, "phone"), {"reason": "入户走访联系"}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert "13800000001" in text
    assert "<html" not in text and 'id="pii-phone"' in text


def test_grid_worker_can_unmask_phone_but_not_id_number(client_for, world):
    client = client_for("grid")
    zhang = world.residents["zhang"]
    page = client.get(reverse("resident-detail", args=[zhang.pk])).content.decode()
    assert "unmask/phone/" in page and "unmask/id_number/" not in page
    assert client.post(unmask_url(zhang, "id_number"), {"reason": "核对身份"}).status_code == 403
    response = client.post(unmask_url(zhang, "phone"), {"reason": "联系本人"})
    assert "13800000001" in response.content.decode()
    assert list(AccessLog.objects.values_list("field", flat=True)) == ["phone"]


def test_unmask_out_of_scope_resident_is_404(client_for, world):
    response = client_for("grid").post(unmask_url(world.residents["wang"], "phone"), {"reason": "联系本人"})
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


# --- forms -----------------------------------------------------------------------------


def test_creating_resident_with_bad_id_checksum_shows_error_and_writes_nothing(client_for, world):
    household = world.households["h1"]
    good = make_id_number("370602", datetime.date(1980, 5, 6), 11)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    before = Resident.objects.count()
    response = client_for("grid").post(
        reverse("resident-create", args=[household.pk]),
        {"name": "新居民", "id_number": bad, "phone": "13900000000", "hukou_status": "local"},
    )
    assert response.status_code == 200
    assert "身份证号校验位不正确，请核对。" in response.content.decode()
    assert Resident.objects.count() == before


def test_creating_resident_with_duplicate_id_or_bad_phone_shows_errors(client_for, world):
    household = world.households["h1"]
    response = client_for("grid").post(
        reverse("resident-create", args=[household.pk]),
        {"name": "重复", "id_number": world.residents["li"].clear_id_number, "phone": "12345", "hukou_status": "local"},
    )
    text = response.content.decode()
    assert "手机号应为以1开头的11位数字。" in text
    assert not Resident.objects.filter(name="重复").exists()
    response = client_for("grid").post(
        reverse("resident-create", args=[household.pk]),
        {"name": "重复", "id_number": world.residents["li"].clear_id_number, "hukou_status": "local"},
    )
    assert "该身份证号已登记在其他居民名下。" in response.content.decode()
    assert not Resident.objects.filter(name="重复").exists()


def test_creating_resident_fills_birth_date_and_shows_it_masked(client_for, world):
    number = make_id_number("370602", datetime.date(1980, 5, 6), 11)
    household = world.households["h1"]
    response = client_for("grid").post(
        reverse("resident-create", args=[household.pk]),
        {"name": "新居民", "id_number": number, "phone": "13900000000", "hukou_status": "floating"},
    )
    resident = Resident.objects.get(name="新居民")
    assert response.status_code == 302 and response.url == reverse("resident-detail", args=[resident.pk])
    assert resident.birth_date == datetime.date(1980, 5, 6)
    assert resident.id_number_masked == number[:3] + "*" * 11 + number[-4:]
    assert Resident.objects.with_phone("13900000000").get() == resident


def test_grid_worker_cannot_add_resident_to_other_grid(client_for, world):
    response = client_for("grid").post(
        reverse("resident-create", args=[world.households["h2"].pk]), {"name": "越权", "hukou_status": "local"}
    )
    assert response.status_code == 404
    assert not Resident.objects.filter(name="越权").exists()


def test_duplicate_household_shows_a_clear_message(client_for, world):
    before = Household.objects.count()
    response = client_for("community").post(
        reverse("household-create"), {"area": world.areas["b1"].pk, "unit": "1", "room": "101"}
    )
    assert response.status_code == 200
    assert "甲1栋1单元101室 已经登记为一户" in response.content.decode()
    assert Household.objects.count() == before


def test_household_create_and_edit(client_for, world):
    client = client_for("grid")
    response = client.post(reverse("household-create"), {"area": world.areas["b1"].pk, "unit": "2", "room": "202"})
    household = Household.objects.get(area=world.areas["b1"], unit="2", room="202")
    assert response.url == reverse("household-detail", args=[household.pk])
    response = client.post(
        reverse("household-edit", args=[household.pk]),
        {"area": world.areas["b1"].pk, "unit": "2", "room": "203", "is_center_household": "on"},
    )
    household.refresh_from_db()
    assert (household.room, household.is_center_household) == ("203", True)
    # Moving onto an existing address is refused the same way.
    response = client.post(
        reverse("household-edit", args=[household.pk]), {"area": world.areas["b1"].pk, "unit": "1", "room": "102"}
    )
    assert "已经登记为一户" in response.content.decode()


def test_grid_worker_cannot_register_household_in_other_grid(client_for, world):
    response = client_for("grid").post(reverse("household-create"), {"area": world.areas["b2"].pk, "room": "999"})
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not Household.objects.filter(room="999").exists()


def test_edit_resident_keeps_numbers_when_left_blank(client_for, world):
    zhang = world.residents["zhang"]
    digest = Resident.objects.get(pk=zhang.pk).id_number_digest
    response = client_for("grid").post(
        reverse("resident-edit", args=[zhang.pk]),
        {"name": "张大爷", "hukou_status": "local", "relation": "户主", "is_separated": "on"},
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert (zhang.relation, zhang.is_separated, zhang.id_number_digest) == ("户主", True, digest)
    assert zhang.phone_masked == "138****0001"


def test_set_and_remove_tag_with_date_and_reason(client_for, world):
    li = world.residents["li"]
    client = client_for("grid")
    response = client.post(
        reverse("resident-tag-set", args=[li.pk]), {"tag": Tag.DISABLED, "on": "2024-03-01", "reason": "残联认定"}
    )
    assert response.status_code == 302
    tag = ResidentTag.objects.get(resident=li, tag=Tag.DISABLED)
    assert (str(tag.set_on), tag.set_reason, tag.set_by.username) == ("2024-03-01", "残联认定", "grid")
    again = client.post(
        reverse("resident-tag-set", args=[li.pk]), {"tag": Tag.DISABLED, "on": "2024-03-02", "reason": "重复"}
    )
    assert again.status_code == 200
    assert "该居民已有这个标签。" in again.content.decode()
    assert "tag" in again.context["form"].errors
    assert ResidentTag.objects.filter(resident=li, tag=Tag.DISABLED).count() == 1
    early = client.post(
        reverse("resident-tag-remove", args=[li.pk, Tag.DISABLED]), {"on": "2024-01-01", "reason": "误登"}
    )
    assert "移除日期不能早于设置日期。" in early.content.decode()
    client.post(reverse("resident-tag-remove", args=[li.pk, Tag.DISABLED]), {"on": "2024-06-01", "reason": "康复"})
    tag.refresh_from_db()
    assert (str(tag.removed_on), tag.removed_reason) == ("2024-06-01", "康复")
    assert list(Resident.objects.with_tag(Tag.DISABLED, on=datetime.date(2024, 4, 1))) == [li]


def test_tag_form_requires_reason(client_for, world):
    li = world.residents["li"]
    response = client_for("grid").post(
        reverse("resident-tag-set", args=[li.pk]), {"tag": Tag.DISABLED, "on": "2024-03-01", "reason": ""}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not ResidentTag.objects.filter(resident=li, tag=Tag.DISABLED).exists()


def test_auditor_cannot_edit(client_for, world):
    client = client_for("auditor")
    assert client.get(reverse("household-edit", args=[world.households["h1"].pk])).status_code == 403
    assert client.get(reverse("resident-edit", args=[world.residents["zhang"].pk])).status_code == 403
    assert client.get(reverse("resident-create", args=[world.households["h1"].pk])).status_code == 403


# --- private data: notes, tags and tag history (PIPL sensitive) -------------------------


def give_private_data(world):
    zhang, h1 = world.residents["zhang"], world.households["h1"]
    Resident.objects.filter(pk=zhang.pk).update(note="患阿尔茨海默病，需每日探望")
    Household.objects.filter(pk=h1.pk).update(note="子女在外地，钥匙放在邻居家")
    ResidentTag.objects.create(
        resident=zhang,
        tag=Tag.DISABLED,
        set_on="2023-01-01",
        set_reason="残联认定二级",
        removed_on="2023-06-01",
        removed_reason="复核撤销",
    )
    return zhang, h1


PRIVATE_MARKERS = ("患阿尔茨海默病", "钥匙放在邻居家", "残联认定二级", "复核撤销", "独居老人", "残疾人", "人群标签")


@pytest.mark.parametrize("persona", ["member", "resident"])
def test_member_and_resident_do_not_see_notes_or_tags(client_for, world, persona):
    zhang, h1 = give_private_data(world)
    client = client_for(persona)
    for url in (reverse("resident-detail", args=[zhang.pk]), reverse("household-detail", args=[h1.pk])):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "张大爷" in text
        shown = [m for m in PRIVATE_MARKERS if m in text]
        assert shown == [], (url, shown)


@pytest.mark.parametrize("persona", ["grid", "community", "auditor"])
def test_staff_see_notes_tags_and_tag_history(client_for, world, persona):
    zhang, h1 = give_private_data(world)
    client = client_for(persona)
    resident_page = client.get(reverse("resident-detail", args=[zhang.pk])).content.decode()
    for marker in ("患阿尔茨海默病", "残联认定二级", "复核撤销", "独居老人", "残疾人", "人群标签"):
        assert marker in resident_page
    household_page = client.get(reverse("household-detail", args=[h1.pk])).content.decode()
    assert "钥匙放在邻居家" in household_page and "独居老人" in household_page


# --- actions' refusals reach the form ----------------------------------------------------


def test_household_in_a_disabled_area_is_refused_on_the_area_field(client_for, world):
    Area.objects.filter(pk=world.areas["b1"].pk).update(is_active=False)
    response = client_for("community").post(reverse("household-create"), {"area": world.areas["b1"].pk, "room": "909"})
    assert response.status_code == 200
    assert response.context["form"].errors["area"] == ["该区域已停用，不能在此登记住户。"]
    assert not Household.objects.filter(room="909").exists()


@contextmanager
def written_meanwhile(model, write):
    """Run `write` just before the next save of a `model` row: another request that
    gets in between the action's checks and its write."""

    def receiver(sender, instance, **kwargs):
        pre_save.disconnect(receiver, sender=model)
        write(instance)

    pre_save.connect(receiver, sender=model, weak=False)
    try:
        yield
    finally:
        pre_save.disconnect(receiver, sender=model)


def test_resident_with_an_id_number_registered_meanwhile_gets_a_message_not_an_error(client_for, world):
    number = make_id_number("370602", datetime.date(1981, 2, 3), 21)

    def register_elsewhere(_instance):
        other = Resident(household=world.households["h1b"], name="抢先登记")
        other.set_id_number(number)
        other.save()

    with written_meanwhile(Resident, register_elsewhere):
        response = client_for("grid").post(
            reverse("resident-create", args=[world.households["h1"].pk]),
            {"name": "后到", "id_number": number, "hukou_status": "local"},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记在其他居民名下。"]
    assert not Resident.objects.filter(name="后到").exists()


def test_tag_set_meanwhile_gets_a_message_not_an_error(client_for, world):
    li = world.residents["li"]

    def tag_meanwhile(instance):
        ResidentTag.objects.create(resident=li, tag=Tag.VETERAN)

    with written_meanwhile(ResidentTag, tag_meanwhile):
        response = client_for("grid").post(
            reverse("resident-tag-set", args=[li.pk]), {"tag": Tag.VETERAN, "on": "2024-03-01", "reason": "自报"}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["tag"] == ["该居民已有这个标签。"]
    # (The stand-in write ran inside the action's savepoint and is undone with it.)
    assert not ResidentTag.objects.filter(set_reason="自报").exists()


class _Form(forms.Form):
    room = forms.CharField()


@pytest.mark.parametrize(
    "error, on_field, on_top",
    [
        (ValidationError({"room": "房号重复"}), ["房号重复"], []),
        (ValidationError({"area": "区域停用"}), [], ["区域停用"]),
        (ValidationError({"__all__": "整体错误"}), [], ["整体错误"]),
        (ValidationError("没有字段"), [], ["没有字段"]),
    ],
)
def test_one_helper_puts_action_errors_on_the_named_field_or_on_top(error, on_field, on_top):
    form = _Form({"room": "101"})
    assert form.is_valid()
    add_errors(form, error)
    assert form.errors.get("room", []) == on_field
    assert list(form.non_field_errors()) == on_top
