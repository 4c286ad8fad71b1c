from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gridgov.lib import areacode, geo
from gridgov.org import roles as R
from gridgov.org.roles import Role
from gridgov.org.scope import prefix_q, role_codes, scope_q


class Level(models.TextChoices):
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")
    SUB_GRID = "sub_grid", _("微网格")
    COURTYARD = "courtyard", _("院落")
    BUILDING = "building", _("楼栋")


# Which levels may stand under which: variable depth, as the seeds have it
# (big grids split into small ones, courtyards under a community or a grid).
CHILD_LEVELS = {
    Level.STREET: {Level.COMMUNITY},
    Level.COMMUNITY: {Level.GRID, Level.COURTYARD},
    Level.GRID: {Level.SUB_GRID, Level.COURTYARD, Level.BUILDING},
    Level.SUB_GRID: {Level.COURTYARD, Level.BUILDING},
    Level.COURTYARD: {Level.BUILDING},
    Level.BUILDING: set(),
}

# Levels that may carry a boundary polygon on the map.
BOUNDED_LEVELS = {Level.STREET, Level.COMMUNITY, Level.GRID, Level.SUB_GRID, Level.COURTYARD}


class AreaQuerySet(models.QuerySet):
    def under(self, area_or_code, include_self=True):
        code = getattr(area_or_code, "code", area_or_code)
        qs = self.filter(code__startswith=code)
        return qs if include_self else qs.exclude(code=code)

    def visible_to(self, user):
        """Areas below any role the user holds, and the areas above them (to navigate)."""
        if getattr(user, "is_superuser", False):
            return self
        codes = role_codes(user, set(Role))
        if not codes:
            return self.none()
        above = {a for code in codes for a in areacode.ancestors(code)}
        return self.filter(prefix_q("code", codes) | Q(code__in=above))


class Area(models.Model):
    code = models.CharField(
        _("区域编码"),
        max_length=areacode.MAX_LENGTH,
        unique=True,
        help_text=_("国家网格编码：6位区县码 + 3位街道 + 3位社区 + 3位网格，下级各加3位。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    boundary = models.JSONField(_("边界 (GeoJSON)"), null=True, blank=True)
    center_lng = models.FloatField(_("中心经度"), null=True, blank=True)
    center_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]
        # The unique index on code already comes with a varchar_pattern_ops twin on
        # PostgreSQL (Django adds "<table>_code_<hash>_like"), which serves LIKE 'prefix%'.
        indexes = [models.Index(fields=["level", "code"], name="org_area_level_code")]

    def __str__(self):
        return f"{self.name}（{self.get_level_display()}）"

    @property
    def depth(self):
        return areacode.depth(self.code)

    def ancestors(self):
        return Area.objects.filter(code__in=areacode.ancestors(self.code)).order_by("code")

    def path_names(self):
        return " / ".join(a.name for a in self.ancestors())

    def next_child_code(self):
        taken = set(Area.objects.filter(parent=self).values_list("code", flat=True))
        for number in range(1, 1000):
            code = areacode.child_code(self.code, number)
            if code not in taken:
                return code
        raise ValidationError(gettext("下级区域已满（最多999个）。"))

    def clean(self):
        errors = {}
        if not areacode.is_well_formed(self.code):
            errors["code"] = gettext("区域编码格式不正确：街道为9位数字（6位区县码+3位街道码），下级每级再加3位数字。")
        elif self.parent_id is None:
            if self.level != Level.STREET or len(self.code) != areacode.ROOT_LENGTH:
                errors["parent"] = gettext("只有街道可以没有上级区域，街道编码为9位。")
        else:
            parent = self.parent
            if areacode.parent_code(self.code) != parent.code:
                errors["code"] = gettext("编码必须以上级区域编码 %(parent)s 开头并多3位。") % {"parent": parent.code}
            if self.level not in CHILD_LEVELS[parent.level]:
                errors["level"] = gettext("%(parent)s下不能设%(level)s。") % {
                    "parent": parent.get_level_display(),
                    "level": self.get_level_display(),
                }
        if self.pk:
            child_levels = set(Area.objects.filter(parent_id=self.pk).values_list("level", flat=True))
            misfits = child_levels - CHILD_LEVELS.get(self.level, set())
            if misfits:
                errors["level"] = gettext("该区域下已有%(levels)s，不能改为%(level)s。") % {
                    "levels": "、".join(str(Level(m).label) for m in sorted(misfits)),
                    "level": self.get_level_display(),
                }
            old = Area.objects.filter(pk=self.pk).values_list("code", flat=True).first()
            if old and old != self.code and Area.objects.filter(parent_id=self.pk).exists():
                errors["code"] = gettext("已有下级区域的区域不能改编码。")
        if self.boundary:
            if self.level not in BOUNDED_LEVELS:
                errors["boundary"] = gettext("楼栋不设边界，请在上级区域画边界。")
            else:
                try:
                    geom = geo.parse_boundary(self.boundary)
                except ValidationError as exc:
                    errors["boundary"] = exc.messages
                else:
                    clash = self._overlapping_sibling(geom)
                    if clash:
                        errors["boundary"] = gettext("边界与同级区域“%(name)s”重叠。") % {"name": clash.name}
        if errors:
            raise ValidationError(errors)

    def _overlapping_sibling(self, geom):
        siblings = Area.objects.filter(parent_id=self.parent_id, level=self.level, boundary__isnull=False)
        for sibling in siblings.exclude(pk=self.pk):
            if geo.overlaps(geom, geo.parse_boundary(sibling.boundary)):
                return sibling
        return None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_boundary = instance.__dict__.get("boundary")
        instance._loaded_active = instance.__dict__.get("is_active")
        return instance

    def boundary_changed(self) -> bool:
        """True when this save changes what the point -> area index must hold."""
        if not hasattr(self, "_loaded_boundary"):
            return self.boundary is not None
        return self.boundary != self._loaded_boundary or (
            self.boundary is not None and self.is_active != self._loaded_active
        )

    def save(self, *args, **kwargs):
        if self.boundary:
            centroid = geo.parse_boundary(self.boundary).representative_point()
            self.center_lng, self.center_lat = round(centroid.x, 7), round(centroid.y, 7)
        # Read by the post_save receiver in geoindex, which drops this process's index.
        self._index_stale = self.boundary_changed()
        super().save(*args, **kwargs)
        if self._index_stale:
            GeoIndexVersion.bump()
        self._loaded_boundary, self._loaded_active = self.boundary, self.is_active


class GeoIndexVersion(models.Model):
    """One row: bumped whenever a boundary changes, so every process rebuilds its index."""

    version = models.PositiveBigIntegerField(default=0)

    @classmethod
    def bump(cls):
        cls.objects.get_or_create(pk=1)
        cls.objects.filter(pk=1).update(version=F("version") + 1)

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).values_list("version", flat=True).first() or 0


