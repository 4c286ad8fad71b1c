"""Object permissions. A predicate answers for an object (its area is the scope) or,
with no object, for whether the user holds the role anywhere."""

import rules

from gridgov.org import roles as R
from gridgov.org.scope import covers, role_codes


def area_code_of(obj) -> str | None:
    if obj is None:
        return None
    if hasattr(obj, "code") and hasattr(obj, "level"):
        return obj.code
    for attr in ("area", "household"):
        target = getattr(obj, attr, None)
        if target is not None:
            return area_code_of(target)
    grids = getattr(obj, "grids", None)
    if grids is not None and obj.pk:
        first = grids.order_by("code").first()
        return first.code if first else None
    return None


def holds(roles):
    """Predicate: the user holds one of `roles` on the object's area or above it."""

    @rules.predicate(name=f"holds_{'_'.join(sorted(roles))}")
    def predicate(user, obj=None):
        if user.is_superuser:
            return True
        if obj is None:
            return bool(role_codes(user, roles))
        code = area_code_of(obj)
        return code is not None and covers(user, roles, code)

    return predicate


can_manage_areas = holds(R.MANAGE_AREAS)
can_manage_roles = holds(R.MANAGE_ROLES)
can_view_party = holds(R.VIEW_PARTY)
can_manage_party = holds(R.MANAGE_PARTY)

rules.add_perm("org.view_area", rules.is_authenticated)
rules.add_perm("org.add_area", can_manage_areas)
rules.add_perm("org.change_area", can_manage_areas)
rules.add_perm("org.delete_area", can_manage_areas)
rules.add_perm("org.view_partyorg", can_view_party)
rules.add_perm("org.add_partyorg", can_manage_party)
rules.add_perm("org.change_partyorg", can_manage_party)
rules.add_perm("org.delete_partyorg", can_manage_party)
rules.add_perm("org.view_roleassignment", can_manage_roles)
rules.add_perm("org.add_roleassignment", can_manage_roles)
rules.add_perm("org.change_roleassignment", can_manage_roles)
rules.add_perm("org.delete_roleassignment", can_manage_roles)
