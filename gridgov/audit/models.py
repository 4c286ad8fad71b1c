"""The access log: every unmask of personal data, every export and import.

Append-only and tamper-evident: each entry carries the hash of the one before it,
so an auditor can prove that no entry was changed or taken out.
"""

import hashlib
import json

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.org import roles as R
from gridgov.org.scope import scope_q

GENESIS = "0" * 64


class Action(models.TextChoices):
    UNMASK = "unmask", _("查看明文")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    DOWNLOAD = "download", _("下载")


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_q(user, R.READ_ACCESS_LOG, field="area_code"))


class AccessLog(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150)
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    target = models.CharField(_("对象"), max_length=200)
    field = models.CharField(_("字段"), max_length=64, blank=True)
    reason = models.CharField(_("事由"), max_length=500)
    area_code = models.CharField(_("区域编码"), max_length=40, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问日志")
        verbose_name_plural = _("访问日志")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.target}"

    def payload(self) -> str:
        return json.dumps(
            [
                self.at.isoformat(),
                self.username,
                self.action,
                self.target,
                self.field,
                self.reason,
                self.area_code,
                self.ip or "",
                self.prev_hash,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the access log is append-only")


class ChainHead(models.Model):
    """One row, locked while an entry is appended, so the chain never forks."""

    last_hash = models.CharField(max_length=64, default=GENESIS)


def record(user, action, target, reason, *, field="", area_code="", ip=None) -> AccessLog:
    with transaction.atomic():
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
        entry = AccessLog(
            user=user if getattr(user, "pk", None) else None,
            username=getattr(user, "username", "") or "",
            action=action,
            target=str(target)[:200],
            field=field,
            reason=reason[:500],
            area_code=area_code,
            ip=ip,
            prev_hash=head.last_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.last_hash = entry.hash
        head.save(update_fields=["last_hash"])
    return entry


def verify_chain():
    """(True, count) when every entry links to the one before it; else (False, first bad id)."""
    prev = GENESIS
    count = 0
    for entry in AccessLog.objects.order_by("id").iterator():
        if entry.prev_hash != prev or entry.compute_hash() != entry.hash:
            return False, entry.id
        prev = entry.hash
        count += 1
    head = ChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() or GENESIS
    if head != prev:
        return False, None
    return True, count
