"""Background jobs for people data, found by huey's run_huey (it autodiscovers tasks.py)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gridgov.people import uploads as storage


@db_periodic_task(crontab(minute="*/30"))
def sweep_import_uploads():
    """Remove roster uploads left unconfirmed for over two hours.

    The sweep on each upload only runs when somebody uploads again; this one makes sure
    an abandoned roster (clear ID and phone numbers, even if encrypted) does not stay.
    """
    return storage.sweep(storage.MAX_AGE_SECONDS)
