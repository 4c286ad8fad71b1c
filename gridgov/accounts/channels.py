"""Delivery channels for resident login codes. Chosen by settings.OTP_CHANNEL.

ConsoleChannel (demo and tests) prints the message and keeps it in the database.
HttpSmsChannel posts to an SMS gateway at settings.OTP_SMS_GATEWAY_URL.
"""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from gridgov.lib import pii

log = logging.getLogger("gridgov.accounts")


class ConsoleChannel:
    name = "console"

    def send(self, phone: str, body: str):
        from gridgov.accounts.models import OutboundMessage

        OutboundMessage.objects.create(
            channel=self.name, to_masked=pii.mask_phone(phone), to_digest=pii.digest(phone), body=body
        )
        print(f"[gridgov sms to {pii.mask_phone(phone)}] {body}", flush=True)


class HttpSmsChannel:
    """POST {"phone": ..., "text": ...} as JSON with a bearer token to the gateway."""

    name = "http_sms"

    def send(self, phone: str, body: str):
        url = settings.OTP_SMS_GATEWAY_URL
        if not url:
            raise RuntimeError("OTP_SMS_GATEWAY_URL is not set")
        request = urllib.request.Request(  # noqa: S310 (the configured gateway URL)
            url,
            data=json.dumps({"phone": phone, "text": body}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.OTP_SMS_GATEWAY_TOKEN}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (configured URL)
            if response.status >= 300:
                raise RuntimeError(f"SMS gateway answered {response.status}")


def get_channel():
    return import_string(settings.OTP_CHANNEL)()
