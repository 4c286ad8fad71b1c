import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from gridgov.accounts.models import LoginCode, OutboundMessage
from gridgov.org.models import RoleAssignment
from gridgov.org.roles import Role
from tests.personas import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def _last_code():
    body = OutboundMessage.objects.latest("id").body
    return "".join(ch for ch in body.split("验证码是")[1] if ch.isdigit())[:6]


def test_healthz_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_staff_login_and_logout(client, world):
    response = client.post("/accounts/login/", {"username": "community", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_login_is_locked_after_repeated_failures(client, world):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "grid", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "grid", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    # Another account from the same address is not locked out by grid's failures.
    assert client.post("/accounts/login/", {"username": "community", "password": PASSWORD}).status_code == 302


def test_resident_logs_in_with_a_one_time_code(client, world):
    response = client.post("/accounts/login/resident/", {"phone": "138-0000-0004"})
    assert response.status_code == 200
    assert "验证码已发往" in response.content.decode()
    message = OutboundMessage.objects.latest("id")
    assert message.to_masked == "138****0004" and message.channel == "console"
    assert LoginCode.objects.get().code_hash != _last_code()  # only a hash is stored
    response = client.post("/accounts/login/resident/", {"phone": "13800000004", "code": _last_code()})
    assert response.status_code == 302
    zhao = world.residents["zhao"]
    zhao.refresh_from_db()
    assert zhao.user is not None
    assert RoleAssignment.objects.filter(user=zhao.user, role=Role.RESIDENT, area=zhao.household.area).exists()
    # The code is single use.
    client.logout()
    response = client.post("/accounts/login/resident/", {"phone": "13800000004", "code": _last_code()})
    assert "验证码不正确" in response.content.decode()


def test_wrong_codes_exhaust_the_code(client, world):
    client.post("/accounts/login/resident/", {"phone": "13800000004"})
    code = _last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        client.post("/accounts/login/resident/", {"phone": "13800000004", "code": wrong})
    response = client.post("/accounts/login/resident/", {"phone": "13800000004", "code": code})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    # A neighbour behind the same address still gets in.
    client.post("/accounts/login/resident/", {"phone": "13800000003"})
    response = client.post("/accounts/login/resident/", {"phone": "13800000003", "code": _last_code()})
    assert response.status_code == 302


def test_expired_code_is_refused(client, world):
    client.post("/accounts/login/resident/", {"phone": "13800000004"})
    LoginCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post("/accounts/login/resident/", {"phone": "13800000004", "code": _last_code()})
    assert "验证码不正确" in response.content.decode()


def test_unknown_phone_gets_the_same_answer_and_no_message(client, world):
    response = client.post("/accounts/login/resident/", {"phone": "13912345678"})
    assert "验证码已发往" in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_code_requests_are_rate_limited(client, world):
    for _ in range(5):
        client.post("/accounts/login/resident/", {"phone": "13800000004"})
    response = client.post("/accounts/login/resident/", {"phone": "13800000004"})
    assert "过于频繁" in response.content.decode()


def test_bad_phone_number_is_explained(client, db):
    response = client.post("/accounts/login/resident/", {"phone": "12345"})
    assert "11位" in response.content.decode()


@pytest.mark.parametrize(
    "extra, message",
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "PII_KEY"),
        ({"SECRET_KEY": "x" * 50, "PII_KEY": "p" * 40}, "OTP_CHANNEL"),
    ],
)
def test_production_mode_refuses_the_demo_secrets(extra, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDGOV_", "SECRET_KEY", "PII_KEY"))}
    env.update(extra)
    result = subprocess.run(
        [sys.executable, "-c", "import gridgov.settings"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_production_mode_starts_with_real_secrets():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDGOV_", "SECRET_KEY", "PII_KEY", "DJANGO_"))}
    env.update(
        {
            "SECRET_KEY": "k3J!x9#mQ2$vR7&nP4*wL8^zT1@bY6(cF0)hD5-gS3+aE2=uN9",
            "PII_KEY": "p" * 40,
            "ALLOWED_HOSTS": "gridgov.example",
            "OTP_CHANNEL": "gridgov.accounts.channels.HttpSmsChannel",
            "OTP_SMS_GATEWAY_URL": "https://sms.example/send",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
