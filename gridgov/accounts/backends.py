from django.contrib.auth import get_user_model
from django.db import transaction

from gridgov.accounts import otp


class PhoneCodeBackend:
    """authenticate(request, phone=..., code=...) for residents."""

    def authenticate(self, request, phone=None, code=None, **kwargs):
        if not phone or not code:
            return None
        from gridgov.people.models import Resident

        resident = (
            Resident.objects.with_phone(phone)
            .filter(moved_out_on__isnull=True)
            .select_related("household__area", "user")
            .first()
        )
        if resident is None or not otp.check_code(phone, code):
            return None
        return resident_user(resident)

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
