"""The Django admin obeys the same scope and rules as the pages and the API."""

import pytest


def test_grid_worker_admin_lists_only_own_grid_residents(client_for, world):
    client = client_for("grid")
    response = client.get("/admin/people/resident/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "张大爷" in body and "李阿姨" in body
    assert "王先生" not in body and "赵女士" not in body


def test_grid_worker_cannot_open_other_grid_resident_in_admin(client_for, world):
    client = client_for("grid")
    wang = world.residents["wang"]
    response = client.get(f"/admin/people/resident/{wang.pk}/change/")
    assert response.status_code in (302, 404)
    assert "王先生" not in response.content.decode()


def test_admin_shows_masked_numbers_only(client_for, world):
    client = client_for("community")
    zhang = world.residents["zhang"]
    body = client.get(f"/admin/people/resident/{zhang.pk}/change/").content.decode()
    assert zhang.id_number_masked in body
    assert zhang.clear_id_number not in body
    assert "13800000001" not in body


def test_access_log_is_read_only_in_admin(client_for, world):
    from gridgov.audit.models import AccessLog, Action, record

    entry = record(world.user("community"), Action.EXPORT, "名单", "月度统计", area_code="370602001001")
    client = client_for("auditor")
    assert client.get("/admin/audit/accesslog/").status_code == 200
    response = client.post(f"/admin/audit/accesslog/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("persona", ["community2", "grid2"])
def test_staff_of_other_area_cannot_change_area_in_admin(client_for, world, persona):
    area = world.areas["g1"]
    response = client_for(persona).post(
        f"/admin/org/area/{area.pk}/change/", {"name": "改名", "code": area.code, "level": "grid"}
    )
    assert response.status_code in (302, 403, 404)
    area.refresh_from_db()
    assert area.name == "甲一网格"


def test_changes_are_kept_in_history_with_who_made_them(world):
    from gridgov.people import actions

    zhang = world.residents["zhang"]
    community = world.user("community")
    actions.update_resident(community, zhang, relation="户主", phone="13900000009")
    latest = zhang.history.latest()
    assert latest.relation == "户主"
    assert latest.phone_masked == "139****0009"
    assert latest.history_user == community
    # The history keeps masks and hashes, never the ciphertext.
    assert not hasattr(latest, "phone_cipher")
