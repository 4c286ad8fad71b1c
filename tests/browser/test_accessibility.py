"""axe-core on every page of the foundation, at phone size, as the people who use them."""

import pytest
from django.urls import reverse

from tests.browser.conftest import PHONE, assert_accessible, no_external_requests

pytestmark = pytest.mark.browser


def pages(world):
    a, h, r, o, m = world.areas, world.households, world.residents, world.orgs, world.members
    return {
        "community": [
            reverse("home"),
            reverse("area-list"),
            reverse("area-detail", args=[a["c1"].pk]),
            reverse("area-create", args=[a["c1"].pk]),
            reverse("area-edit", args=[a["g1"].pk]),
            reverse("household-list"),
            reverse("household-create"),
            reverse("household-detail", args=[h["h1"].pk]),
            reverse("household-edit", args=[h["h1"].pk]),
            reverse("resident-create", args=[h["h1"].pk]),
            reverse("resident-detail", args=[r["zhang"].pk]),
            reverse("resident-edit", args=[r["zhang"].pk]),
            reverse("resident-tag-set", args=[r["zhang"].pk]),
            reverse("partyorg-list"),
            reverse("partyorg-detail", args=[o["committee"].pk]),
            reverse("partyorg-create") + f"?parent={o['committee'].pk}",
            reverse("partyorg-edit", args=[o["branch1"].pk]),
            reverse("partymember-list"),
            reverse("partymember-detail", args=[m["zheng"].pk]),
            reverse("household-import"),
            "/api/docs/",
            reverse("area-detail", args=[a["g3"].pk]),  # out of scope: the 404 page
        ],
        "street": [reverse("accesslog-list")],
        "grid": [reverse("household-list"), reverse("area-edit", args=[a["g1"].pk])],  # the 403 page
        "resident": [reverse("home"), reverse("household-detail", args=[h["h1"].pk])],
    }


@pytest.mark.parametrize("persona", ["community", "street", "grid", "resident"])
def test_every_page_passes_axe_on_a_phone(page, live_server, login_as, browser_world, persona):
    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(PHONE)
    login_as(persona)
    for path in pages(browser_world)[persona]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        try:
            assert_accessible(page)
        except AssertionError as exc:
            raise AssertionError(f"{persona} {path}: {exc}") from None
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"{persona} {path} scrolls sideways ({width}px)"
    assert foreign == []


def test_login_pages_pass_axe(page, live_server, browser_world):
    page.set_viewport_size(PHONE)
    for path in ("/accounts/login/", "/accounts/login/resident/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
