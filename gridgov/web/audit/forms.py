import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.audit.models import AccessLog, Action


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccessLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("用户名"), field_name="username", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("操作"), choices=Action.choices, empty_label=_("全部"))
    # Bounds on the indexed timestamp itself (not at__date, which wraps it in a function).
    since = django_filters.DateFilter(label=_("起始日期"), method="filter_since", widget=DATE)
    until = django_filters.DateFilter(label=_("截止日期"), method="filter_until", widget=DATE)

    class Meta:
        model = AccessLog
        fields = ["username", "action", "since", "until"]

    def filter_since(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))

    @property
    def qs(self):
        form = self.form
        if self.is_bound and form.is_valid():
            since, until = form.cleaned_data.get("since"), form.cleaned_data.get("until")
            if since and until and since > until:
                form.add_error("until", _("截止日期不能早于起始日期。"))
                return self.queryset.none()
        return super().qs
