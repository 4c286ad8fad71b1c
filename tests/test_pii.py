import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gridgov.audit.models import AccessLog, verify_chain
from gridgov.lib import idcard, pii
from gridgov.people import actions
from gridgov.people.models import Resident


def test_valid_id_number_passes_and_bad_checksum_is_refused_in_chinese():
    good = idcard.make_id_number("110101", datetime.date(1990, 3, 7), 12)
    assert idcard.validate_id_number(good.lower()) == good.upper()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        idcard.validate_id_number(bad)
    with pytest.raises(ValidationError, match="18位"):
        idcard.validate_id_number("12345")
    with pytest.raises(ValidationError, match="出生日期"):
        idcard.validate_id_number(idcard.check_digit("11010119901332001") and "110101199013320010")


def test_id_and_phone_are_encrypted_at_rest_and_masked(world):
    zhang = world.residents["zhang"]
    row = Resident.objects.get(pk=zhang.pk)
    assert row.id_number_masked == zhang.clear_id_number[:3] + "*" * 11 + zhang.clear_id_number[-4:]
    assert row.phone_masked == "138****0001"
    # Nothing in the stored row carries the clear value.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_resident WHERE id = %s", [zhang.pk])
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert zhang.clear_id_number not in stored
    assert "13800000001" not in stored
    assert row.reveal("id_number") == zhang.clear_id_number


def test_exact_search_by_keyed_hash_finds_only_the_match(world):
    zhang = world.residents["zhang"]
    assert list(Resident.objects.with_id_number(zhang.clear_id_number.lower())) == [zhang]
    assert list(Resident.objects.with_phone("138 0000 0001")) == [zhang]
    assert not Resident.objects.with_phone("13900000000").exists()
    assert pii.digest("13800000001") != pii.digest("13800000002")


def test_duplicate_id_number_is_refused(world):
    zhang = world.residents["zhang"]
    community = world.user("community")
    with pytest.raises(ValidationError) as err:
        actions.create_resident(
            community, household=world.households["h1"], name="重复", id_number=zhang.clear_id_number
        )
    assert "已登记" in str(err.value)


def test_unmask_needs_permission_and_reason_and_is_logged(world):
    zhang = world.residents["zhang"]
    community, grid, auditor = world.user("community"), world.user("grid"), world.user("auditor")
    with pytest.raises(ValidationError, match="事由"):
        actions.unmask(community, zhang, "id_number", "")
    assert actions.unmask(community, zhang, "id_number", "核对低保申请") == zhang.clear_id_number
    # A grid worker may call a resident of their grid but not read the ID number.
    assert actions.unmask(grid, zhang, "phone", "上门走访前电话联系") == "13800000001"
    with pytest.raises(PermissionDenied):
        actions.unmask(grid, zhang, "id_number", "想看")
    with pytest.raises(PermissionDenied):
        actions.unmask(auditor, zhang, "phone", "想看")
    # Out of scope: grid worker of 甲二网格 on a resident of 甲一网格.
    with pytest.raises(PermissionDenied):
        actions.unmask(world.user("grid2"), zhang, "phone", "想看")
    entries = list(AccessLog.objects.order_by("id"))
    assert [(e.username, e.field, e.reason) for e in entries] == [
        ("community", "id_number", "核对低保申请"),
        ("grid", "phone", "上门走访前电话联系"),
    ]
    assert verify_chain() == (True, 2)


def test_access_log_is_append_only(world):
    from gridgov.audit.models import Action, record

    entry = record(world.user("community"), Action.EXPORT, "名单", "月度统计")
    entry.reason = "改过"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