class PartyOrgKind(models.TextChoices):
    WORKING_COMMITTEE = "working_committee", _("党工委")
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


PARTY_RANK = {
    PartyOrgKind.WORKING_COMMITTEE: 0,
    PartyOrgKind.COMMITTEE: 1,
    PartyOrgKind.GENERAL_BRANCH: 2,
    PartyOrgKind.BRANCH: 3,
    PartyOrgKind.GROUP: 4,
}


class JointType(models.TextChoices):
    NONE = "", _("—")
    SOCIAL_ORG = "social_org", _("社会组织")
    UNIVERSITY = "university", _("高校")
    BUSINESS_ALLIANCE = "business_alliance", _("商圈联盟")
    DUAL_MANAGED = "dual_managed", _("双管双责")
    UNIT = "unit", _("驻区单位")


class PartyOrgQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_q(user, R.VIEW_PARTY))


class PartyOrg(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=24, choices=PartyOrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在区域"),
        on_delete=models.PROTECT,
        related_name="party_orgs",
        help_text=_("支部建在网格上、小组建在楼栋上：党组织设在哪个区域。"),
    )
    joint_type = models.CharField(
        _("联合共建类型"),
        max_length=24,
        choices=JointType.choices,
        blank=True,
        default="",
        help_text=_("横向联合共建的党组织（社会组织、高校、商圈联盟……）填写。"),
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    objects = PartyOrgQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["area__code", "kind", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        errors = self._clean_below() if self.pk else {}
        if not self.parent_id:
            if errors:
                raise ValidationError(errors)
            return
        if PARTY_RANK[self.kind] <= PARTY_RANK[self.parent.kind]:
            errors["kind"] = gettext("%(child)s不能设在%(parent)s之下。") % {
                "child": self.get_kind_display(),
                "parent": self.parent.get_kind_display(),
            }
        if self.area_id and not self.area.code.startswith(self.parent.area.code):
            errors["area"] = gettext("党组织必须设在上级党组织所在区域（%(area)s）或其下级区域。") % {
                "area": self.parent.area.name
            }
        node, seen = self.parent, set()
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                errors["parent"] = gettext("上级党组织不能形成循环。")
                break
            seen.add(node.pk)
            node = node.parent
        if errors:
            raise ValidationError(errors)

    def _clean_below(self):
        """An edit must not strand the organisations and members below this one."""
        errors = {}
        children = list(PartyOrg.objects.filter(parent_id=self.pk).select_related("area"))
        if any(PARTY_RANK[c.kind] <= PARTY_RANK[self.kind] for c in children):
            errors["kind"] = gettext("下级党组织中有不低于%(kind)s的组织，不能改为这一类别。") % {
                "kind": self.get_kind_display()
            }
        if self.area_id and any(not c.area.code.startswith(self.area.code) for c in children):
            errors["area"] = gettext("下级党组织设在该区域之外，请先调整下级党组织。")
        if not self.is_active:
            if any(c.is_active for c in children):
                errors["is_active"] = gettext("还有在用的下级党组织，请先撤销或转移下级党组织。")
            elif self.members.filter(is_active=True).exists():
                errors["is_active"] = gettext("该组织还有在册党员，请先把党员转到其他党组织。")
        return errors


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        today = timezone.localdate()
        return self.filter(starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))

    def visible_to(self, user):
        return self.filter(scope_q(user, R.MANAGE_ROLES | R.READ_ACCESS_LOG)) | self.filter(user=user)


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="role_assignments")
    starts_on = models.DateField(_("开始日期"), default=timezone.localdate)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="org_role_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area.name}"
