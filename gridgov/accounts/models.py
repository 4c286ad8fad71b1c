from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginCode(models.Model):
    """A one-time login code for a resident's phone; only its hash is kept."""

    phone_digest = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")


class OutboundMessage(models.Model):
    """What a delivery channel sent, as the demo and test channels keep it."""

    channel = models.CharField(_("渠道"), max_length=100)
    to_masked = models.CharField(_("接收方"), max_length=32)
    to_digest = models.CharField(max_length=64, db_index=True)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已发消息")
        verbose_name_plural = _("已发消息")
        ordering = ["-id"]
