"""Staff pages for party organisations (党组织) and party members (党员)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.lib.errors import require
from gridgov.org.actions import create_party_org, update_party_org
from gridgov.org.models import PARTY_RANK, PartyOrg, PartyOrgKind
from gridgov.people.actions import set_responsibility_households
from gridgov.people.models import Household, PartyMember, Resident
from gridgov.web.forms import add_errors
from gridgov.web.party.forms import PartyMemberFilter, PartyOrgFilter, PartyOrgForm, ResponsibilityForm

MEMBERS_PER_PAGE = 50


def url_or_none(name, *args):
    """A link to a page another part of the UI may not provide (yet): no page, no link."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _orgs_with_counts(qs):
    return qs.select_related("area", "parent").annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
    )


def _build_tree(orgs):
    """Nest the orgs: each root is an org whose parent is not among those shown."""
    by_id = {org.pk: org for org in orgs}
    for org in orgs:
        org.nodes = []
    roots = []
    for org in sorted(orgs, key=lambda o: (PARTY_RANK[o.kind], o.area.code, o.name)):
        parent = by_id.get(org.parent_id)
        (parent.nodes if parent else roots).append(org)

    # The top two levels start open: a community sees its branches at once, while a
    # street's hundreds of groups stay folded until asked for.
    def mark(nodes, depth):
        for org in nodes:
            org.is_root = depth == 0
            org.open = depth < 2
            mark(org.nodes, depth + 1)

    mark(roots, 0)
    return roots


def _subtree_totals(visible):
    """Active members of each org and every org below it that the user can see.

    Taken over all visible orgs, not the filtered ones, so that filtering by kind does
    not make a committee look empty."""
    rows = list(
        visible.annotate(n=Count("members", filter=Q(members__is_active=True))).values_list("pk", "parent_id", "n")
    )
    own = {pk: n for pk, _parent, n in rows}
    children = {}
    for pk, parent, _n in rows:
        children.setdefault(parent, []).append(pk)
    totals = {}

    def total(pk, seen=()):
        if pk not in totals:
            totals[pk] = own[pk] + sum(total(c, (*seen, pk)) for c in children.get(pk, ()) if c not in seen)
        return totals[pk]

    for pk in own:
        total(pk)
    return totals


@login_required
def partyorg_list(request):
    require(request.user, "org.view_partyorg")
    visible = PartyOrg.objects.visible_to(request.user)
    filterset = PartyOrgFilter(request.GET or None, queryset=_orgs_with_counts(visible), request=request)
    orgs = list(filterset.qs)
    totals = _subtree_totals(visible)
    for org in orgs:
        org.member_total = totals.get(org.pk, org.member_count)
    return render(
        request,
        "web/party/org_list.html",
        {
            "filter": filterset,
            "roots": _build_tree(orgs),
            "total": len(orgs),
            "can_add": request.user.has_perm("org.add_partyorg"),
        },
    )


@login_required
def partyorg_detail(request, pk):
    require(request.user, "org.view_partyorg")
    visible = PartyOrg.objects.visible_to(request.user)
    org = get_object_or_404(_orgs_with_counts(visible), pk=pk)
    parent = visible.filter(pk=org.parent_id).select_related("area").first() if org.parent_id else None
    children = _orgs_with_counts(visible.filter(parent=org)).order_by("kind", "area__code", "name")
    members = (
        PartyMember.objects.visible_to(request.user)
        .filter(party_org=org)
        .select_related("area")
        .annotate(duty_count=Count("responsibility_households", distinct=True))
    )
    return render(
        request,
        "web/party/org_detail.html",
        {
            "org": org,
            "parent": parent,
            "parent_hidden": org.parent_id is not None and parent is None,
            "children": children,
            "members": members,
            "can_add": request.user.has_perm("org.add_partyorg", org),
            "can_change": request.user.has_perm("org.change_partyorg", org),
        },
    )


# What a new child usually is: a community committee mostly sets branches straight on
# its grids; a 党总支 is the exception, so it is not the default.
USUAL_CHILD = {
    PartyOrgKind.WORKING_COMMITTEE: PartyOrgKind.COMMITTEE,
    PartyOrgKind.COMMITTEE: PartyOrgKind.BRANCH,
    PartyOrgKind.GENERAL_BRANCH: PartyOrgKind.BRANCH,
    PartyOrgKind.BRANCH: PartyOrgKind.GROUP,
    PartyOrgKind.GROUP: PartyOrgKind.GROUP,
}


