import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gridgov.org import roles as R
from gridgov.org.models import Area, JointType, Level, PartyOrg, PartyOrgKind
from gridgov.org.scope import scope_q
from gridgov.people.models import Household, PartyMember, WorkStatus

YES_NO = [("yes", _("是")), ("no", _("否"))]
ALL = _("全部")


def filter_areas(request):
    """Areas to filter by: the user's areas and the path above them, buildings left out
    because a select of every building in a street would be unusable."""
    if request is None:
        return Area.objects.none()
    return Area.objects.visible_to(request.user).exclude(level=Level.BUILDING)


def filter_orgs(request):
    if request is None:
        return PartyOrg.objects.none()
    return PartyOrg.objects.visible_to(request.user).select_related("area")


def manageable_areas(user):
    """Areas on which the user may set up or move a party organisation (org.add_partyorg,
    org.change_partyorg)."""
    return Area.objects.visible_to(user).filter(scope_q(user, R.MANAGE_PARTY, field="code"))


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.get_level_display()} {obj.code}）"


class AreaUnderFilter(django_filters.ModelChoiceFilter):
    """Rows whose area is the chosen area or lies below it."""

    field_class = AreaChoiceField

    def __init__(self, *args, code_field="area__code", **kwargs):
        self.code_field = code_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.code_field}__startswith": value.code})


class PartyOrgFilter(django_filters.FilterSet):
    area = AreaUnderFilter(label=_("区域（含下级）"), queryset=filter_areas, empty_label=ALL)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=PartyOrgKind.choices, empty_label=ALL)

    class Meta:
        model = PartyOrg
        fields = ["area", "kind"]


class PartyMemberFilter(django_filters.FilterSet):
    party_org = django_filters.ModelChoiceFilter(label=_("所在党组织"), queryset=filter_orgs, empty_label=ALL)
    area = AreaUnderFilter(label=_("区域（含下级）"), queryset=filter_areas, empty_label=ALL)
    relation = django_filters.ChoiceFilter(
        label=_("组织关系在社区"), choices=YES_NO, empty_label=ALL, method="filter_relation"
    )
    work_status = django_filters.ChoiceFilter(label=_("在职/退休"), choices=WorkStatus.choices, empty_label=ALL)
    center = django_filters.ChoiceFilter(label=_("党员中心户"), choices=YES_NO, empty_label=ALL, method="filter_center")
    duty = django_filters.ChoiceFilter(
        label=_("责任田"),
        choices=[("none", _("未分配责任田")), ("some", _("已分配责任田"))],
        empty_label=ALL,
        method="filter_duty",
    )
    duty_count = django_filters.NumberFilter(
        label=_("责任田户数"), field_name="duty_count", min_value=0, widget=forms.NumberInput(attrs={"min": 0})
    )

    class Meta:
        model = PartyMember
        fields = ["party_org", "area", "relation", "work_status", "center", "duty", "duty_count"]

    def filter_relation(self, qs, name, value):
        return qs.filter(relation_in_community=value == "yes")

    def filter_center(self, qs, name, value):
        return qs.filter(is_center_household=value == "yes")

    def filter_duty(self, qs, name, value):
        # duty_count is annotated by the view, so "none" counts households, not rows of a join.
        return qs.filter(duty_count=0) if value == "none" else qs.filter(duty_count__gt=0)


class OrgChoiceField(forms.ModelChoiceField):
    """Choice of a party organisation that refuses the org's own subtree with its own message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_tree = frozenset()

    def label_from_instance(self, obj):
        return obj.name if obj.is_active else gettext("%(name)s（已撤销）") % {"name": obj.name}

    def to_python(self, value):
        # Checked before the queryset, which leaves these out too, so the message can say
        # why the choice is wrong instead of "not one of the available choices".
        if value not in self.empty_values and str(value) in self.own_tree:
            raise ValidationError(gettext("上级党组织不能是本组织或它的下级组织。"), code="cycle")
        return super().to_python(value)


def own_tree_ids(org) -> set[int]:
    """The org and every org below it, visible or not: none of them may become its parent."""
    ids = {org.pk}
    frontier = ids
    while frontier:
        frontier = set(PartyOrg.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True))
        ids |= frontier
    return ids


def _to_bool(value):
    return value in (True, "True")


class PartyOrgForm(forms.Form):
    """New party organisation, or (with `org=`) an existing one, which may also be 撤销."""

    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=PartyOrgKind.choices)
    parent = OrgChoiceField(
        label=_("上级党组织"), queryset=PartyOrg.objects.none(), required=False, empty_label=_("（无上级）")
    )
    area = AreaChoiceField(
        label=_("所在区域"),
        queryset=Area.objects.none(),
        help_text=_("支部建在网格上、小组建在楼栋上：党组织设在哪个区域。"),
    )
    joint_type = forms.ChoiceField(
        label=_("联合共建类型"),
        choices=JointType.choices,
        required=False,
        help_text=_("横向联合共建的党组织（社会组织、高校、商圈联盟……）填写。"),
    )
    founded_on = forms.DateField(
        label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    is_active = forms.TypedChoiceField(
        label=_("状态"),
        choices=[(True, _("在用")), (False, _("已撤销（停用）"))],
        coerce=_to_bool,
        widget=forms.RadioSelect,
        help_text=_("撤销后党组织仍留在名册里，标为“已撤销”，随时可以恢复为在用。"),
    )

    def __init__(self, *args, user, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = PartyOrg.objects.visible_to(user)
        if org is None:
            del self.fields["is_active"]
        else:
            own_tree = own_tree_ids(org)
            self.fields["parent"].own_tree = frozenset(str(pk) for pk in own_tree)
            # The current parent stays a choice even when it lies outside the user's
            # scope, so that saving the form never drops it silently.
            parents = (parents | PartyOrg.objects.filter(pk=org.parent_id)).exclude(pk__in=own_tree)
        self.fields["parent"].queryset = parents.select_related("area")
        # Both org.add_partyorg and org.change_partyorg are MANAGE_PARTY on the area.
        self.fields["area"].queryset = manageable_areas(user)


class ResponsibilityForm(forms.Form):
    households = forms.ModelMultipleChoiceField(
        label=_("责任田（联系户）"),
        queryset=Household.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选这名党员联系的住户；不勾选任何一户即清空责任田。"),
    )

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        # The member's own area, plus households already in the 责任田 so that saving
        # the form never drops them silently.
        current = member.responsibility_households.values("pk")
        self.fields["households"].queryset = (
            Household.objects.visible_to(user)
            .filter(Q(area__code__startswith=member.area.code) | Q(pk__in=current))
            .select_related("area")
            .distinct()
        )
        self.fields["households"].label_from_instance = lambda h: h.full_address
