"""Filters narrow a queryset that is already `visible_to(user)`: no filter can reach a
row the user may not see, whatever value it is given."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from gridgov.org import roles as R
from gridgov.org.models import Area, Level, PartyOrg, PartyOrgKind
from gridgov.org.scope import scope_q
from gridgov.people.models import GridWorker, Household, HukouStatus, PartyMember, Resident, Tag, WorkStatus


def visible(model):
    """Choices for a related filter: only rows the requesting user can see."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.visible_to(request.user)

    return queryset


def under(field):
    """`under=<area code>`: that area and everything below it (a prefix match)."""
    return filters.CharFilter(
        field_name=field,
        lookup_expr="startswith",
        label=_("区域编码（含下级）"),
    )


class AreaFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=Level.choices, label=_("层级"))
    parent = filters.ModelChoiceFilter(
        queryset=visible(Area), to_field_name="code", field_name="parent", label=_("上级区域编码")
    )
    under = under("code")
    code = filters.CharFilter(field_name="code", label=_("区域编码"))

    class Meta:
        model = Area
        fields = ["level", "parent", "under", "code", "is_active"]


class HouseholdFilter(filters.FilterSet):
    under = under("area__code")
    is_center_household = filters.BooleanFilter(label=_("党员中心户"))

    class Meta:
        model = Household
        fields = ["under", "is_center_household", "is_rented"]


class ResidentFilter(filters.FilterSet):
    under = under("household__area__code")
    household = filters.ModelChoiceFilter(queryset=visible(Household), label=_("户"))
    tag = filters.ChoiceFilter(choices=Tag.choices, method="filter_tag", label=_("当前标签"))
    hukou_status = filters.ChoiceFilter(choices=HukouStatus.choices, label=_("户籍状态"))
    is_separated = filters.BooleanFilter(label=_("人户分离"))
    name = filters.CharFilter(lookup_expr="icontains", label=_("姓名（包含）"))

    # Exact search by ID or phone number is POST /residents/search/: a query parameter
    # would write the number into URLs, proxies' and servers' logs.
    class Meta:
        model = Resident
        fields = ["under", "household", "tag", "hukou_status", "is_separated", "name"]

    def filter_tag(self, queryset, name, value):
        # Tags are private (people.view_resident_private): the filter must not tell who
        # carries one in a home the user reaches only as resident or 责任田 member.
        user = getattr(self.request, "user", None)
        return queryset.with_tag(value).filter(scope_q(user, R.VIEW_PEOPLE, field="household__area__code"))


class PartyOrgFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=PartyOrgKind.choices, label=_("类别"))
    under = under("area__code")
    parent = filters.ModelChoiceFilter(queryset=visible(PartyOrg), label=_("上级党组织"))

    class Meta:
        model = PartyOrg
        fields = ["kind", "under", "parent", "is_active"]


class PartyMemberFilter(filters.FilterSet):
    under = under("area__code")
    party_org = filters.ModelChoiceFilter(queryset=visible(PartyOrg), label=_("所在党组织"))
    relation_in_community = filters.BooleanFilter(label=_("组织关系在社区"))
    work_status = filters.ChoiceFilter(choices=WorkStatus.choices, label=_("在职/退休"))
    is_center_household = filters.BooleanFilter(label=_("党员中心户"))

    class Meta:
        model = PartyMember
        fields = ["under", "party_org", "relation_in_community", "work_status", "is_center_household", "is_active"]


class GridWorkerFilter(filters.FilterSet):
    under = filters.CharFilter(method="filter_under", label=_("区域编码（含下级）"))

    class Meta:
        model = GridWorker
        fields = ["under", "kind", "is_active"]

    def filter_under(self, queryset, name, value):
        return queryset.filter(grids__code__startswith=value).distinct()