@login_required
@require_http_methods(["GET", "POST"])
def partyorg_create(request):
    require(request.user, "org.add_partyorg")
    parent = None
    if request.GET.get("parent", "").isdigit():
        parent = PartyOrg.objects.visible_to(request.user).filter(pk=request.GET["parent"]).first()
    if request.method == "POST":
        form = PartyOrgForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                org = create_party_org(request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已新建党组织“%(name)s”。") % {"name": org.name})
                return redirect("partyorg-detail", pk=org.pk)
    else:
        initial = {"kind": USUAL_CHILD[parent.kind] if parent else PartyOrgKind.COMMITTEE}
        if parent is not None:
            initial["parent"] = parent.pk
            if request.user.has_perm("org.add_partyorg", parent.area):
                initial["area"] = parent.area.pk
        form = PartyOrgForm(initial=initial, user=request.user)
    return render(request, "web/party/org_form.html", {"form": form, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def partyorg_edit(request, pk):
    # Refused before the lookup, so people with no say over any org get 403, not 404.
    require(request.user, "org.change_partyorg")
    org = get_object_or_404(PartyOrg.objects.visible_to(request.user).select_related("area", "parent"), pk=pk)
    require(request.user, "org.change_partyorg", org)
    if request.method == "POST":
        form = PartyOrgForm(request.POST, user=request.user, org=org)
        if form.is_valid():
            try:
                saved = update_party_org(request.user, org, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if org.is_active and not saved.is_active:
                    note = _("已撤销党组织“%(name)s”。")
                elif saved.is_active and not org.is_active:
                    note = _("已恢复党组织“%(name)s”。")
                else:
                    note = _("已保存党组织“%(name)s”。")
                messages.success(request, note % {"name": saved.name})
                return redirect("partyorg-detail", pk=saved.pk)
    else:
        form = PartyOrgForm(
            initial={
                "name": org.name,
                "kind": org.kind,
                "parent": org.parent_id,
                "area": org.area_id,
                "joint_type": org.joint_type,
                "founded_on": org.founded_on,
                "is_active": org.is_active,
            },
            user=request.user,
            org=org,
        )
    return render(request, "web/party/org_form.html", {"form": form, "org": org})


@login_required
def partymember_list(request):
    require(request.user, "people.view_partymember")
    members = (
        PartyMember.objects.visible_to(request.user)
        .select_related("area", "party_org")
        .annotate(duty_count=Count("responsibility_households", distinct=True))
        .order_by("area__code", "name", "pk")
    )
    filterset = PartyMemberFilter(request.GET or None, queryset=members, request=request)
    qs = filterset.qs
    page = Paginator(qs, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    summary = {"total": page.paginator.count, "uncovered": qs.filter(duty_count=0).count()}
    return render(
        request,
        "web/party/member_list.html",
        {"filter": filterset, "page_obj": page, "summary": summary},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partymember_detail(request, pk):
    require(request.user, "people.view_partymember")
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user).select_related("area", "party_org", "resident"), pk=pk
    )
    can_change = request.user.has_perm("people.change_partymember", member)
    form = None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("您没有修改党员责任田的权限。"))
        form = ResponsibilityForm(request.POST, user=request.user, member=member)
        if form.is_valid():
            try:
                set_responsibility_households(request.user, member, form.cleaned_data["households"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("已更新%(name)s的责任田。") % {"name": member.name})
                return redirect("partymember-detail", pk=member.pk)
    elif can_change:
        form = ResponsibilityForm(
            initial={"households": list(member.responsibility_households.values_list("pk", flat=True))},
            user=request.user,
            member=member,
        )
    # A member may serve across a grid line; the viewer sees only the households and the
    # home that are in their own scope, and a count of the rest.
    duty = member.responsibility_households.all()
    visible_duty = Household.objects.visible_to(request.user).filter(pk__in=duty.values("pk"))
    households = [
        {"household": h, "url": url_or_none("household-detail", h.pk)}
        for h in visible_duty.select_related("area").order_by("area__code", "unit", "room")
    ]
    hidden_households = duty.count() - len(households)
    resident_visible = (
        member.resident_id is not None
        and Resident.objects.visible_to(request.user).filter(pk=member.resident_id).exists()
    )
    org_visible = (
        member.party_org_id is not None
        and PartyOrg.objects.visible_to(request.user).filter(pk=member.party_org_id).exists()
    )
    resident_url = url_or_none("resident-detail", member.resident_id) if resident_visible else None
    return render(
        request,
        "web/party/member_detail.html",
        {
            "member": member,
            "households": households,
            "form": form,
            "org_visible": org_visible,
            "resident_url": resident_url,
            "resident_visible": resident_visible,
            "hidden_households": hidden_households,
        },
    )
