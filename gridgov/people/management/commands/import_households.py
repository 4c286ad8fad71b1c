"""manage.py import_households FILE --user USERNAME [--dry-run]

The same checks and the same all-or-nothing write as the upload page, for rosters
too big for a browser or for scripted migrations. The permission is that of --user.
"""

import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gridgov.people import importing

STAGES = {"read": gettext_lazy("读取"), "check": gettext_lazy("检查"), "write": gettext_lazy("写入")}


class Command(BaseCommand):
    help = gettext_lazy("从 Excel 文件导入住户名单（每行一位居民）；有任何错误时不写入任何数据。")

    def add_arguments(self, parser):
        parser.add_argument("file", help=gettext_lazy("xlsx 文件路径（用 /import/template.xlsx 的模板填写）"))
        parser.add_argument("--user", required=True, help=gettext_lazy("以哪个用户的身份导入（检查该用户的导入权限）"))
        parser.add_argument("--dry-run", action="store_true", help=gettext_lazy("只检查并显示汇总，不写入"))

    def handle(self, *args, **options):
        console = Console(file=options.get("stdout") or sys.stdout, highlight=False)
        user = self._user(options["user"])
        path = options["file"]
        try:
            with open(path, "rb") as file, self._progress(console) as progress:
                plan = importing.parse(file, user, progress=progress)
        except OSError as exc:
            message = _("无法打开文件 %(path)s：%(reason)s") % {"path": path, "reason": exc.strerror}
            raise CommandError(message) from None

        if not plan.ok:
            console.print(self._error_table(plan))
            raise CommandError(_("发现 %(count)s 处错误，没有写入任何数据。") % {"count": len(plan.errors)})

        counts = plan.counts()
        if options["dry_run"]:
            console.print(self._summary_table(counts))
            console.print(_("试运行：检查通过，没有写入任何数据。"))
            return
        try:
            with self._progress(console) as progress:
                summary = importing.apply(plan, user, progress=progress)
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from None
        console.print(self._summary_table(counts))
        console.print(
            _(
                "已导入：新建 %(created)s 户，沿用 %(reused)s 户，新增居民 %(residents)s 人，"
                "已登记跳过 %(skipped)s 人，标签 %(tags)s 个。"
            )
            % {
                "created": summary.households_created,
                "reused": summary.households_reused,
                "residents": summary.residents_created,
                "skipped": summary.residents_skipped,
                "tags": summary.tags_created,
            }
        )

    def _user(self, username):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("用户 %(name)s 不存在或已停用。") % {"name": username})
        if not user.has_perm(importing.PERMISSION):
            raise CommandError(_("用户 %(name)s 没有导入住户的权限。") % {"name": username})
        return user

    def _progress(self, console):
        return _RichProgress(console)

    def _error_table(self, plan):
        table = Table(title=_("%(file)s：发现 %(count)s 处错误") % {"file": plan.file_name, "count": len(plan.errors)})
        table.add_column(_("行"), justify="right")
        table.add_column(_("列"))
        table.add_column(_("问题"), overflow="fold")
        for error in plan.sorted_errors():
            table.add_row(str(error.row or ""), error.column, error.message)
        return table

    def _summary_table(self, counts):
        table = Table(title=_("导入汇总"))
        table.add_column(_("项目"))
        table.add_column(_("数量"), justify="right")
        for label, key in (
            (_("数据行"), "rows"),
            (_("新建住户"), "households_new"),
            (_("沿用已有住户"), "households_reused"),
            (_("新增居民"), "residents_new"),
            (_("已登记，跳过"), "residents_skipped"),
            (_("人群标签"), "tags_new"),
        ):
            table.add_row(label, str(counts[key]))
        return table


class _RichProgress:
    """Adapts importing's progress(stage, done, total) calls to one rich bar per stage."""

    def __init__(self, console):
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=not console.is_terminal,
        )
        self.tasks = {}

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def __call__(self, stage, done, total):
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(str(STAGES.get(stage, stage)), total=total)
        self.bar.update(self.tasks[stage], completed=done, total=total)
