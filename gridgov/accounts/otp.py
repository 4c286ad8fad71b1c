"""Resident login by phone number and a one-time code."""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.channels import get_channel
from gridgov.accounts.models import LoginCode
from gridgov.lib import idcard, pii

log = logging.getLogger("gridgov.accounts")


def send_code(phone: str) -> None:
    """Send a 6-digit code. Says the same whether or not the phone is registered."""
    phone = idcard.validate_phone(phone)
    digest = pii.digest(phone)
    hour_ago = timezone.now() - timedelta(hours=1)
    if LoginCode.objects.filter(phone_digest=digest, created_at__gte=hour_ago).count() >= settings.OTP_MAX_PER_HOUR:
        raise ValidationError(_("验证码发送过于频繁，请一小时后再试。"))
    from gridgov.people.models import Resident

    code = f"{secrets.randbelow(1_000_000):06d}"
    LoginCode.objects.create(
        phone_digest=digest,
        code_hash=make_password(code),
        expires_at=timezone.now() + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    # Only registered residents get a message; the answer to the caller is the same.
    # The message goes to the phone itself, so it may say what the web page must not.
    registered = Resident.objects.with_phone(phone).filter(moved_out_on__isnull=True).count()
    if registered == 1:
        minutes = settings.OTP_TTL_SECONDS // 60
        body = _("【网格治理】您的登录验证码是 %(code)s，%(minutes)s分钟内有效。") % {"code": code, "minutes": minutes}
    elif registered > 1:
        body = _("【网格治理】这个手机号登记在多位家庭成员名下，无法确定登录人。请联系社区为每人登记自己的手机号。")
    else:
        return
    try:
        get_channel().send(phone, body)
    except Exception as exc:  # any gateway failure: tell the user, never a 500
        log.warning("login code not delivered: %s", exc.__class__.__name__)
        raise ValidationError(_("短信暂时发不出去，请稍后再试，或联系社区。")) from None


@transaction.atomic
def check_code(phone: str, code: str) -> bool:
    digest = pii.digest(idcard.normalise_phone(phone))
    entry = (
        LoginCode.objects.select_for_update()
        .filter(phone_digest=digest, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if entry is None or entry.attempts >= settings.OTP_MAX_ATTEMPTS:
        return False
    if not check_password((code or "").strip(), entry.code_hash):
        entry.attempts += 1
        entry.save(update_fields=["attempts"])
        return False
    entry.used_at = timezone.now()
    entry.save(update_fields=["used_at"])
    return True
