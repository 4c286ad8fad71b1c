"""Defects a review found, each pinned by a test: privilege escalation through the admin,
role grants, future-dated roles, shared phones, SMS failures, secrets in axes' log, and
needless rebuilds of the point index."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from gridgov.accounts.models import OutboundMessage
from gridgov.org import geoindex
from gridgov.org.actions import assign_role, update_area
from gridgov.org.models import GeoIndexVersion, RoleAssignment
from gridgov.org.roles import Role
from gridgov.org.scope import forget_roles
from gridgov.people.models import Household, Resident


def test_admin_is_read_only_for_staff(client_for, world):
    h1 = world.households["h1"]
    client = client_for("grid")
    assert client.get(f"/admin/people/household/{h1.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/people/household/{h1.pk}/change/", {"area": world.areas["b3"].pk, "unit": "1", "room": "101"}
    )
    assert response.status_code == 403
    h1.refresh_from_db()
    assert h1.area == world.areas["b1"]


def test_staff_cannot_grant_themselves_street_admin_in_the_admin(client_for, world):
    community = world.user("community")
    response = client_for("community").post(
        "/admin/org/roleassignment/add/",
        {"user": community.pk, "role": Role.STREET_ADMIN, "area": world.areas["street"].pk, "starts_on": "2026-01-01"},
    )
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=community, role=Role.STREET_ADMIN).exists()


def test_role_grants_follow_the_grantable_table(world):
    community, street = world.user("community"), world.user("street")
    volunteer = world.user("volunteer")
    with pytest.raises(PermissionDenied):
        assign_role(community, target_user=community, role=Role.GRID_WORKER, area=world.areas["g1"])
    with pytest.raises(PermissionDenied):
        assign_role(community, target_user=volunteer, role=Role.AUDITOR, area=world.areas["c1"])
    with pytest.raises(PermissionDenied):
        assign_role(street, target_user=volunteer, role=Role.STREET_ADMIN, area=world.areas["street"])
    with pytest.raises(PermissionDenied):  # out of scope
        assign_role(community, target_user=volunteer, role=Role.GRID_WORKER, area=world.areas["g3"])
    granted = assign_role(community, target_user=volunteer, role=Role.GRID_WORKER, area=world.areas["g2"])
    assert granted.pk and granted.role == Role.GRID_WORKER


def test_role_that_has_not_started_gives_no_access(world):
    volunteer = world.user("volunteer")
    RoleAssignment.objects.create(
        user=volunteer, role=Role.COMMUNITY_STAFF, area=world.areas["c1"], starts_on=datetime.date(2099, 1, 1)
    )
    forget_roles(volunteer)
    assert Resident.objects.visible_to(volunteer).count() == 0


def _code():
    body = OutboundMessage.objects.latest("id").body
    return "".join(ch for ch in body.split("验证码是")[1] if ch.isdigit())[:6]


def test_a_phone_shared_by_two_residents_logs_nobody_in(client, world):
    wang = world.residents["wang"]
    wang.set_phone("13800000001")  # the same phone as 张大爷
    wang.save()
    client.post("/accounts/login/resident/", {"phone": "13800000001"})
    message = OutboundMessage.objects.latest("id").body
    assert "多位家庭成员" in message and "验证码是" not in message
    response = client.post("/accounts/login/resident/", {"phone": "13800000001", "code": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


class BrokenGateway:
    def send(self, phone, body):
        raise OSError("gateway down")


def test_sms_gateway_failure_is_explained_not_a_500(client, world, settings):
    settings.OTP_CHANNEL = "tests.test_hardening.BrokenGateway"
    response = client.post("/accounts/login/resident/", {"phone": "13800000004"})
    assert response.status_code == 200
    assert "短信暂时发不出去" in response.content.decode()


def test_failed_resident_login_keeps_no_phone_or_code(client, world):
    from axes.models import AccessAttempt

    client.post("/accounts/login/resident/", {"phone": "13800000004"})
    client.post("/accounts/login/resident/", {"phone": "13800000004", "code": "000001"})
    stored = " ".join(a.post_data + a.get_data for a in AccessAttempt.objects.all())
    assert AccessAttempt.objects.exists()
    assert "13800000004" not in stored and "000001" not in stored


def test_renaming_an_area_does_not_rebuild_the_point_index(world):
    before = GeoIndexVersion.current()
    update_area(world.user("community"), world.areas["g1"], name="甲一网格（新名）")
    assert GeoIndexVersion.current() == before
    area = update_area(
        world.user("community"),
        world.areas["g1"],
        boundary={
            "type": "Polygon",
            "coordinates": [[[121.0, 37.0], [121.005, 37.0], [121.005, 37.005], [121.0, 37.005], [121.0, 37.0]]],
        },
    )
    assert GeoIndexVersion.current() == before + 1
    assert geoindex.locate(121.004, 37.004) == area
    assert geoindex.locate(121.008, 37.008) == world.areas["c1"]


def test_household_count_is_unchanged_by_a_refused_admin_post(client_for, world):
    count = Household.objects.count()
    client_for("community").post("/admin/people/household/add/", {"area": world.areas["b1"].pk, "room": "999"})
    assert Household.objects.count() == count


@pytest.mark.parametrize(
    "proxies, expected",
    [(0, "127.0.0.1"), (1, "203.0.113.9")],
    ids=["direct", "behind-one-proxy"],
)
def test_access_log_records_the_client_address(client_for, world, settings, proxies, expected):
    from django.urls import reverse

    from gridgov.audit.models import AccessLog

    settings.TRUSTED_PROXY_COUNT = proxies
    zhang = world.residents["zhang"]
    client_for("community").post(
        reverse("resident-unmask", args=[zhang.pk, "phone"]),
        {"reason": "上门前联系"},
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.9",  # the left entry is the client's own claim
        REMOTE_ADDR="127.0.0.1",
    )
    assert AccessLog.objects.get().ip == expected
