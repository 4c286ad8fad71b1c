"""Household roster import: upload, dry-run preview, confirm, result.

The uploaded workbook is kept on the server, encrypted (gridgov/people/uploads.py),
and its token in the session, and it is parsed again on confirm: what gets written is
always what the server checked, never a copy of the parsed rows sent back by the browser.
The stored file is deleted on import, on cancel, on the next upload, and by the
periodic sweep once it is two hours old.
"""

import io
from dataclasses import asdict
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.lib.errors import require
from gridgov.org import roles as R
from gridgov.org.models import Area, Level
from gridgov.org.scope import scope_q
from gridgov.people import importing
from gridgov.people import uploads as storage
from gridgov.web.imports.forms import UploadForm

SESSION_KEY = "household_import"
RESULT_KEY = "household_import_result"
PREVIEW_ROWS = 50


def _discard(request):
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        storage.delete(pending["token"])


def _pending(request, token):
    """This session's upload with this token, or None."""
    pending = request.session.get(SESSION_KEY)
    if pending and pending["token"] == str(token):
        return pending
    return None


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    require(request.user, importing.PERMISSION)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _discard(request)
        token = storage.save(form.cleaned_data["file"])
        request.session[SESSION_KEY] = {"token": str(token), "name": Path(form.cleaned_data["file"].name).name}
        storage.sweep()
        return redirect("household-import-preview", token=token)
    return render(request, "web/imports/upload.html", {"form": form})


@login_required
def template(request):
    require(request.user, importing.PERMISSION)
    # The example row carries a real code of the user's own, so a first try just works.
    scope = Area.objects.filter(scope_q(request.user, R.IMPORT_PEOPLE, field="code"))
    codes = scope.order_by("code").values_list("code", flat=True)
    example = codes.filter(level=Level.BUILDING).first() or codes.filter(level__in=importing.HOUSEHOLD_LEVELS).first()
    buffer = io.BytesIO()
    importing.build_template(example).save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="住户名单导入模板.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, token):
    require(request.user, importing.PERMISSION)
    pending = _pending(request, token)
    workbook = storage.open_upload(token) if pending else None
    if workbook is None:
        # Another session's upload, one already imported or cancelled, or a stale one.
        if pending:
            request.session.pop(SESSION_KEY, None)
        messages.error(request, _("这次上传已失效，请重新上传文件。"))
        return redirect("household-import")
    plan = importing.parse(workbook, request.user, file_name=pending["name"])

    if request.method == "POST" and plan.ok:
        try:
            summary = importing.apply(plan, request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            _discard(request)
            request.session[RESULT_KEY] = {"file": pending["name"], **asdict(summary)}
            return redirect("household-import-done")

    return render(
        request,
        "web/imports/preview.html",
        {
            "plan": plan,
            "counts": plan.counts(),
            "rows": list(plan.preview(PREVIEW_ROWS)),
            "preview_limit": PREVIEW_ROWS,
            "errors": plan.sorted_errors(),
            "token": token,
            "file_name": pending["name"],
            "form": UploadForm(),
        },
    )


@login_required
@require_http_methods(["POST"])
def cancel(request, token):
    require(request.user, importing.PERMISSION)
    # Only this session's own upload is deleted: a token alone proves nothing.
    if _pending(request, token):
        _discard(request)
        messages.success(request, _("已取消导入，上传的文件已从服务器删除。"))
    return redirect("household-import")


@login_required
def done(request):
    require(request.user, importing.PERMISSION)
    result = request.session.get(RESULT_KEY)
    if result is None:
        return redirect("household-import")
    return render(request, "web/imports/done.html", {"result": result})
