"""The REST API under /api/v1/.

Every queryset is `Model.objects.visible_to(request.user)`; every write is an
action from gridgov.org.actions / gridgov.people.actions. There is no DELETE: the
domain has no delete actions (rows are retired with `is_active` or `moved_out_on`).
"""

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gridgov.api import filters, serializers
from gridgov.api.errors import action_errors
from gridgov.api.permissions import RulesObjectPermission
from gridgov.lib.net import client_ip
from gridgov.org import actions as org_actions
from gridgov.org import geoindex
from gridgov.org import roles as R
from gridgov.org.models import Area, PartyOrg
from gridgov.org.scope import scope_q
from gridgov.people import actions as people_actions
from gridgov.people.models import GridWorker, Household, PartyMember, Resident, Tag


class ScopedViewSet(viewsets.GenericViewSet):
    """Rows the user may see, nothing else; objects checked against `rules`."""

    model = None
    # Token first, so that a client without credentials is told 401 and how to log
    # in (WWW-Authenticate: Token) rather than a bare 403.
    permission_classes = [RulesObjectPermission]
    # `PUT` would make every field compulsory on change; clients send what changes.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class CreateUpdateMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create and change through an action; its errors become 400s naming the field."""

    def do_create(self, user, data):
        raise NotImplementedError

    def do_update(self, user, instance, data):
        raise NotImplementedError

    def perform_create(self, serializer):
        with action_errors():
            serializer.instance = self.do_create(self.request.user, dict(serializer.validated_data))

    def perform_update(self, serializer):
        with action_errors():
            serializer.instance = self.do_update(
                self.request.user, serializer.instance, dict(serializer.validated_data)
            )


