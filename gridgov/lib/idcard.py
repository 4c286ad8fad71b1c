"""Resident identity card numbers (GB 11643-1999): 18 characters with a checksum."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_id_number(value: str) -> str:
    """Return the normalised number, or raise ValidationError with a message for people."""
    number = normalise_id_number(value)
    if not _SHAPE.match(number):
        raise ValidationError(_("身份证号应为18位，最后一位可以是数字或X。"), code="id_shape")
    try:
        birth_date(number)
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth") from None
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="id_checksum")
    return number


def birth_date(number: str) -> datetime.date:
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(number: str) -> str:
    return "M" if int(number[16]) % 2 else "F"


def make_id_number(region: str, born: datetime.date, sequence: int) -> str:
    """A well-formed number, for the demo city and tests (never a real person's)."""
    first17 = f"{region}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)


_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    return number


def validate_phone(value: str) -> str:
    number = normalise_phone(value)
    if not _PHONE.match(number):
        raise ValidationError(_("手机号应为以1开头的11位数字。"), code="phone_shape")
    return number
