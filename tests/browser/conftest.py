"""Browser fixtures: Debian's Chromium through Playwright, against the live server."""

from pathlib import Path

import pytest

from tests.personas import PASSWORD, build_world

AXE = (Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js").read_text()

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def browser_world(transactional_db):
    return build_world()


@pytest.fixture
def login_as(page, live_server, browser_world):
    """login_as("community") -> the page, logged in through the real login form."""

    def login(name, path="/"):
        page.goto(f"{live_server.url}/accounts/login/?next={path}")
        page.fill("#id_username", name)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return login


def assert_accessible(page):
    """axe-core (vendored) finds no serious or critical violation on the current page."""
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, "accessibility violations:\n" + "\n".join(bad)


def no_external_requests(page, live_server):
    """Record every request to another host; the offline-first rule says there are none."""
    foreign = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url) if not r.url.startswith(live_server.url) and not r.url.startswith("data:") else None
        ),
    )
    return foreign
