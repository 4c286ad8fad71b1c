import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.audit.models import AccessLog, Action

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("用户名"), field_name="username", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=Action.choices, empty_label=_("全部"))
    since = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte", widget=DATE)
    until = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = AccessLog
        fields = ["username", "action", "since", "until"]

    @property
    def qs(self):
        form = self.form
        if self.is_bound and form.is_valid():
            since, until = form.cleaned_data.get("since"), form.cleaned_data.get("until")
            if since and until and since > until:
                form.add_error("until", _("截止日期不能早于起始日期。"))
                return self.queryset.none()
        return super().qs
