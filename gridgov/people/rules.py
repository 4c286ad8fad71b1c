import rules

from gridgov.org import roles as R
from gridgov.org.rules import holds


@rules.predicate
def is_own_or_duty_household(user, obj=None):
    """A resident's own home, or a household in the party member's 责任田."""
    if obj is None or not user.is_authenticated:
        return False
    household = getattr(obj, "household", obj)
    from gridgov.people.models import Household

    if not isinstance(household, Household):
        return False
    return Household.objects.visible_to_self(user).filter(pk=household.pk).exists()


can_view_people = holds(R.VIEW_PEOPLE)
can_edit_people = holds(R.EDIT_PEOPLE)

rules.add_perm("people.view_household", can_view_people | is_own_or_duty_household)
rules.add_perm("people.add_household", can_edit_people)
rules.add_perm("people.change_household", can_edit_people)
rules.add_perm("people.delete_household", holds(R.MANAGE_AREAS))
rules.add_perm("people.view_resident", can_view_people | is_own_or_duty_household)
rules.add_perm("people.add_resident", can_edit_people)
rules.add_perm("people.change_resident", can_edit_people)
rules.add_perm("people.delete_resident", holds(R.MANAGE_AREAS))
rules.add_perm("people.view_residenttag", can_view_people)
rules.add_perm("people.view_resident_private", can_view_people)  # notes, tags and their history
rules.add_perm("people.add_residenttag", can_edit_people)
rules.add_perm("people.change_residenttag", can_edit_people)
rules.add_perm("people.view_partymember", holds(R.VIEW_PARTY))
rules.add_perm("people.add_partymember", holds(R.MANAGE_PARTY))
rules.add_perm("people.change_partymember", holds(R.MANAGE_PARTY))
rules.add_perm("people.delete_partymember", holds(R.MANAGE_PARTY))
rules.add_perm("people.view_gridworker", can_view_people)
rules.add_perm("people.add_gridworker", holds(R.MANAGE_AREAS))
rules.add_perm("people.change_gridworker", holds(R.MANAGE_AREAS))
rules.add_perm("people.unmask_id_number", holds(R.UNMASK_ID_NUMBER))
rules.add_perm("people.unmask_phone", holds(R.UNMASK_PHONE))
rules.add_perm("people.export", holds(R.EXPORT_PEOPLE))
rules.add_perm("people.import_households", holds(R.IMPORT_PEOPLE))
