"""Scope: which areas a user's roles cover, as prefix filters on area codes.

Every `visible_to(user)` in the project is built from these helpers, so that the
pages, the API, the admin and the exports filter rows the same way.
"""

from django.db.models import Q


def role_codes(user, roles) -> list[str]:
    """Codes of the areas on which the user holds any of `roles` (cached per user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_gridgov_roles", None)
    if cache is None:
        from gridgov.org.models import RoleAssignment

        cache = list(RoleAssignment.objects.active().filter(user=user).values_list("role", "area__code"))
        user._gridgov_roles = cache
    return sorted({code for role, code in cache if role in roles})


def forget_roles(user):
    if hasattr(user, "_gridgov_roles"):
        del user._gridgov_roles


def covers(user, roles, code: str) -> bool:
    """True when one of the user's `roles` sits on this area or above it."""
    if getattr(user, "is_superuser", False):
        return True
    return any(code.startswith(c) for c in role_codes(user, roles))


# Q() would vanish when OR-ed with another Q, so "everything" and "nothing" are
# spelled as conditions that survive combination.
EVERYTHING = ~Q(pk__in=[])
NOTHING = Q(pk__in=[])


def prefix_q(field: str, codes) -> Q:
    """Rows whose area code starts with any of `codes`; nothing when there are none."""
    codes = _outermost(codes)
    if not codes:
        return NOTHING
    q = Q()
    for code in codes:
        q |= Q(**{f"{field}__startswith": code})
    return q


def scope_q(user, roles, field: str = "area__code") -> Q:
    if getattr(user, "is_superuser", False):
        return EVERYTHING
    return prefix_q(field, role_codes(user, roles))


def _outermost(codes):
    """Drop codes already covered by a shorter one, so the query stays small."""
    kept = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return kept
