import pytest

from gridgov.audit.models import Action, record
from gridgov.people.models import PartyMember
from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, no_external_requests

pytestmark = pytest.mark.browser

SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])


def shot(page, name, size):
    label = "phone" if size == PHONE else "desktop"
    page.screenshot(path=f"/tmp/party-{name}-{label}.png", full_page=True)


@SIZES
def test_community_staff_walks_the_party_tree_and_sets_responsibility_households(
    page, live_server, login_as, browser_world, size
):
    world = browser_world
    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(size)
    login_as("community", "/party/")

    # The tree: the committee, and its branch folded under it.
    assert page.locator("h1").inner_text() == "党组织"
    branch = page.get_by_role("link", name="甲一网格党支部")
    assert branch.is_visible()
    assert page.get_by_text("乙社区党委").count() == 0
    assert_accessible(page)
    shot(page, "tree", size)

    branch.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "甲一网格党支部"
    assert page.get_by_role("link", name="甲社区党委").is_visible()
    assert_accessible(page)
    shot(page, "org", size)

    page.get_by_role("navigation", name="党建").get_by_role("link", name="党员", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "党员"
    page.select_option("#id_relation", "yes")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")
    assert "relation=yes" in page.url
    assert_accessible(page)
    shot(page, "members", size)

    page.get_by_role("link", name="郑党员").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "郑党员"
    assert "责任田（1 户）" in page.content()
    assert_accessible(page)
    page.get_by_label("甲1栋1单元102室").check()
    page.get_by_role("button", name="保存责任田").click()
    page.wait_for_load_state("networkidle")
    assert "已更新郑党员的责任田。" in page.locator(".messages").inner_text()
    assert "责任田（2 户）" in page.content()
    assert_accessible(page)
    shot(page, "member", size)

    zheng = world.members["zheng"]
    assert set(zheng.responsibility_households.values_list("room", flat=True)) == {"101", "102"}
    assert foreign == []


@SIZES
def test_community_staff_creates_a_branch_and_sees_the_error_for_a_wrong_kind(
    page, live_server, login_as, browser_world, size
):
    world = browser_world
    page.set_viewport_size(size)
    login_as("community", f"/party/orgs/new/?parent={world.orgs['branch1'].pk}")
    assert page.locator("h1").inner_text() == "新建党组织"
    assert_accessible(page)
    page.fill("#id_name", "错误的党委")
    page.select_option("#id_kind", "committee")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert "党委不能设在党支部之下。" in page.content()
    assert_accessible(page)
    shot(page, "org-form-error", size)

    page.fill("#id_name", "甲1栋党小组")
    page.select_option("#id_kind", "group")
    page.select_option("#id_area", label="甲1栋（楼栋 370602001001001001）")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "甲1栋党小组"
    assert "已新建党组织“甲1栋党小组”。" in page.locator(".messages").inner_text()


@SIZES
def test_community_staff_edits_a_branch_then_revokes_it(page, live_server, login_as, browser_world, size):
    world = browser_world
    branch = world.orgs["branch1"]
    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(size)
    login_as("community", f"/party/orgs/{branch.pk}/")
    page.get_by_role("link", name="编辑", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "编辑党组织：甲一网格党支部"
    assert page.input_value("#id_name") == "甲一网格党支部"
    assert page.get_by_label("在用").is_checked()
    assert_accessible(page)
    shot(page, "org-edit", size)

    # A wrong kind comes back from the model, on the kind field, and nothing is saved.
    page.fill("#id_name", "甲二网格党支部")
    page.select_option("#id_kind", "committee")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert "党委不能设在党委之下。" in page.locator("#id_kind_error").inner_text()
    assert_accessible(page)
    shot(page, "org-edit-error", size)
    branch.refresh_from_db()
    assert branch.name == "甲一网格党支部"

    page.select_option("#id_kind", "branch")
    page.select_option("#id_area", label="甲二网格（网格 370602001001002）")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "甲二网格党支部"
    assert "已保存党组织“甲二网格党支部”。" in page.locator(".messages").inner_text()
    branch.refresh_from_db()
    assert (branch.name, branch.area_id) == ("甲二网格党支部", world.areas["g2"].pk)

    # A branch with members on its roll cannot be revoked; move them first.
    PartyMember.objects.filter(party_org=branch).update(party_org=world.orgs["committee"])
    page.get_by_role("link", name="编辑", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("已撤销（停用）").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert "已撤销党组织“甲二网格党支部”。" in page.locator(".messages").inner_text()
    assert_accessible(page)

    page.get_by_role("navigation", name="党建").get_by_role("link", name="党组织", exact=True).click()
    page.wait_for_load_state("networkidle")
    revoked = page.locator(".party-inactive")
    assert revoked.count() == 1
    assert "甲二网格党支部" in revoked.inner_text()
    assert revoked.locator(".party-revoked").inner_text() == "已撤销"
    assert_accessible(page)
    shot(page, "tree-revoked", size)
    assert foreign == []


@SIZES
def test_auditor_reads_the_access_log_and_verifies_the_chain(page, live_server, login_as, browser_world, size):
    world = browser_world
    record(
        world.user("community"),
        Action.UNMASK,
        "people.Resident:1 张大爷",
        "核对低保材料",
        field="phone",
        area_code="370602001001001",
        ip="10.0.0.8",
    )
    record(world.user("street"), Action.EXPORT, "住户名单", "上报区民政局", area_code="370602001")
    record(world.user("street"), Action.EXPORT, "外街道名单", "外街道导出", area_code="999999001")
    foreign = no_external_requests(page, live_server)
    page.set_viewport_size(size)
    login_as("auditor", "/audit/")
    assert page.locator("h1").inner_text() == "访问日志"
    assert "核对低保材料" in page.content()
    assert "外街道导出" not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="校验日志链").click()
    page.wait_for_load_state("networkidle")
    assert "日志链完整，共 3 条" in page.locator(".messages").inner_text()
    assert_accessible(page)
    shot(page, "accesslog", size)
    assert foreign == []
