import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gridgov.lib import areacode
from gridgov.org.models import CHILD_LEVELS, Level


def level_choices(levels):
    """Choices in the order Level declares them, so the select reads top-down."""
    return [(value, label) for value, label in Level.choices if value in levels]


class BoundaryField(forms.CharField):
    """GeoJSON text -> dict. Shape and geometry are checked by the model (one rule, one place);
    this only turns text into JSON and unwraps what map tools commonly export."""

    widget = forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"})

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            raise ValidationError(
                _("边界不是有效的 GeoJSON 文本，请粘贴 Polygon 或 MultiPolygon。"), code="geo_json"
            ) from None
        if isinstance(data, dict) and data.get("type") == "FeatureCollection":
            features = data.get("features") or []
            if len(features) != 1:
                raise ValidationError(
                    _("边界只能是一个多边形，FeatureCollection 中应恰好有一个要素。"), code="geo_many"
                )
            data = features[0]
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        return data

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return value


class AreaForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(
        label=_("区域编码"),
        max_length=areacode.MAX_LENGTH,
        required=False,
        help_text=_("已按顺序自动编号，可以改写：上级编码加3位数字。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    level = forms.ChoiceField(label=_("层级"))
    boundary = BoundaryField(
        label=_("边界 (GeoJSON)"),
        required=False,
        help_text=_("在地图上画出边界后自动填写；也可以直接粘贴 GeoJSON 的 Polygon。楼栋不设边界。"),
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, parent, area=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.area = area
        if area is None:
            del self.fields["is_active"]
            self.fields["code"].initial = parent.next_child_code()
        else:
            # update_area cannot move an area to another code: its subtree hangs on it.
            del self.fields["code"]
        self.fields["level"].choices = level_choices(self.allowed_levels())

    def allowed_levels(self):
        if self.parent is None:
            return {Level.STREET}
        levels = set(CHILD_LEVELS[Level(self.parent.level)])
        if self.area is not None:
            # A level is offered only if the area's current children may stand under it.
            child_levels = set(self.area.children.values_list("level", flat=True))
            levels = {lv for lv in levels if child_levels <= CHILD_LEVELS[lv]} | {Level(self.area.level)}
        return levels
