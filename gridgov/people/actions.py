"""State changes of households, residents, tags and party members, and the unmask of
personal data. Every unmask is written to the access log with its reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit import models as audit
from gridgov.lib import idcard
from gridgov.lib.errors import require, save_as
from gridgov.people.models import Household, PartyMember, Resident, ResidentTag

HOUSEHOLD_FIELDS = ("area", "unit", "room", "address", "household_no", "is_rented", "is_center_household", "note")
RESIDENT_FIELDS = (
    "household",
    "name",
    "gender",
    "birth_date",
    "relation",
    "hukou_status",
    "registered_address",
    "is_separated",
    "moved_in_on",
    "moved_out_on",
    "note",
)


def _apply(obj, fields, values):
    for field, value in values.items():
        if field not in fields:
            raise ValueError(f"field {field} cannot be set here")
        setattr(obj, field, value)


def _fill_from_id_number(resident, id_number):
    resident.set_id_number(id_number)
    if id_number:
        number = idcard.normalise_id_number(id_number)
        resident.birth_date = resident.birth_date or idcard.birth_date(number)
        resident.gender = resident.gender or idcard.gender(number)


def _check_unique_id(resident):
    if resident.id_number_digest:
        clash = Resident.objects.filter(id_number_digest=resident.id_number_digest).exclude(pk=resident.pk)
        if clash.exists():
            raise ValidationError({"id_number": _("该身份证号已登记在其他居民名下。")})


def _save(user, obj, integrity_error):
    """Save inside a savepoint. The checks before a save cannot see a row another
    request writes a moment later; the database constraint can, and its refusal is told
    to the user as `integrity_error` rather than as a server error."""
    try:
        with transaction.atomic():
            save_as(user, obj)
    except IntegrityError as exc:
        raise ValidationError(integrity_error) from exc


def _duplicate_household(household):
    message = _("%(address)s 已经登记为一户，请勿重复登记；如需修改请打开该户编辑。")
    return {"room": message % {"address": household.full_address}}


def _check_active_area(area):
    if area is not None and not area.is_active:
        raise ValidationError({"area": _("该区域已停用，不能在此登记住户。")})


@transaction.atomic
def create_household(user, **values):
    require(user, "people.add_household", values.get("area"))
    _check_active_area(values.get("area"))
    household = Household()
    _apply(household, HOUSEHOLD_FIELDS, values)
    household.full_clean()
    _save(user, household, _duplicate_household(household))
    return household


@transaction.atomic
def update_household(user, household, **values):
    require(user, "people.change_household", household)
    if "area" in values:
        require(user, "people.change_household", values["area"])
        if values["area"] != household.area:
            _check_active_area(values["area"])
    _apply(household, HOUSEHOLD_FIELDS, values)
    household.full_clean()
    _save(user, household, _duplicate_household(household))
    return household


def _duplicate_id_number():
    return {"id_number": _("该身份证号已登记在其他居民名下。")}


@transaction.atomic
def create_resident(user, *, id_number="", phone="", tags=(), **values):
    require(user, "people.add_resident", values.get("household"))
    resident = Resident()
    _apply(resident, RESIDENT_FIELDS, values)
    _set_protected(resident, id_number, phone)
    resident.full_clean(exclude=["id_number_digest"])
    _check_unique_id(resident)
    _save(user, resident, _duplicate_id_number())
    for tag in dict.fromkeys(tags):
        set_tag(user, resident, tag)
    return resident


@transaction.atomic
def update_resident(user, resident, *, id_number=None, phone=None, **values):
    require(user, "people.change_resident", resident)
    if "household" in values:
        require(user, "people.change_resident", values["household"])
    _apply(resident, RESIDENT_FIELDS, values)
    _set_protected(resident, id_number, phone)
    resident.full_clean(exclude=["id_number_digest"])
    _check_unique_id(resident)
    _save(user, resident, _duplicate_id_number())
    return resident


def _set_protected(resident, id_number, phone):
    errors = {}
    if id_number is not None:
        try:
            _fill_from_id_number(resident, id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
    if phone is not None:
        try:
            resident.set_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def set_tag(user, resident, tag, *, on=None, reason=""):
    require(user, "people.add_residenttag", resident)
    duplicate = {"tag": _("该居民已有这个标签。")}
    if resident.tags.filter(tag=tag, removed_on__isnull=True).exists():
        raise ValidationError(duplicate)
    row = ResidentTag(resident=resident, tag=tag, set_on=on or timezone.localdate(), set_by=user, set_reason=reason)
    _save(user, row, duplicate)
    return row


@transaction.atomic
def remove_tag(user, resident, tag, *, on=None, reason=""):
    require(user, "people.change_residenttag", resident)
    open_tag = resident.tags.select_for_update().filter(tag=tag, removed_on__isnull=True).first()
    if open_tag is None:
        raise ValidationError(_("该居民没有这个标签。"))
    open_tag.removed_on = on or timezone.localdate()
    if open_tag.removed_on < open_tag.set_on:
        raise ValidationError(_("移除日期不能早于设置日期。"))
    open_tag.removed_by = user
    open_tag.removed_reason = reason
    open_tag.save()
    return open_tag


@transaction.atomic
def set_responsibility_households(user, member: PartyMember, households):
    """Set the households the member looks after, among those the editor can see.

    Households the editor cannot see were not offered to them, so their absence from
    `households` is no decision to drop them: they are kept.
    """
    require(user, "people.change_partymember", member)
    for household in households:
        require(user, "people.change_partymember", household)
    keep = member.responsibility_households.exclude(pk__in=Household.objects.visible_to(user).values("pk"))
    member.responsibility_households.set([*households, *keep])
    return member


def unmask(user, obj, field: str, reason: str, *, ip=None) -> str:
    """The clear ID or phone number of a person, for a stated reason, logged."""
    if field not in ("id_number", "phone"):
        raise ValueError(field)
    if not user.has_perm(f"people.unmask_{field}", obj):
        raise PermissionDenied(_("您没有查看明文的权限。"))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(_("请填写查看明文的事由。"))
    from gridgov.org.rules import area_code_of

    audit.record(
        user,
        audit.Action.UNMASK,
        f"{obj._meta.label}:{obj.pk} {obj}",
        reason,
        field=field,
        area_code=area_code_of(obj) or "",
        ip=ip,
    )
    return obj.reveal(field)
