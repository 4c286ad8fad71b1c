"""manage.py verify_access_log: prove that no access-log entry was changed or taken out.

Exits 1 when the chain is broken, so that cron or a monitor can raise the alarm.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.audit.models import verify_chain


def describe_chain(result) -> tuple[bool, str]:
    """(ok, message in the current language) for a verify_chain() result."""
    ok, detail = result
    if ok:
        return True, _("日志链完整，共 %(count)s 条。") % {"count": detail}
    if detail is None:
        return False, _("日志链末尾的记录被删除或篡改：链头与最后一条记录不一致。")
    return False, _("日志链在第 %(id)s 条处被篡改。") % {"id": detail}


class Command(BaseCommand):
    help = "Verify the hash chain of the access log; exit 1 if it is broken."

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            ok, message = describe_chain(verify_chain())
        if not ok:
            raise CommandError(message, returncode=1)
        self.stdout.write(self.style.SUCCESS(message))
