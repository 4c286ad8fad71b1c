"""Forms of the people pages. They only collect input: the actions in
gridgov.people.actions validate and write, and their errors come back onto the fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.lib import areacode, idcard
from gridgov.org import roles as R
from gridgov.org.models import Area, Level
from gridgov.org.scope import scope_q
from gridgov.people.models import Gender, HukouStatus, Tag

HOUSEHOLD_LEVELS = [Level.BUILDING, Level.COURTYARD, Level.SUB_GRID, Level.GRID]


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        # Chinese labels take no trailing colon (Django adds one by default).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class HouseholdForm(Form):
    area = forms.ModelChoiceField(
        label=_("所属区域"),
        queryset=Area.objects.none(),
        help_text=_("楼栋（或没有楼栋时的网格、院落）。"),
    )
    unit = forms.CharField(label=_("单元"), max_length=16, required=False)
    room = forms.CharField(label=_("房号"), max_length=16)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    household_no = forms.CharField(label=_("户编号"), max_length=40, required=False)
    is_rented = forms.BooleanField(label=_("出租户"), required=False)
    is_center_household = forms.BooleanField(
        label=_("党员中心户"), required=False, help_text=_("党员中心户 / 示范户：单元里由党员户牵头联系邻里。")
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only areas where the user may add people: the action would refuse the others.
        areas = (
            Area.objects.filter(scope_q(user, R.EDIT_PEOPLE, field="code"))
            .filter(level__in=HOUSEHOLD_LEVELS)
            .order_by("code")
        )
        self.fields["area"].queryset = areas
        names = _ancestor_names(areas)
        self.fields["area"].label_from_instance = lambda a: _area_label(a, names)

    def clean_unit(self):
        return self.cleaned_data["unit"].strip()

    def clean_room(self):
        return self.cleaned_data["room"].strip()


def _ancestor_names(areas):
    """code -> name of every area above the choices, in one query (not one per option)."""
    codes = {a for code in areas.values_list("code", flat=True) for a in areacode.ancestors(code)}
    return dict(Area.objects.filter(code__in=codes).values_list("code", "name"))


def _area_label(area, names):
    # The street is the same for everyone on one site; leave it out to keep the select short.
    codes = areacode.ancestors(area.code)[1:] or [area.code]
    return " / ".join(names.get(c, "") for c in codes)


def id_number_field():
    # Browsers must not remember or autofill ID numbers on a shared office computer.
    return forms.CharField(
        label=_("身份证号"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def phone_field():
    return forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class ResidentForm(Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = id_number_field()
    phone = phone_field()
    gender = forms.ChoiceField(
        label=_("性别"),
        choices=[("", _("按身份证号")), *Gender.choices],
        required=False,
    )
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DateInput)
    relation = forms.CharField(label=_("与户主关系"), max_length=20, required=False)
    hukou_status = forms.ChoiceField(label=_("户籍状态"), choices=HukouStatus.choices, initial=HukouStatus.LOCAL)
    registered_address = forms.CharField(
        label=_("户籍地址"), max_length=200, required=False, help_text=_("与居住地址不同即为人户分离。")
    )
    is_separated = forms.BooleanField(label=_("人户分离"), required=False)
    moved_in_on = forms.DateField(label=_("入住日期"), required=False, widget=DateInput)
    moved_out_on = forms.DateField(label=_("迁出日期"), required=False, widget=DateInput)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            # The clear numbers are never put into a page; an empty box keeps the stored one.
            self.fields["id_number"].help_text = _("已登记的号码不显示；留空则不修改。")
            self.fields["phone"].help_text = _("已登记的号码不显示；留空则不修改。")

    def clean(self):
        data = super().clean()
        moved_in, moved_out = data.get("moved_in_on"), data.get("moved_out_on")
        if moved_in and moved_out and moved_out < moved_in:
            self.add_error("moved_out_on", _("迁出日期不能早于入住日期。"))
        return data

    def action_values(self):
        data = dict(self.cleaned_data)
        id_number, phone = data.pop("id_number").strip(), data.pop("phone").strip()
        if self.editing:
            return data, (id_number or None), (phone or None)
        return data, id_number, phone


class TagSetForm(Form):
    tag = forms.ChoiceField(label=_("标签"), choices=Tag.choices)
    on = forms.DateField(label=_("设置日期"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(label=_("设置原因"), max_length=200)

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])


class TagRemoveForm(Form):
    on = forms.DateField(label=_("移除日期"), widget=DateInput, initial=timezone.localdate)
    reason = forms.CharField(label=_("移除原因"), max_length=200)

    def clean_on(self):
        return _not_in_future(self.cleaned_data["on"])


def _not_in_future(day):
    if day > timezone.localdate():
        raise ValidationError(_("日期不能晚于今天。"))
    return day


class UnmaskForm(Form):
    reason = forms.CharField(
        label=_("查看事由"), max_length=200, error_messages={"required": _("请填写查看明文的事由。")}
    )


class ExportForm(Form):
    clear = forms.BooleanField(label=_("导出明文"), required=False)
    reason = forms.CharField(label=_("导出事由"), max_length=200, required=False)


class LookupForm(Form):
    """Exact search by ID or phone number. Posted, never put in a URL: the numbers must
    not end up in the address bar, links, browser history or server logs."""

    id_number = id_number_field()
    phone = phone_field()

    def clean(self):
        data = super().clean()
        data["id_number"] = idcard.normalise_id_number(data.get("id_number", ""))
        data["phone"] = idcard.normalise_phone(data.get("phone", ""))
        if not self.errors and not (data["id_number"] or data["phone"]):
            raise ValidationError(_("请填写身份证号或手机号。"))
        return data
