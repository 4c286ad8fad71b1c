from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(user, perm: str, obj=None):
    """Raise PermissionDenied (shown to the user in their language) unless allowed."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def save_as(user, obj):
    """Save a row and name the user in its history (django-simple-history), even outside a request."""
    obj._history_user = user if getattr(user, "pk", None) else None
    obj.save()
    return obj
