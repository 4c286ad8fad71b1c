"""The access log for auditors: who saw which personal data, when and why."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.audit.management.commands.verify_access_log import describe_chain
from gridgov.audit.models import AccessLog, verify_chain
from gridgov.web.audit.forms import AccessLogFilter

PER_PAGE = 50
FIELD_LABELS = {"id_number": gettext_lazy("身份证号"), "phone": gettext_lazy("手机号")}


def _require_auditor(user):
    if not user.has_perm("audit.view_accesslog"):
        raise PermissionDenied(_("只有审计员和街道管理员可以查看访问日志。"))


@login_required
def accesslog_list(request):
    _require_auditor(request.user)
    entries = AccessLog.objects.visible_to(request.user).order_by("-at", "-id")
    filterset = AccessLogFilter(request.GET or None, queryset=entries)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    for entry in page:
        entry.field_label = FIELD_LABELS.get(entry.field, entry.field)
    return render(request, "web/audit/accesslog_list.html", {"filter": filterset, "page_obj": page})


@login_required
@require_POST
def accesslog_verify(request):
    _require_auditor(request.user)
    ok, message = describe_chain(verify_chain())
    (messages.success if ok else messages.error)(request, message)
    return redirect("accesslog-list")