# --- areas --------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("区域列表")),
    retrieve=extend_schema(summary=_("区域详情")),
    create=extend_schema(summary=_("新建区域")),
    partial_update=extend_schema(summary=_("修改区域"), request=serializers.AreaUpdateSerializer),
)
@extend_schema(tags=["areas"])
class AreaViewSet(CreateUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Area
    serializer_class = serializers.AreaSerializer
    filterset_class = filters.AreaFilter
    ordering_fields = ["code", "name", "level"]
    ordering = ["code"]

    def get_queryset(self):
        return super().get_queryset().select_related("parent")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return serializers.AreaUpdateSerializer
        return super().get_serializer_class()

    def do_create(self, user, data):
        return org_actions.create_area(
            user,
            parent=data.get("parent"),
            name=data["name"],
            level=data["level"],
            code=data.get("code") or None,
            boundary=data.get("boundary"),
            note=data.get("note", ""),
        )

    def do_update(self, user, instance, data):
        return org_actions.update_area(user, instance, **data)

    @extend_schema(
        summary=_("按坐标查所在区域"),
        description=_("返回包含该点的最深一级区域（网格先于社区，社区先于街道）；看不到或不在任何区域内时返回 404。"),
        parameters=[serializers.LocateQuerySerializer],
        responses={200: serializers.AreaSerializer, 404: OpenApiResponse(description=_("该点不在您可见的区域内。"))},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def locate(self, request, format=None):
        query = serializers.LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        area_id = geoindex.locate_id(query.validated_data["lng"], query.validated_data["lat"])
        area = self.get_queryset().filter(pk=area_id).first() if area_id else None
        if area is None:
            raise Http404(_("该点不在您可见的区域内。"))
        return Response(self.get_serializer(area).data)


# --- party organisations --------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("党组织列表")),
    retrieve=extend_schema(summary=_("党组织详情")),
    create=extend_schema(summary=_("新建党组织")),
    partial_update=extend_schema(summary=_("修改党组织")),
)
@extend_schema(tags=["party-orgs"])
class PartyOrgViewSet(CreateUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = PartyOrg
    serializer_class = serializers.PartyOrgSerializer
    filterset_class = filters.PartyOrgFilter
    ordering_fields = ["name", "kind", "area__code", "founded_on"]
    ordering = ["area__code", "kind", "name"]

    def get_queryset(self):
        return super().get_queryset().select_related("area")

    def do_create(self, user, data):
        return org_actions.create_party_org(user, **data)

    def do_update(self, user, instance, data):
        return org_actions.update_party_org(user, instance, **data)


# --- households -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("户列表")),
    retrieve=extend_schema(summary=_("户详情")),
    create=extend_schema(summary=_("新建户")),
    partial_update=extend_schema(summary=_("修改户")),
)
@extend_schema(tags=["households"])
class HouseholdViewSet(CreateUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Household
    serializer_class = serializers.HouseholdSerializer
    filterset_class = filters.HouseholdFilter
    ordering_fields = ["area__code", "unit", "room", "household_no"]
    ordering = ["area__code", "unit", "room"]

    def get_queryset(self):
        return super().get_queryset().select_related("area")

    def do_create(self, user, data):
        return people_actions.create_household(user, **data)

    def do_update(self, user, instance, data):
        return people_actions.update_household(user, instance, **data)


# --- residents ------------------------------------------------------------------

TAG_PATTERN = "|".join(Tag.values)


@extend_schema_view(
    list=extend_schema(summary=_("居民列表")),
    retrieve=extend_schema(summary=_("居民详情")),
    create=extend_schema(summary=_("登记居民")),
    partial_update=extend_schema(summary=_("修改居民信息")),
)
@extend_schema(tags=["residents"])
class ResidentViewSet(CreateUpdateMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Resident
    serializer_class = serializers.ResidentSerializer
    filterset_class = filters.ResidentFilter
    ordering_fields = ["name", "birth_date", "household__area__code", "moved_in_on"]
    ordering = ["household__area__code", "household__room", "id"]
    # The detail actions need only the right to see the person; the action called
    # then checks its own permission (people.unmask_<field>, people.add_residenttag).
    object_actions = {"unmask": "view", "tags": "view", "remove_tag": "view"}

    def get_queryset(self):
        return super().get_queryset().select_related("household__area").prefetch_related("tags")

    @extend_schema(
        summary=_("按身份证号或手机号精确查找居民"),
        description=_(
            "号码放在请求体中，不放在网址里，以免写进地址栏和服务器日志。"
            "只在您有权查看居民隐私信息的区域内查找；同时给出两个号码时须都相符。"
            "可与列表的查询参数（如 under）同用，结果分页。"
        ),
        request=serializers.ResidentSearchSerializer,
        responses={200: serializers.ResidentSerializer(many=True)},
    )
    @action(detail=False, methods=["post"], serializer_class=serializers.ResidentSearchSerializer)
    def search(self, request, format=None):
        form = serializers.ResidentSearchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        numbers = form.validated_data
        # An exact number is a staff tool: a resident or a 责任田 member must not be able
        # to confirm a neighbour's number by trying it.
        found = self.filter_queryset(self.get_queryset()).filter(
            scope_q(request.user, R.VIEW_PEOPLE, field="household__area__code")
        )
        if numbers["id_number"]:
            found = found.with_id_number(numbers["id_number"])
        if numbers["phone"]:
            found = found.with_phone(numbers["phone"])
        page = self.paginate_queryset(found)
        shown = serializers.ResidentSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(shown.data)

    def do_create(self, user, data):
        return people_actions.create_resident(user, **data)

    def do_update(self, user, instance, data):
        return people_actions.update_resident(user, instance, **data)

    @extend_schema(
        summary=_("查看身份证号或手机号明文"),
        description=_("需要查看明文的权限，并写明事由；每次查看都记入访问日志。"),
        request=serializers.UnmaskSerializer,
        responses={
            200: serializers.UnmaskResultSerializer,
            400: OpenApiResponse(description=_("没有写明事由。")),
            403: OpenApiResponse(description=_("没有查看明文的权限。")),
        },
    )
    @action(detail=True, methods=["post"], serializer_class=serializers.UnmaskSerializer)
    def unmask(self, request, pk=None, format=None):
        resident = self.get_object()
        form = serializers.UnmaskSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with action_errors(default_field="reason"):
            value = people_actions.unmask(
                request.user,
                resident,
                form.validated_data["field"],
                form.validated_data.get("reason", ""),
                ip=client_ip(request._request),
            )
        return Response({"value": value})

    @extend_schema(
        summary=_("设置人群标签"),
        request=serializers.SetTagSerializer,
        responses={201: serializers.ResidentTagSerializer},
    )
    @action(detail=True, methods=["post"], serializer_class=serializers.SetTagSerializer)
    def tags(self, request, pk=None, format=None):
        resident = self.get_object()
        form = serializers.SetTagSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        with action_errors():
            tag = people_actions.set_tag(
                request.user, resident, data["tag"], on=data.get("set_on"), reason=data["reason"]
            )
        return Response(serializers.ResidentTagSerializer(tag).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("移除人群标签"),
        parameters=[OpenApiParameter("tag", str, OpenApiParameter.PATH, enum=Tag.values, description=_("标签"))],
        request=serializers.RemoveTagSerializer,
        responses={200: serializers.ResidentTagSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"tags/(?P<tag>{TAG_PATTERN})/remove",
        serializer_class=serializers.RemoveTagSerializer,
    )
    def remove_tag(self, request, tag, pk=None, format=None):
        resident = self.get_object()
        form = serializers.RemoveTagSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        with action_errors():
            removed = people_actions.remove_tag(
                request.user, resident, tag, on=data.get("removed_on"), reason=data["reason"]
            )
        return Response(serializers.ResidentTagSerializer(removed).data)


# --- party members and grid workers (read-only here) --------------------------------


@extend_schema_view(list=extend_schema(summary=_("党员列表")), retrieve=extend_schema(summary=_("党员详情")))
@extend_schema(tags=["party-members"])
class PartyMemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = PartyMember
    serializer_class = serializers.PartyMemberSerializer
    filterset_class = filters.PartyMemberFilter
    ordering_fields = ["name", "area__code", "joined_party_on", "reported_on"]
    ordering = ["area__code", "name"]

    def get_queryset(self):
        # A member may serve across a grid line: show only the home and the 责任田 households
        # the caller may see, and the total, so no id outside the caller's scope leaks.
        user = self.request.user
        return (
            super()
            .get_queryset()
            .select_related("area", "party_org")
            .annotate(
                duty_total=Count("responsibility_households", distinct=True),
                resident_visible=Exists(Resident.objects.visible_to(user).filter(pk=OuterRef("resident_id"))),
            )
            .prefetch_related(
                Prefetch(
                    "responsibility_households",
                    queryset=Household.objects.visible_to(user).only("pk"),
                    to_attr="visible_duty",
                )
            )
        )


@extend_schema_view(list=extend_schema(summary=_("网格员列表")), retrieve=extend_schema(summary=_("网格员详情")))
@extend_schema(tags=["grid-workers"])
class GridWorkerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = GridWorker
    serializer_class = serializers.GridWorkerSerializer
    filterset_class = filters.GridWorkerFilter
    ordering_fields = ["name", "kind"]
    ordering = ["name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("grids")


# --- docs -----------------------------------------------------------------------


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored sidecar, its start-up script served as a file (no
    inline <script>), with our page language and contrast fixes."""

    template_name = "api/swagger_ui.html"
