"""Roles a user holds on an area. A role on an area covers every area below it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STREET_ADMIN = "street_admin", _("街道管理员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    GRID_WORKER = "grid_worker", _("网格员")
    PARTY_MEMBER = "party_member", _("党员")
    VOLUNTEER = "volunteer", _("志愿者")
    DEPARTMENT_HANDLER = "department_handler", _("职能部门")
    UNIT_CONTACT = "unit_contact", _("共建单位联络人")
    RESIDENT = "resident", _("居民")
    AUDITOR = "auditor", _("审计员")


# What each role may do, by capability. Predicates in each app's rules.py read these
# sets, so that widening a role is a one-line change seen in one place.
STAFF = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF, Role.GRID_WORKER})
VIEW_PEOPLE = STAFF | {Role.AUDITOR}
EDIT_PEOPLE = STAFF
MANAGE_AREAS = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF})
MANAGE_ROLES = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF})
IMPORT_PEOPLE = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF})
EXPORT_PEOPLE = STAFF
UNMASK_ID_NUMBER = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF})
UNMASK_PHONE = STAFF
READ_ACCESS_LOG = frozenset({Role.AUDITOR, Role.STREET_ADMIN})
VIEW_PARTY = STAFF | {Role.AUDITOR, Role.PARTY_MEMBER}
MANAGE_PARTY = frozenset({Role.STREET_ADMIN, Role.COMMUNITY_STAFF})

# Which roles a holder may grant to others, on their own area or below. Nobody grants
# a role to themselves, and only a system administrator makes street admins or auditors.
GRANTABLE = {
    Role.STREET_ADMIN: frozenset(set(Role) - {Role.STREET_ADMIN, Role.AUDITOR}),
    Role.COMMUNITY_STAFF: frozenset(
        {Role.GRID_WORKER, Role.PARTY_MEMBER, Role.VOLUNTEER, Role.UNIT_CONTACT, Role.RESIDENT}
    ),
}
