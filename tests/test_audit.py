"""The access log: a tamper-evident chain, its verification (page and command), and who reads it."""

import datetime
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gridgov.audit.models import AccessLog, Action, record, verify_chain

LIST = "/audit/"
G1 = "370602001001001"


@pytest.fixture
def entries(world):
    """Three entries in the test street and one in another street (999999001)."""
    community, grid = world.user("community"), world.user("grid")
    return [
        record(community, Action.UNMASK, "people.Resident:1 张大爷", "核对低保材料", field="id_number", area_code=G1),
        record(grid, Action.UNMASK, "people.Resident:2 李阿姨", "走访联系", field="phone", area_code=G1),
        record(community, Action.EXPORT, "住户名单", "上报街道", area_code="370602001001", ip="10.0.0.8"),
        record(world.user("street"), Action.EXPORT, "外街道名单", "外街道导出", area_code="999999001"),
    ]


def tamper(entry, **values):
    """Change a row behind the model's back, as someone with database access could."""
    table = AccessLog._meta.db_table
    sets = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*values.values(), entry.pk])


@pytest.mark.django_db
class TestChain:
    def test_recorded_entries_form_a_chain_that_verifies(self, entries):
        assert verify_chain() == (True, 4)
        for before, after in itertools.pairwise(entries):
            assert after.prev_hash == before.hash

    def test_command_reports_an_intact_chain(self, entries, capsys):
        call_command("verify_access_log")
        assert "日志链完整，共 4 条" in capsys.readouterr().out

    def test_a_changed_reason_is_detected_by_verify_and_the_command_exits_non_zero(self, entries):
        tamper(entries[1], reason="随便看看")
        assert verify_chain() == (False, entries[1].pk)
        with pytest.raises(CommandError) as failure:
            call_command("verify_access_log")
        assert failure.value.returncode == 1
        assert f"日志链在第 {entries[1].pk} 条处被篡改" in str(failure.value)

    def test_a_row_whose_hash_was_recomputed_still_breaks_the_link_to_the_next(self, entries):
        forged = AccessLog.objects.get(pk=entries[0].pk)
        forged.reason = "伪造的事由"
        tamper(entries[0], reason=forged.reason, hash=forged.compute_hash())
        assert verify_chain() == (False, entries[1].pk)

    def test_a_deleted_last_row_is_detected(self, entries):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AccessLog._meta.db_table} WHERE id = %s", [entries[-1].pk])
        ok, _detail = verify_chain()
        assert not ok
        with pytest.raises(CommandError):
            call_command("verify_access_log")

    def test_saving_an_existing_entry_or_deleting_one_raises(self, entries):
        entry = AccessLog.objects.get(pk=entries[0].pk)
        entry.reason = "改一下"
        with pytest.raises(PermissionError):
            entry.save()
        with pytest.raises(PermissionError):
            entry.delete()
        assert AccessLog.objects.get(pk=entries[0].pk).reason == "核对低保材料"
        assert verify_chain() == (True, 4)


@pytest.mark.django_db
class TestPage:
    @pytest.mark.parametrize("persona", ["community", "grid", "member", "resident"])
    def test_people_who_are_not_auditors_get_403(self, entries, client_for, persona):
        client = client_for(persona)
        assert client.get(LIST).status_code == 403
        assert client.post(reverse("accesslog-verify")).status_code == 403

    @pytest.mark.parametrize("persona", ["auditor", "street"])
    def test_auditor_and_street_admin_read_the_log(self, entries, client_for, persona):
        response = client_for(persona).get(LIST)
        assert response.status_code == 200
        html = response.content.decode()
        assert "核对低保材料" in html
        assert "身份证号" in html
        assert "10.0.0.8" in html

    def test_auditor_sees_only_entries_of_its_own_street(self, entries, client_for):
        html = client_for("auditor").get(LIST).content.decode()
        assert "走访联系" in html
        assert "外街道导出" not in html
        assert "共 3 条记录" in html

    def test_newest_entry_comes_first(self, entries, client_for):
        html = client_for("auditor").get(LIST).content.decode()
        assert html.index("上报街道") < html.index("走访联系") < html.index("核对低保材料")

    def test_filters_by_user_name_action_and_date(self, entries, client_for):
        client = client_for("auditor")

        def shown(**params):
            html = client.get(LIST, params).content.decode()
            return {r for r in ("核对低保材料", "走访联系", "上报街道") if r in html}

        assert shown(username="grid") == {"走访联系"}
        assert shown(action=Action.EXPORT) == {"上报街道"}
        today = timezone.localdate()
        assert shown(since=today.isoformat(), until=today.isoformat()) == {"核对低保材料", "走访联系", "上报街道"}
        assert shown(since=(today + datetime.timedelta(days=1)).isoformat()) == set()

    def test_reversed_date_range_is_refused_with_a_message(self, entries, client_for):
        today = timezone.localdate()
        html = (
            client_for("auditor")
            .get(LIST, {"since": today.isoformat(), "until": (today - datetime.timedelta(days=3)).isoformat()})
            .content.decode()
        )
        assert "截止日期不能早于起始日期。" in html
        assert "核对低保材料" not in html

    def test_verify_button_reports_an_intact_chain(self, entries, client_for):
        response = client_for("auditor").post(reverse("accesslog-verify"), follow=True)
        assert "日志链完整，共 4 条" in response.content.decode()

    def test_verify_button_reports_where_the_chain_was_tampered(self, entries, client_for):
        tamper(entries[2], target="别的名单")
        response = client_for("auditor").post(reverse("accesslog-verify"), follow=True)
        assert f"日志链在第 {entries[2].pk} 条处被篡改" in response.content.decode()

    def test_verify_is_a_post_only_action(self, client_for, world):
        assert client_for("auditor").get(reverse("accesslog-verify")).status_code == 405
