"""One permission class for every viewset: the HTTP method (or the custom action)
names the `rules` permission, checked on the object itself."""

from rest_framework import permissions

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class RulesObjectPermission(permissions.IsAuthenticated):
    """Authenticated to enter; `app.<action>_<model>` on the object to touch it.

    Lists need no permission of their own: they are already cut down to
    `visible_to(user)`, so a resident lists their own home and nothing else.
    Creates are checked by the action against the area or household in the
    payload, which is the only object that can answer for them. A custom
    detail action names the permission it needs through `object_actions` on the
    view (unmask, for instance, needs only to see the person: the unmask action
    then checks `people.unmask_<field>`).
    """

    def perm_for(self, request, view, model):
        action = getattr(view, "object_actions", {}).get(getattr(view, "action", None))
        action = action or METHOD_ACTIONS.get(request.method, "change")
        return f"{model._meta.app_label}.{action}_{model._meta.model_name}"

    def has_object_permission(self, request, view, obj):
        return request.user.has_perm(self.perm_for(request, view, type(obj)), obj)
