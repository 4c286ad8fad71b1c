"""Staff pages for households and residents.

Thin views: rows come from `visible_to(request.user)`, changes go through
gridgov.people.actions, and personal numbers are shown masked unless unmasked
through `actions.unmask` (which logs the reason).
"""

import uuid
from collections import defaultdict
from functools import wraps
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.lib.net import client_ip
from gridgov.people import actions
from gridgov.people.exporting import CONTENT_TYPE, export_residents, grid_names
from gridgov.people.models import Household, PartyMember, Resident, ResidentTag, Tag
from gridgov.web.forms import add_errors
from gridgov.web.people.filters import ResidentFilter, describe, private_q
from gridgov.web.people.forms import (
    ExportForm,
    HouseholdForm,
    LookupForm,
    ResidentForm,
    TagRemoveForm,
    TagSetForm,
    UnmaskForm,
)

PAGE_SIZE = 25
PII_FIELDS = ("id_number", "phone")
# Filters folded away on the list page until asked for, to keep it short on a phone.
MORE_FILTERS = ("hukou_status", "separated", "center")
OPEN_TAGS = Prefetch("tags", queryset=ResidentTag.objects.filter(removed_on__isnull=True), to_attr="open_tags")
# Notes, tags and the tag history with its reasons (PIPL sensitive data): staff only,
# not the resident at home or the party member looking after the household.
PRIVATE = "people.view_resident_private"
# Exact searches are kept in the session under an opaque token; the newest few suffice.
LOOKUPS = "people_lookups"
LOOKUPS_KEPT = 20
LOOKUP_LIMIT = 200


