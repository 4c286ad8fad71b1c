"""manage.py load_demo: the demo city built from the seed communities.

Without options it builds the city once: when the demo streets are already there it
changes nothing (so it is safe to run on every start). --reset removes the demo data
and builds it again in one transaction; --delete only removes it. Data outside the
demo streets, and streets that sit on a demo code without being demo data, are never
touched.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from gridgov.demo import city
from gridgov.org.models import Area, Level, PartyOrg
from gridgov.people.models import Household, HukouStatus, PartyMember, Resident

STEPS = {
    "planned": gettext_lazy("规划演示城市"),
    "areas": gettext_lazy("写入区域"),
    "orgs": gettext_lazy("写入党组织"),
    "households": gettext_lazy("写入住户"),
    "residents": gettext_lazy("写入居民"),
    "tags": gettext_lazy("写入人群标签"),
    "members": gettext_lazy("写入党员"),
    "workers": gettext_lazy("写入网格员"),
    "accounts": gettext_lazy("创建演示账号"),
}
SUMMARY_COLUMNS = [
    gettext_lazy("街道"),
    gettext_lazy("社区"),
    gettext_lazy("网格"),
    gettext_lazy("微网格"),
    gettext_lazy("院落"),
    gettext_lazy("楼栋"),
    gettext_lazy("户"),
    gettext_lazy("居民"),
    gettext_lazy("流动人口"),
    gettext_lazy("党员"),
    gettext_lazy("党组织"),
]
ACCOUNT_COLUMNS = [gettext_lazy("用户名"), gettext_lazy("角色"), gettext_lazy("区域"), gettext_lazy("密码")]


class Command(BaseCommand):
    help = (
        "建设演示城市：每个种子社区一个街道，含网格、党组织、住户、居民、党员和演示账号（密码 gridgov-demo）。"
        "已建成时不做改动；--reset 删除后重建，--delete 只删除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="删除已有的演示数据后重建。")
        parser.add_argument("--delete", action="store_true", help="只删除演示数据和演示账号。")
        parser.add_argument("--seed", type=int, default=2018, help="随机种子：同一种子生成同样的城市。")

    def handle(self, *args, reset=False, delete=False, seed=2018, verbosity=1, **options):
        out = getattr(self.stdout, "_out", self.stdout)
        console = Console(file=out, highlight=False, width=None if out.isatty() else 120, quiet=verbosity == 0)
        foreign = list(city.foreign_streets().values_list("code", "name"))
        if foreign:
            names = "、".join(f"{name}（{code}）" for code, name in foreign)
            raise CommandError(_("以下街道占用了演示编码但不是演示数据，未做任何改动：%(names)s") % {"names": names})

        if delete:
            self._delete(console)
            console.print(_("已删除演示数据和演示账号。"))
            return
        if city.demo_streets().exists() and not reset:
            console.print(_("演示城市已存在，未做改动；要重建请加 --reset。"))
            self._print_accounts(console)
            return

        started = time.perf_counter()
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=verbosity == 0,
        )
        with progress:
            task = progress.add_task(str(STEPS["planned"]), total=None)

            def step(label, value):
                if label == "planning":
                    progress.update(task, description=_("规划%(name)s") % {"name": value})
                    return
                if label == "planned":
                    progress.update(task, total=value, description=str(STEPS["areas"]))
                    return
                progress.update(task, advance=value, description=str(STEPS[label]))

            try:
                with transaction.atomic():
                    if reset:
                        progress.update(task, description=_("删除旧的演示数据"))
                        self._delete(console)
                    city.build(seed=seed, step=step)
            except city.DemoDataInUse as exc:
                raise CommandError(self._in_use(exc)) from exc
        elapsed = time.perf_counter() - started
        self._print_summary(console)
        self._print_accounts(console)
        console.print(
            _("演示城市已建成，用时 %(seconds).1f 秒（%(vendor)s）。")
            % {"seconds": elapsed, "vendor": connection.vendor}
        )

    def _delete(self, console):
        try:
            city.delete()
        except city.DemoDataInUse as exc:
            raise CommandError(self._in_use(exc)) from exc

    @staticmethod
    def _in_use(exc):
        return _("演示数据仍被其他记录引用（%(models)s），请先删除这些记录。") % {"models": str(exc)}

    def _print_summary(self, console):
        table = Table(title=_("演示城市"))
        for n, header in enumerate(SUMMARY_COLUMNS):
            table.add_column(str(header), justify="right" if n else "left")
        for street in city.demo_streets().order_by("code"):
            under = Q(code__startswith=street.code)
            levels = dict.fromkeys(Level.values, 0)
            for level in Area.objects.filter(under).values_list("level", flat=True):
                levels[level] += 1
            residents = Resident.objects.filter(household__area__code__startswith=street.code)
            table.add_row(
                street.name,
                str(levels[Level.COMMUNITY]),
                str(levels[Level.GRID]),
                str(levels[Level.SUB_GRID]),
                str(levels[Level.COURTYARD]),
                str(levels[Level.BUILDING]),
                f"{Household.objects.filter(area__code__startswith=street.code).count():,}",
                f"{residents.count():,}",
                f"{residents.filter(hukou_status=HukouStatus.FLOATING).count():,}",
                f"{PartyMember.objects.filter(area__code__startswith=street.code).count():,}",
                str(PartyOrg.objects.filter(area__code__startswith=street.code).count()),
            )
        console.print(table)

    def _print_accounts(self, console):
        table = Table(title=_("演示账号"))
        for header in ACCOUNT_COLUMNS:
            table.add_column(str(header))
        for row in city.account_rows():
            table.add_row(*row)
        console.print(table)
        phone = city.demo_resident_phone()
        if phone:
            console.print(
                _("居民 demo-resident 也可以用手机号 %(phone)s 加验证码登录（演示环境的验证码打印在控制台）。")
                % {"phone": phone}
            )
