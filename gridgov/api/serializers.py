"""Serializers: what the API shows, and the shape of what it accepts.

They never save: the viewsets hand `validated_data` to the actions. Personal data
goes out only masked (`id_number_masked`, `phone_masked`); the cipher and digest
columns are never listed here.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gridgov.lib import idcard
from gridgov.org.models import Area, PartyOrg
from gridgov.people.models import GridWorker, Household, PartyMember, Resident, ResidentTag, Tag


class VisibleRelatedMixin:
    """A related field that accepts only rows the requesting user can see."""

    def get_queryset(self):
        request = self.context.get("request")
        model = self.queryset.model
        if request is None:
            return model.objects.none()
        return model.objects.visible_to(request.user)


class VisibleAreaField(VisibleRelatedMixin, serializers.SlugRelatedField):
    """An area named by its code (the national grid code), not by a database id."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Area.objects, **kwargs)


class VisiblePrimaryKeyField(VisibleRelatedMixin, serializers.PrimaryKeyRelatedField):
    pass


GEOJSON_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "GeoJSON Polygon or MultiPolygon (WGS-84, longitude first).",
    "properties": {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array", "items": {"type": "array", "items": {}}},
    },
    "required": ["type", "coordinates"],
}


@extend_schema_field(GEOJSON_SCHEMA)
class GeoJSONField(serializers.JSONField):
    pass


# --- areas --------------------------------------------------------------------


class AreaSerializer(serializers.ModelSerializer):
    parent = VisibleAreaField(label=_("上级区域"), allow_null=True, required=False)
    code = serializers.CharField(
        label=_("区域编码"),
        max_length=Area._meta.get_field("code").max_length,
        required=False,
        allow_blank=True,
        help_text=_("不填则按上级区域自动编号。"),
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    boundary = GeoJSONField(label=_("边界 (GeoJSON)"), required=False, allow_null=True)

    class Meta:
        model = Area
        fields = [
            "id",
            "code",
            "name",
            "level",
            "level_display",
            "parent",
            "boundary",
            "center_lng",
            "center_lat",
            "note",
            "is_active",
        ]
        read_only_fields = ["center_lng", "center_lat"]


class AreaUpdateSerializer(AreaSerializer):
    """The code and the parent are the area's place in the tree: fixed once made."""

    code = serializers.CharField(label=_("区域编码"), read_only=True)
    parent = serializers.SlugRelatedField(label=_("上级区域"), slug_field="code", read_only=True)


class LocateQuerySerializer(serializers.Serializer):
    lng = serializers.FloatField(label=_("经度"), min_value=-180, max_value=180)
    lat = serializers.FloatField(label=_("纬度"), min_value=-90, max_value=90)


# --- party organisations --------------------------------------------------------


class PartyOrgSerializer(serializers.ModelSerializer):
    area = VisibleAreaField(label=_("所在区域"))
    area_name = serializers.CharField(source="area.name", read_only=True)
    parent = VisiblePrimaryKeyField(queryset=PartyOrg.objects, label=_("上级党组织"), allow_null=True, required=False)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PartyOrg
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "parent",
            "area",
            "area_name",
            "joint_type",
            "founded_on",
            "is_active",
        ]
        read_only_fields = ["is_active"]


# --- households -----------------------------------------------------------------

PRIVATE = "people.view_resident_private"


class PrivateFieldsMixin:
    """Leaves out `private_fields` (notes, tags: PIPL sensitive data) for a user without
    people.view_resident_private on the row, such as the resident at home or the party
    member looking after the household. They still write them, if allowed, as staff."""

    private_fields = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm(PRIVATE, instance):
            for name in self.private_fields:
                data.pop(name, None)
        return data


class HouseholdSerializer(PrivateFieldsMixin, serializers.ModelSerializer):
    area = VisibleAreaField(label=_("所属区域"))
    area_name = serializers.CharField(source="area.name", read_only=True)
    full_address = serializers.CharField(read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "area",
            "area_name",
            "unit",
            "room",
            "full_address",
            "address",
            "household_no",
            "is_rented",
            "is_center_household",
            "note",
        ]
        # Uniqueness of the address is the action's full_clean() to judge.
        validators = []
        extra_kwargs = {"note": {"help_text": _("仅对有权查看居民隐私信息的工作人员显示。")}}

    private_fields = ("note",)


# --- residents ------------------------------------------------------------------


class ResidentTagSerializer(serializers.ModelSerializer):
    tag_display = serializers.CharField(source="get_tag_display", read_only=True)

    class Meta:
        model = ResidentTag
        fields = ["id", "tag", "tag_display", "set_on", "set_reason", "removed_on", "removed_reason"]
        read_only_fields = fields


