"""Helpers shared by the forms of every page."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_errors(form, exc: ValidationError):
    """Put an action's ValidationError on the form: next to the field it names when the
    form has that field, otherwise at the top of the form, so no message is lost."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, messages in exc.message_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, messages)
