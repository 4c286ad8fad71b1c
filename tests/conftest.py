import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from the test body are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.personas import PASSWORD, build_world

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in zh-Hans: a request in another language must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The same world built once per module, for tests that only read it; rolled back after."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def client_for(client, world):
    """client_for("grid") -> a test client logged in as that persona."""

    def login(name):
        client.force_login(world.users[name], backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def api_for(world):
    """api_for("grid") -> a DRF APIClient authenticated as that persona."""
    from rest_framework.test import APIClient

    def make(name):
        api = APIClient()
        api.force_authenticate(world.users[name])
        return api

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def persona_password():
    return PASSWORD