class ResidentSerializer(PrivateFieldsMixin, serializers.ModelSerializer):
    household = VisiblePrimaryKeyField(queryset=Household.objects, label=_("户"))
    household_address = serializers.CharField(source="household.full_address", read_only=True)
    area_code = serializers.CharField(source="household.area.code", read_only=True)
    id_number = serializers.CharField(
        label=_("身份证号"),
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=30,
        help_text=_("只写：保存时加密，显示时只给脱敏值。留空则清除。"),
    )
    phone = serializers.CharField(
        label=_("手机号"),
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_("只写：保存时加密，显示时只给脱敏值。留空则清除。"),
    )
    tags = serializers.SerializerMethodField(
        label=_("当前标签"), help_text=_("仅对有权查看居民隐私信息的工作人员显示。")
    )

    class Meta:
        model = Resident
        fields = [
            "id",
            "household",
            "household_address",
            "area_code",
            "name",
            "gender",
            "birth_date",
            "relation",
            "hukou_status",
            "registered_address",
            "is_separated",
            "moved_in_on",
            "moved_out_on",
            "note",
            "id_number",
            "id_number_masked",
            "phone",
            "phone_masked",
            "tags",
        ]
        read_only_fields = ["id_number_masked", "phone_masked"]
        extra_kwargs = {"note": {"help_text": _("仅对有权查看居民隐私信息的工作人员显示。")}}

    private_fields = ("note", "tags")

    @extend_schema_field(ResidentTagSerializer(many=True))
    def get_tags(self, resident):
        return ResidentTagSerializer(resident.current_tags(), many=True).data


class ResidentSearchSerializer(serializers.Serializer):
    """Exact search by number, sent in the body so the number stays out of URLs and logs."""

    id_number = serializers.CharField(label=_("身份证号"), required=False, allow_blank=True, max_length=30)
    phone = serializers.CharField(label=_("手机号"), required=False, allow_blank=True, max_length=20)

    def validate(self, data):
        data = {
            "id_number": idcard.normalise_id_number(data.get("id_number", "")),
            "phone": idcard.normalise_phone(data.get("phone", "")),
        }
        if not (data["id_number"] or data["phone"]):
            raise serializers.ValidationError(_("请填写身份证号或手机号。"))
        return data


class UnmaskSerializer(serializers.Serializer):
    field = serializers.ChoiceField(label=_("字段"), choices=[("id_number", _("身份证号")), ("phone", _("手机号"))])
    # Blank is let through on purpose: the unmask action checks the permission
    # first, so that someone without it hears "no permission", not "give a reason".
    reason = serializers.CharField(label=_("事由"), required=False, allow_blank=True, max_length=500)


class UnmaskResultSerializer(serializers.Serializer):
    value = serializers.CharField(label=_("明文"))


class SetTagSerializer(serializers.Serializer):
    tag = serializers.ChoiceField(label=_("标签"), choices=Tag.choices)
    set_on = serializers.DateField(label=_("设置日期"), required=False, allow_null=True)
    reason = serializers.CharField(label=_("设置原因"), max_length=200)


class RemoveTagSerializer(serializers.Serializer):
    removed_on = serializers.DateField(label=_("移除日期"), required=False, allow_null=True)
    reason = serializers.CharField(label=_("移除原因"), max_length=200)


# --- party members and grid workers -------------------------------------------------


class PartyMemberSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    party_org_name = serializers.CharField(source="party_org.name", read_only=True, default=None)
    resident = serializers.SerializerMethodField(label=_("居民档案"))
    responsibility_households = serializers.SerializerMethodField(label=_("责任田（您可见的户）"))
    responsibility_household_count = serializers.IntegerField(source="duty_total", read_only=True)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_resident(self, member):
        return member.resident_id if getattr(member, "resident_visible", False) else None

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_responsibility_households(self, member):
        return sorted(h.pk for h in getattr(member, "visible_duty", []))

    class Meta:
        model = PartyMember
        fields = [
            "id",
            "name",
            "area",
            "area_name",
            "party_org",
            "party_org_name",
            "resident",
            "relation_in_community",
            "work_status",
            "origin_unit",
            "joined_party_on",
            "reported_on",
            "is_center_household",
            "responsibility_households",
            "responsibility_household_count",
            "id_number_masked",
            "phone_masked",
            "is_active",
        ]
        read_only_fields = fields


class GridWorkerSerializer(serializers.ModelSerializer):
    grids = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = GridWorker
        fields = ["id", "name", "kind", "occupation", "employer", "grids", "phone_masked", "is_active"]
        read_only_fields = fields
