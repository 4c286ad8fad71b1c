"""State changes of the area tree, party organisations and roles.

Each action checks the permission, validates, and writes in one transaction;
django-simple-history keeps who changed what.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.lib.errors import require, save_as
from gridgov.org import roles as R
from gridgov.org.models import Area, PartyOrg, RoleAssignment
from gridgov.org.roles import GRANTABLE
from gridgov.org.scope import covers, forget_roles

AREA_FIELDS = ("name", "level", "boundary", "note", "is_active")


@transaction.atomic
def create_area(user, *, parent, name, level, code=None, boundary=None, note=""):
    if parent is None and not user.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以新建街道。"))
    require(user, "org.add_area", parent)
    area = Area(
        parent=parent,
        name=name,
        level=level,
        boundary=boundary or None,
        note=note,
        code=code or (parent.next_child_code() if parent else ""),
    )
    area.full_clean()
    save_as(user, area)
    return area


@transaction.atomic
def update_area(user, area, **changes):
    require(user, "org.change_area", area)
    area = Area.objects.select_for_update().get(pk=area.pk)
    for field, value in changes.items():
        if field not in AREA_FIELDS:
            raise ValueError(f"field {field} cannot be changed here")
        setattr(area, field, value or None if field == "boundary" else value)
    area.full_clean()
    save_as(user, area)
    return area


@transaction.atomic
def create_party_org(user, *, area, name, kind, parent=None, joint_type="", founded_on=None):
    require(user, "org.add_partyorg", area)
    org = PartyOrg(area=area, name=name, kind=kind, parent=parent, joint_type=joint_type, founded_on=founded_on)
    org.full_clean()
    save_as(user, org)
    return org


def may_grant(user, role, area) -> bool:
    if user.is_superuser:
        return True
    return any(role in GRANTABLE.get(held, ()) for held in (r for r in R.MANAGE_ROLES if covers(user, {r}, area.code)))


@transaction.atomic
def assign_role(user, *, target_user, role, area, ends_on=None):
    require(user, "org.add_roleassignment", area)
    if target_user == user and not user.is_superuser:
        raise PermissionDenied(_("不能给自己授予角色。"))
    if not may_grant(user, role, area):
        raise PermissionDenied(_("您不能授予这个角色。"))
    assignment = RoleAssignment.objects.filter(user=target_user, role=role, area=area).first() or RoleAssignment(
        user=target_user, role=role, area=area
    )
    assignment.ends_on = ends_on
    assignment.full_clean()
    save_as(user, assignment)
    forget_roles(target_user)
    return assignment


PARTY_ORG_FIELDS = ("name", "kind", "parent", "area", "joint_type", "founded_on", "is_active")


@transaction.atomic
def update_party_org(user, org, **changes):
    require(user, "org.change_partyorg", org)
    if "area" in changes:
        require(user, "org.change_partyorg", changes["area"])
    org = PartyOrg.objects.select_for_update().get(pk=org.pk)
    for field, value in changes.items():
        if field not in PARTY_ORG_FIELDS:
            raise ValueError(f"field {field} cannot be changed here")
        setattr(org, field, value)
    org.full_clean()
    save_as(user, org)
    return org
