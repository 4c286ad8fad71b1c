from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gridgov.lib import idcard, pii
from gridgov.org import roles as R
from gridgov.org.models import Area, PartyOrg
from gridgov.org.roles import Role
from gridgov.org.scope import NOTHING, role_codes, scope_q


class HukouStatus(models.TextChoices):
    LOCAL = "local", _("户籍人口")
    FLOATING = "floating", _("流动人口")


class Tag(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    ELDERLY = "elderly", _("高龄老人")
    DISABLED = "disabled", _("残疾人")
    LOW_INCOME = "low_income", _("低保户")
    EXTREME_POVERTY = "extreme_poverty", _("特困人员")
    CHILD_IN_DIFFICULTY = "child_in_difficulty", _("困境儿童")
    TWO_CANCER = "two_cancer", _("“两癌”妇女")
    LEFT_BEHIND = "left_behind", _("留守人员")
    VETERAN = "veteran", _("退役军人")
    DIFFICULT_FAMILY = "difficult_family", _("困难家庭")


class ProtectedFields(models.Model):
    """ID and phone numbers: ciphertext, keyed hash and mask, never the clear value."""

    id_number_cipher = models.TextField(blank=True, editable=False)
    id_number_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    phone_cipher = models.TextField(blank=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_id_number(self, value: str):
        """Validate and store; an empty value clears the field."""
        if not value:
            self.id_number_cipher = self.id_number_digest = self.id_number_masked = ""
            return
        number = idcard.validate_id_number(value)
        self.id_number_cipher = pii.encrypt(number)
        self.id_number_digest = pii.digest(number)
        self.id_number_masked = pii.mask_id_number(number)

    def set_phone(self, value: str):
        if not value:
            self.phone_cipher = self.phone_digest = self.phone_masked = ""
            return
        number = idcard.validate_phone(value)
        self.phone_cipher = pii.encrypt(number)
        self.phone_digest = pii.digest(number)
        self.phone_masked = pii.mask_phone(number)

    def reveal(self, field: str) -> str:
        """The clear value. Only gridgov.people.actions.unmask may call this for a person."""
        cipher = getattr(self, f"{field}_cipher")
        return pii.decrypt(cipher) if cipher else ""


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_q(user, R.VIEW_PEOPLE) | own_households_q(user, "pk"))

    def visible_to_self(self, user):
        return self.filter(own_households_q(user, "pk"))


def own_households_q(user, field):
    """Households a user reaches as a person, not as staff: their own home and their 责任田."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return NOTHING
    q = Q(**{f"{field}__in": Resident.objects.filter(user=user).values("household_id")})
    q |= Q(**{f"{field}__in": PartyMember.objects.filter(user=user).values("resident__household_id")})
    if role_codes(user, {Role.PARTY_MEMBER}):
        duty = PartyMember.responsibility_households.through.objects.filter(partymember__user=user)
        q |= Q(**{f"{field}__in": duty.values("household_id")})
    return q


class Household(models.Model):
    area = models.ForeignKey(
        Area,
        verbose_name=_("所属区域"),
        on_delete=models.PROTECT,
        related_name="households",
        help_text=_("楼栋（或没有楼栋时的网格、院落）。"),
    )
    unit = models.CharField(_("单元"), max_length=16, blank=True)
    room = models.CharField(_("房号"), max_length=16)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    household_no = models.CharField(_("户编号"), max_length=40, blank=True)
    is_rented = models.BooleanField(_("出租户"), default=False)
    is_center_household = models.BooleanField(
        _("党员中心户"), default=False, help_text=_("党员中心户 / 示范户：单元里由党员户牵头联系邻里。")
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["area__code", "unit", "room"]
        constraints = [
            models.UniqueConstraint(fields=["area", "unit", "room"], name="people_household_unique_address"),
        ]

    def __str__(self):
        return self.full_address

    @property
    def full_address(self):
        parts = [self.area.name]
        if self.unit:
            parts.append(gettext("%(unit)s单元") % {"unit": self.unit})
        parts.append(gettext("%(room)s室") % {"room": self.room})
        return "".join(parts)


class ResidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        q = scope_q(user, R.VIEW_PEOPLE, field="household__area__code")
        return self.filter(q | own_households_q(user, "household_id"))

    def with_id_number(self, value):
        return self.filter(id_number_digest=pii.digest(idcard.normalise_id_number(value)))

    def with_phone(self, value):
        return self.filter(phone_digest=pii.digest(idcard.normalise_phone(value)))

    def with_tag(self, tag, on=None):
        """Residents who carried `tag` on date `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(tags__tag=tag, tags__set_on__lte=on) & (Q(tags__removed_on__isnull=True) | Q(tags__removed_on__gt=on))
        ).distinct()


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Resident(ProtectedFields):
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="residents")
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    relation = models.CharField(_("与户主关系"), max_length=20, blank=True)
    hukou_status = models.CharField(
        _("户籍状态"), max_length=16, choices=HukouStatus.choices, default=HukouStatus.LOCAL
    )
    registered_address = models.CharField(
        _("户籍地址"), max_length=200, blank=True, help_text=_("与居住地址不同即为人户分离。")
    )
    is_separated = models.BooleanField(_("人户分离"), default=False)
    moved_in_on = models.DateField(_("入住日期"), null=True, blank=True)
    moved_out_on = models.DateField(_("迁出日期"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident",
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["id_number_cipher", "phone_cipher"])

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["household__area__code", "household__room", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~Q(id_number_digest=""),
                name="people_resident_unique_id_number",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def area(self):
        return self.household.area

    def current_tags(self):
        return [t for t in self.tags.all() if t.removed_on is None]


class ResidentTag(models.Model):
    """A special-group tag with when it was set and removed, so any past roster can be rebuilt."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="tags", verbose_name=_("居民"))
    tag = models.CharField(_("标签"), max_length=32, choices=Tag.choices)
    set_on = models.DateField(_("设置日期"), default=timezone.localdate)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_reason = models.CharField(_("设置原因"), max_length=200, blank=True)
    removed_on = models.DateField(_("移除日期"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_reason = models.CharField(_("移除原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("人群标签")
        verbose_name_plural = _("人群标签")
        ordering = ["resident_id", "tag", "set_on"]
        constraints = [
            # At most one open (not removed) tag of a kind per resident.
            models.UniqueConstraint(
                fields=["resident", "tag"], condition=Q(removed_on__isnull=True), name="people_tag_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.resident} · {self.get_tag_display()}"


class WorkStatus(models.TextChoices):
    EMPLOYED = "employed", _("在职")
    RETIRED = "retired", _("退休")
    OTHER = "other", _("其他")


class PartyMemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        q = scope_q(user, R.VIEW_PARTY)
        if getattr(user, "is_authenticated", False) and not user.is_superuser:
            q |= Q(user=user)
        return self.filter(q)


class PartyMember(ProtectedFields):
    """A party member's profile: of a resident here, or of a person living elsewhere."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("所属区域"),
        on_delete=models.PROTECT,
        related_name="party_members",
        help_text=_("入格的网格（或社区）。"),
    )
    resident = models.OneToOneField(
        Resident,
        verbose_name=_("居民档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
    )
    name = models.CharField(_("姓名"), max_length=50)
    party_org = models.ForeignKey(
        PartyOrg,
        verbose_name=_("所在党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation_in_community = models.BooleanField(
        _("组织关系在社区"), default=True, help_text=_("否：组织关系不在社区（在职党员、驻区单位党员等）。")
    )
    work_status = models.CharField(
        _("在职/退休"), max_length=16, choices=WorkStatus.choices, default=WorkStatus.RETIRED
    )
    origin_unit = models.CharField(_("报到来源单位"), max_length=100, blank=True)
    joined_party_on = models.DateField(_("入党日期"), null=True, blank=True)
    reported_on = models.DateField(_("报到日期"), null=True, blank=True)
    is_center_household = models.BooleanField(_("党员中心户"), default=False)
    responsibility_households = models.ManyToManyField(
        Household, verbose_name=_("责任田"), blank=True, related_name="responsible_members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_member",
    )
    is_active = models.BooleanField(_("在册"), default=True)
    history = HistoricalRecords(excluded_fields=["id_number_cipher", "phone_cipher"])

    objects = PartyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["area__code", "name"]

    def __str__(self):
        return self.name


class GridWorkerKind(models.TextChoices):
    FULL_TIME = "full_time", _("专职网格员")
    MOBILE = "mobile", _("流动网格员")


class GridWorkerQuerySet(models.QuerySet):
    def visible_to(self, user):
        q = scope_q(user, R.VIEW_PEOPLE, field="grids__code")
        if getattr(user, "is_authenticated", False) and not user.is_superuser:
            q |= Q(user=user)
        return self.filter(q).distinct()


class GridWorker(ProtectedFields):
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=16, choices=GridWorkerKind.choices, default=GridWorkerKind.FULL_TIME)
    occupation = models.CharField(
        _("职业"), max_length=50, blank=True, help_text=_("流动网格员的本职，如快递员、外卖员。")
    )
    employer = models.CharField(_("所在单位"), max_length=100, blank=True)
    grids = models.ManyToManyField(Area, verbose_name=_("负责网格"), related_name="grid_workers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_worker",
    )
    is_active = models.BooleanField(_("在岗"), default=True)
    history = HistoricalRecords(excluded_fields=["id_number_cipher", "phone_cipher"])

    objects = GridWorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格员")
        verbose_name_plural = _("网格员")
        ordering = ["name"]

    def __str__(self):
        return self.name
