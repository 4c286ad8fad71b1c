from django.contrib.auth import get_user_model
from django.db import transaction

from gridgov.accounts import otp


class PhoneCodeBackend:
    """authenticate(request, phone=..., code=...) for residents."""

    def authenticate(self, request, phone=None, code=None, **kwargs):
        if not phone or not code:
            return None
        from gridgov.people.models import Resident

        # Families often register one phone for several people: with more than one match
        # we cannot tell who is logging in, so nobody is (their SMS says why).
        matches = list(
            Resident.objects.with_phone(phone)
            .filter(moved_out_on__isnull=True)
            .select_related("household__area", "user")[:2]
        )
        if len(matches) != 1 or not otp.check_code(phone, code):
            return None
        return resident_user(matches[0])

    def get_user(self, user_id):
        return get_user_model().objects.filter(pk=user_id, is_active=True).first()


@transaction.atomic
def resident_user(resident):
    """The resident's own account, made on first login with the resident role on their home."""
    from gridgov.org.models import RoleAssignment
    from gridgov.org.roles import Role

    user = resident.user
    if user is None:
        user = get_user_model().objects.create_user(username=f"resident-{resident.pk}", first_name=resident.name)
        user.set_unusable_password()
        user.save()
        resident.user = user
        resident.save(update_fields=["user"])
    RoleAssignment.objects.get_or_create(user=user, role=Role.RESIDENT, area=resident.household.area)
    return user if user.is_active else None


def axes_username(request, credentials):
    """Lockout key: the user name for staff, the phone's keyed hash for residents, so that
    one resident's failed codes never lock out the neighbours behind the same address."""
    from gridgov.lib import idcard, pii

    credentials = credentials or {}
    if credentials.get("username"):
        return credentials["username"]
    phone = credentials.get("phone") or (request.POST.get("phone") if request is not None else "")
    return "phone:" + pii.digest(idcard.normalise_phone(phone or ""))[:16]
