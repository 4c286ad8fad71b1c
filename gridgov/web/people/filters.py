"""The resident filter shared by the household list and the Excel export.

Exact ID and phone searches are not here: a GET filter would put the numbers into the
address bar, links and server logs. They are posted to `household_lookup` instead
(see views.py), which finds the residents through the keyed hash.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.org import roles as R
from gridgov.org.models import Area, Level
from gridgov.org.scope import scope_q
from gridgov.people.models import HukouStatus, Resident, Tag

YES_NO = [("yes", _("是")), ("no", _("否"))]

# Filters on the household itself; the others narrow the residents shown.
HOUSEHOLD_FILTERS = ("under", "center")


def area_choices(user):
    """Communities and grids on which the user may see people (not the areas above them)."""
    return (
        Area.objects.visible_to(user)
        .filter(scope_q(user, R.VIEW_PEOPLE, field="code"))
        .filter(level__in=[Level.COMMUNITY, Level.GRID, Level.SUB_GRID])
        .order_by("code")
    )


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Indent by depth so a community's grids read as its children in the select.
        return "\u3000" * max(obj.depth - 1, 0) + obj.name


class AreaFilter(django_filters.ModelChoiceFilter):
    field_class = AreaChoiceField


class ResidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名"), method="filter_name")
    under = AreaFilter(
        label=_("网格/社区"),
        queryset=lambda request: area_choices(request.user) if request else Area.objects.none(),
        method="filter_under",
        empty_label=_("全部"),
    )
    tag = django_filters.ChoiceFilter(label=_("标签"), choices=Tag.choices, method="filter_tag", empty_label=_("全部"))
    hukou_status = django_filters.ChoiceFilter(label=_("户籍状态"), choices=HukouStatus.choices, empty_label=_("全部"))
    separated = django_filters.ChoiceFilter(
        label=_("人户分离"), choices=YES_NO, method="filter_separated", empty_label=_("全部")
    )
    center = django_filters.ChoiceFilter(
        label=_("党员中心户"), choices=YES_NO, method="filter_center", empty_label=_("全部")
    )

    class Meta:
        model = Resident
        fields = ["q", "under", "tag", "hukou_status", "separated", "center"]

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.label_suffix = ""
        self.form.fields["q"].widget.input_type = "search"

    def filter_queryset(self, queryset):
        # An invalid filter (say, an area outside the user's scope) must not widen the
        # list back to everything: show nothing and the form's error instead.
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def filter_name(self, queryset, name, value):
        return queryset.filter(name__icontains=value.strip())

    def filter_under(self, queryset, name, value):
        return queryset.filter(under_q("household__", value))

    def filter_tag(self, queryset, name, value):
        # Tags are private (people.view_resident_private): filtering by one must not
        # tell who carries it in a home the user sees only as a neighbour or 责任田.
        tagged = Resident.objects.with_tag(value).filter(private_q(getattr(self.request, "user", None)))
        return queryset.filter(pk__in=tagged.values("pk"))

    def filter_separated(self, queryset, name, value):
        return queryset.filter(is_separated=value == "yes")

    def filter_center(self, queryset, name, value):
        return queryset.filter(center_q("household__", value))

    def narrows_residents(self) -> bool:
        """True when a filter picks residents, not only households."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(data.get(n) not in (None, "") for n in self.filters if n not in HOUSEHOLD_FILTERS)

    def households(self, queryset):
        """The households to list: those the household filters keep and, when residents
        are searched for, only those with a matching resident."""
        if not self.form.is_valid():
            return queryset.none()
        data = self.form.cleaned_data
        if data.get("under"):
            queryset = queryset.filter(under_q("", data["under"]))
        if data.get("center"):
            queryset = queryset.filter(center_q("", data["center"]))
        if self.narrows_residents():
            queryset = queryset.filter(pk__in=self.qs.values("household_id"))
        return queryset

    def clean_values(self):
        """Cleaned values, for the export's audit entry."""
        if not self.form.is_valid():
            return {}
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}


def private_q(user):
    """Residents whose notes and tags the user may see: people.view_resident_private."""
    return scope_q(user, R.VIEW_PEOPLE, field="household__area__code")


def under_q(prefix, area):
    return Q(**{f"{prefix}area__code__startswith": area.code})


def center_q(prefix, value):
    return Q(**{f"{prefix}is_center_household": value == "yes"})


def describe(values) -> str:
    """A short, PII-free description of the filters, for the access log."""
    parts = []
    for key, value in values.items():
        if key == "lookup":
            value = "***"  # an exact search by number: the log must not become a copy of it
        elif hasattr(value, "code"):
            value = value.code
        parts.append(f"{key}={value}")
    return " ".join(parts)