def people_staff(view):
    """Pages for those who look after people in some area; others get 403, not an empty page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm("people.view_household"):
            raise PermissionDenied(_("您没有查看住户信息的权限。"))
        return view(request, *args, **kwargs)

    return wrapper


def _visible(request, queryset, pk, perm):
    obj = queryset.visible_to(request.user).filter(pk=pk).first()
    if obj is None:
        # Out of scope looks the same as not there, so ids cannot be probed.
        raise Http404
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    return obj


# --- list and export -----------------------------------------------------------------


def _lookup(request):
    """(token, resident ids) of the exact search named by `?lookup=`; ids is None when
    the token is unknown (another session's, or dropped as too old)."""
    token = request.GET.get("lookup", "")
    if not token:
        return "", None
    return token, request.session.get(LOOKUPS, {}).get(token)


def _people(request):
    """Residents and households to list or export, cut down to the exact search if any."""
    user = request.user
    residents = Resident.objects.visible_to(user)
    households = Household.objects.visible_to(user)
    token, ids = _lookup(request)
    if token:
        residents = residents.filter(pk__in=ids or [])
        households = households.filter(pk__in=residents.values("household_id"))
    return residents, households, token, ids


@people_staff
def household_list(request):
    user = request.user
    residents, households, lookup, lookup_ids = _people(request)
    residents_filter = ResidentFilter(request.GET, queryset=residents, request=request)
    households = residents_filter.households(households).select_related("area")
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    residents = residents_filter.qs
    shown = residents.filter(household__in=[h.pk for h in page]).prefetch_related(OPEN_TAGS)
    by_household = defaultdict(list)
    for resident in shown:
        by_household[resident.household_id].append(resident)
    grids = grid_names({h.area.code for h in page})
    rows = [
        {
            "household": h,
            "grid": grids.get(h.area.code, ""),
            "residents": by_household[h.pk],
            "private": user.has_perm(PRIVATE, h),
        }
        for h in page
    ]
    may_clear_export = user.has_perm("people.unmask_id_number") and user.has_perm("people.unmask_phone")
    return render(
        request,
        "web/people/household_list.html",
        {
            "filter": residents_filter,
            "page": page,
            "rows": rows,
            "household_count": page.paginator.count,
            "resident_count": residents.count(),
            "may_add": user.has_perm("people.add_household"),
            "may_export": user.has_perm("people.export"),
            "may_clear_export": may_clear_export,
            "export_form": ExportForm(auto_id="export_%s"),
            "lookup_form": LookupForm(auto_id="lookup_%s"),
            "lookup": lookup,
            "lookup_expired": bool(lookup) and lookup_ids is None,
            "filter_query": _filter_query(request),
            "more_filters_open": any(request.GET.get(n) for n in MORE_FILTERS),
        },
    )


@people_staff
@never_cache
@require_POST
def household_lookup(request):
    """Exact search by ID or phone number, posted so the numbers stay out of every URL.

    The answer is a redirect to the list with an opaque token (`?lookup=`) that names
    the residents found in this session, so pages, export links and the language
    switcher carry the token, never the number. Only residents whose private data the
    user may see are searched: an exact number is a staff tool, not a neighbour's.
    """
    form = LookupForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("household-list")
    data = form.cleaned_data
    found = Resident.objects.visible_to(request.user).filter(private_q(request.user))
    if data["id_number"]:
        found = found.with_id_number(data["id_number"])
    if data["phone"]:
        found = found.with_phone(data["phone"])
    token = uuid.uuid4().hex
    lookups = request.session.get(LOOKUPS, {})
    lookups[token] = list(found.values_list("pk", flat=True)[:LOOKUP_LIMIT])
    request.session[LOOKUPS] = dict(list(lookups.items())[-LOOKUPS_KEPT:])
    return redirect(f"{reverse('household-list')}?lookup={token}")


def _filter_query(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def household_export(request):
    """GET: the masked list. POST (from the form, so the reason stays out of URLs and
    server logs): clear values when ticked, with a reason."""
    if not request.user.has_perm("people.export"):
        raise PermissionDenied(_("您没有导出名单的权限。"))
    residents, _households, lookup, _ids = _people(request)
    residents_filter = ResidentFilter(request.GET, queryset=residents, request=request)
    back = reverse("household-list") + ("?" + _filter_query(request) if request.GET else "")
    if not residents_filter.is_valid():
        messages.error(request, _("筛选条件有误，未导出。"))
        return redirect(back)
    clear, reason = False, ""
    if request.method == "POST":
        form = ExportForm(request.POST)
        form.is_valid()
        clear, reason = form.cleaned_data.get("clear", False), form.cleaned_data.get("reason", "")
    try:
        content = export_residents(
            request.user,
            residents_filter.qs,
            clear=clear,
            reason=reason,
            under=residents_filter.form.cleaned_data.get("under"),
            description=describe({**residents_filter.clean_values(), **({"lookup": lookup} if lookup else {})}),
            ip=client_ip(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    kind = _("明文") if clear else _("脱敏")
    filename = f"{_('居民名单')}-{kind}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=CONTENT_TYPE)


# --- households ----------------------------------------------------------------------


def _duplicate_message(data):
    address = Household(area=data["area"], unit=data["unit"], room=data["room"]).full_address
    return _("%(address)s 已经登记为一户，请勿重复登记；如需修改请打开该户编辑。") % {"address": address}


def _save_household(request, form, household=None):
    """Create or update through the action; None (and errors on the form) if refused."""
    data = form.cleaned_data
    same_address = Household.objects.visible_to(request.user).filter(
        area=data["area"], unit=data["unit"], room=data["room"]
    )
    if household is not None:
        same_address = same_address.exclude(pk=household.pk)
    if same_address.exists():
        form.add_error("room", _duplicate_message(data))
        return None
    try:
        with transaction.atomic():
            if household is None:
                return actions.create_household(request.user, **data)
            return actions.update_household(request.user, household, **data)
    except ValidationError as exc:
        add_errors(form, exc)
    return None


@people_staff
@require_http_methods(["GET", "POST"])
def household_create(request):
    if not request.user.has_perm("people.add_household"):
        raise PermissionDenied(_("您没有登记住户的权限。"))
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        household = _save_household(request, form)
        if household is not None:
            messages.success(request, _("已登记：%(address)s") % {"address": household.full_address})
            return redirect("household-detail", pk=household.pk)
    return render(request, "web/people/household_form.html", {"form": form, "household": None})


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    household = _visible(request, Household.objects, pk, "people.change_household")
    initial = {f: getattr(household, f) for f in actions.HOUSEHOLD_FIELDS}
    form = HouseholdForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save_household(request, form, household)
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("household-detail", pk=saved.pk)
    return render(request, "web/people/household_form.html", {"form": form, "household": household})


@login_required
def household_detail(request, pk):
    household = _visible(request, Household.objects.select_related("area"), pk, "people.view_household")
    user = request.user
    private = user.has_perm(PRIVATE, household)
    residents = Resident.objects.visible_to(user).filter(household=household)
    if private:
        residents = residents.prefetch_related(OPEN_TAGS)
    members = PartyMember.objects.visible_to(user).filter(responsibility_households=household)
    return render(
        request,
        "web/people/household_detail.html",
        {
            "household": household,
            "path": household.area.path_names(),
            "residents": residents,
            "members": members,
            "private": private,
            "may_edit": user.has_perm("people.change_household", household),
            "may_add_resident": user.has_perm("people.add_resident", household),
        },
    )


# --- residents -----------------------------------------------------------------------


def _resident_page(request, resident, revealed=None, status=200):
    """The resident page; `revealed` = (field, clear value or None, form) for the field
    just asked for, so the page also works as a plain POST without JavaScript."""
    user = request.user
    pii = [_pii_item(request, resident, field, revealed) for field in PII_FIELDS]
    member = PartyMember.objects.visible_to(user).filter(resident=resident).select_related("party_org").first()
    private = user.has_perm(PRIVATE, resident)
    history = []
    if private:
        history = list(resident.tags.select_related("set_by", "removed_by").order_by("-set_on", "tag"))
    may_tag = user.has_perm("people.add_residenttag", resident)
    return render(
        request,
        "web/people/resident_detail.html",
        {
            "resident": resident,
            "household": resident.household,
            "pii": pii,
            "member": member,
            "private": private,
            "history": history,
            "open_tags": [t for t in history if t.removed_on is None],
            "may_edit": user.has_perm("people.change_resident", resident),
            "may_tag": may_tag,
            "may_untag": user.has_perm("people.change_residenttag", resident),
            "tag_form": TagSetForm(auto_id="tag_%s") if may_tag else None,
        },
        status=status,
    )


def _pii_item(request, resident, field, revealed=None):
    masked = getattr(resident, f"{field}_masked")
    item = {
        "field": field,
        "label": _("身份证号") if field == "id_number" else _("手机号"),
        "masked": masked,
        "may_unmask": bool(masked) and request.user.has_perm(f"people.unmask_{field}", resident),
        "form": UnmaskForm(auto_id=f"unmask_{field}_%s"),
        "clear": None,
        "resident": resident,
    }
    if revealed and revealed[0] == field:
        item["clear"], item["form"] = revealed[1], revealed[2]
    return item


@login_required
def resident_detail(request, pk):
    resident = _visible(request, Resident.objects.select_related("household__area"), pk, "people.view_resident")
    return _resident_page(request, resident)


@login_required
@never_cache
@require_POST
def resident_unmask(request, pk, field):
    if field not in PII_FIELDS:
        raise Http404
    resident = _visible(request, Resident.objects.select_related("household__area"), pk, "people.view_resident")
    if not request.user.has_perm(f"people.unmask_{field}", resident):
        raise PermissionDenied(_("您没有查看明文的权限。"))
    form = UnmaskForm(request.POST, auto_id=f"unmask_{field}_%s")
    clear = None
    if form.is_valid():
        try:
            clear = actions.unmask(request.user, resident, field, form.cleaned_data["reason"], ip=client_ip(request))
        except ValidationError as exc:
            form.add_error("reason", exc)
    if request.htmx:
        item = _pii_item(request, resident, field, (field, clear, form))
        return render(request, "web/people/_pii_field.html", {"item": item})
    return _resident_page(request, resident, revealed=(field, clear, form))


@login_required
@require_http_methods(["GET", "POST"])
def resident_create(request, pk):
    household = _visible(request, Household.objects.select_related("area"), pk, "people.add_resident")
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, id_number, phone = form.action_values()
        try:
            with transaction.atomic():
                resident = actions.create_resident(
                    request.user, household=household, id_number=id_number, phone=phone, **values
                )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已添加居民：%(name)s") % {"name": resident.name})
            return redirect("resident-detail", pk=resident.pk)
    return render(request, "web/people/resident_form.html", {"form": form, "household": household, "resident": None})


@login_required
@require_http_methods(["GET", "POST"])
def resident_edit(request, pk):
    resident = _visible(request, Resident.objects.select_related("household__area"), pk, "people.change_resident")
    initial = {f: getattr(resident, f) for f in actions.RESIDENT_FIELDS if f != "household"}
    form = ResidentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        values, id_number, phone = form.action_values()
        try:
            with transaction.atomic():
                actions.update_resident(request.user, resident, id_number=id_number, phone=phone, **values)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("resident-detail", pk=resident.pk)
    return render(
        request,
        "web/people/resident_form.html",
        {"form": form, "household": resident.household, "resident": resident},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_tag_set(request, pk):
    resident = _visible(request, Resident.objects.select_related("household__area"), pk, "people.add_residenttag")
    form = TagSetForm(request.POST or None, auto_id="tag_%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_tag(request.user, resident, data["tag"], on=data["on"], reason=data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已添加标签：%(tag)s") % {"tag": Tag(data["tag"]).label})
            return redirect("resident-detail", pk=resident.pk)
    return render(
        request,
        "web/people/tag_form.html",
        {"form": form, "resident": resident, "title": _("添加标签"), "submit": _("添加")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_tag_remove(request, pk, tag):
    resident = _visible(request, Resident.objects.select_related("household__area"), pk, "people.change_residenttag")
    if tag not in Tag.values or not resident.tags.filter(tag=tag, removed_on__isnull=True).exists():
        raise Http404
    form = TagRemoveForm(request.POST or None, auto_id="tag_%s")
    if request.method == "POST" and form.is_valid():
        try:
            actions.remove_tag(
                request.user, resident, tag, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            # The only refusal left is a date before the tag was set.
            form.add_error("on", exc)
        else:
            messages.success(request, _("已移除标签：%(tag)s") % {"tag": Tag(tag).label})
            return redirect("resident-detail", pk=resident.pk)
    title = _("移除标签：%(tag)s") % {"tag": Tag(tag).label}
    return render(
        request,
        "web/people/tag_form.html",
        {"form": form, "resident": resident, "title": title, "submit": _("移除")},
    )
