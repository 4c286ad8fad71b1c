"""Actions speak Django (ValidationError, PermissionDenied); the API speaks DRF."""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.settings import api_settings


def drf_detail(exc: DjangoValidationError, default_field: str | None = None):
    """{field: [messages]} as DRF answers it; errors on no field go under `default_field`."""
    fallback = default_field or api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(exc, "error_dict"):
        return {
            (fallback if field == NON_FIELD_ERRORS else field): messages for field, messages in exc.message_dict.items()
        }
    return {fallback: exc.messages}


@contextmanager
def action_errors(default_field: str | None = None):
    """Run an action; its ValidationError becomes a 400 naming the fields.

    PermissionDenied passes through: DRF's exception handler already answers it with
    403 and the action's message.
    """
    try:
        yield
    except DjangoValidationError as exc:
        raise serializers.ValidationError(drf_detail(exc, default_field)) from exc
