"""Staff pages for the area tree: the tree, one area with its map, and the create/edit form.

The views stay thin: reads go through `visible_to`, writes through gridgov.org.actions,
and the map gets its data as JSON (json_script) for static/gridgov/areas.js.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.lib import areacode
from gridgov.org import actions
from gridgov.org.models import BOUNDED_LEVELS, Area, PartyOrg
from gridgov.people.models import Household
from gridgov.web.areas.forms import AreaForm
from gridgov.web.forms import add_errors

# The tree opens the street and its communities by default; deeper levels (hundreds of buildings
# in a real street) stay folded until asked for.
OPEN_DEPTH = 1


@dataclass
class Node:
    area: Area
    households: int = 0
    children: list = field(default_factory=list)
    matched: bool = False
    open: bool = False


def household_counts(user, codes, within=None):
    """Households the user may see, summed over each area's subtree, keyed by area code.
    `within` limits the count to one subtree (a detail page needs no city-wide sums)."""
    wanted = set(codes)
    totals = dict.fromkeys(wanted, 0)
    households = Household.objects.visible_to(user)
    if within:
        households = households.filter(area__code__startswith=within)
    rows = households.values("area__code").annotate(n=Count("id"))
    for row in rows:
        for code in areacode.ancestors(row["area__code"]):
            if code in wanted:
                totals[code] += row["n"]
    return totals


def build_tree(areas, counts, matched=frozenset(), open_all=False):
    nodes, roots = {}, []
    for area in sorted(areas, key=lambda a: a.code):
        node = Node(
            area,
            households=counts.get(area.code, 0),
            matched=area.code in matched,
            open=open_all or area.depth <= OPEN_DEPTH,
        )
        nodes[area.code] = node
        parent = nodes.get(areacode.parent_code(area.code))
        (parent.children if parent else roots).append(node)
    return roots


@login_required
def area_list(request):
    visible = Area.objects.visible_to(request.user)
    query = request.GET.get("q", "").strip()
    matched = set()
    if query:
        hits = visible.filter(Q(name__icontains=query) | Q(code__startswith=query))
        matched = set(hits.values_list("code", flat=True))
        # Keep the path to every hit so each one is shown where it sits in the tree.
        wanted = {code for hit in matched for code in areacode.ancestors(hit)}
        areas = list(visible.filter(code__in=wanted))
    else:
        areas = list(visible)
    counts = household_counts(request.user, [a.code for a in areas])
    roots = build_tree(areas, counts, matched=matched, open_all=bool(query))
    return render(
        request,
        "web/areas/list.html",
        {"roots": roots, "query": query, "match_count": len(matched), "area_count": len(areas)},
    )


def _feature(area, role, url=None):
    return {"name": area.name, "code": area.code, "role": role, "url": url, "geometry": area.boundary}


def map_config(features):
    tiles = None
    if settings.MAP_TILE_URL:
        tiles = {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
    return {
        "features": [f for f in features if f["geometry"]],
        "tiles": tiles,
        "labels": {"zoomIn": _("放大"), "zoomOut": _("缩小")},
    }


@login_required
def area_detail(request, pk):
    visible = Area.objects.visible_to(request.user)
    area = get_object_or_404(visible, pk=pk)
    ancestors = [a for a in area.ancestors() if a.pk != area.pk]
    children = list(visible.filter(parent=area))
    counts = household_counts(request.user, [area.code] + [c.code for c in children], within=area.code)
    child_rows = [{"area": c, "households": counts.get(c.code, 0), "children": 0} for c in children]
    grandchildren = {
        row["parent_id"]: row["n"]
        for row in visible.filter(parent__in=children).values("parent_id").annotate(n=Count("id"))
    }
    for row in child_rows:
        row["children"] = grandchildren.get(row["area"].pk, 0)

    features = [_feature(c, "child", reverse("area-detail", args=[c.pk])) for c in children]
    if area.boundary:
        features.insert(0, _feature(area, "self"))
    else:
        # Without a boundary of its own (a building, or one not drawn yet) show where it lies.
        drawn = [a for a in ancestors if a.boundary]
        if drawn:
            features.insert(0, _feature(drawn[-1], "context"))
    return render(
        request,
        "web/areas/detail.html",
        {
            "area": area,
            "ancestors": ancestors,
            "children": child_rows,
            "households": counts.get(area.code, 0),
            "party_orgs": PartyOrg.objects.visible_to(request.user).filter(area=area).select_related("parent"),
            "map_data": map_config(features),
            "child_shapes": any(c.boundary for c in children),
            "can_change": request.user.has_perm("org.change_area", area),
            "can_add": request.user.has_perm("org.add_area", area),
        },
    )


def _form_map(user, parent, area=None):
    """The parent's outline and the siblings greyed, so a new boundary is drawn among its neighbours."""
    features = []
    if parent is not None and parent.boundary:
        features.append(_feature(parent, "context"))
    siblings = Area.objects.visible_to(user).filter(parent=parent, boundary__isnull=False)
    if area is not None:
        siblings = siblings.exclude(pk=area.pk)
    features += [_feature(s, "sibling") for s in siblings]
    return map_config(features)


def _render_form(request, form, parent, area=None):
    return render(
        request,
        "web/areas/form.html",
        {
            "form": form,
            "parent": parent,
            "area": area,
            # The path down to the parent, and to the area itself when editing it.
            "crumbs": (list(parent.ancestors()) if parent else []) + ([area] if area else []),
            "map_data": _form_map(request.user, parent, area),
            "bounded_levels": sorted(BOUNDED_LEVELS),
        },
    )


@login_required
def area_create(request, parent_pk):
    parent = get_object_or_404(Area.objects.visible_to(request.user), pk=parent_pk)
    if not request.user.has_perm("org.add_area", parent):
        raise PermissionDenied(_("您没有在此区域下新建区域的权限。"))
    form = AreaForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = actions.create_area(
                request.user,
                parent=parent,
                name=data["name"],
                level=data["level"],
                code=data["code"] or None,
                boundary=data["boundary"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已新建区域“%(name)s”。") % {"name": area.name})
            return redirect("area-detail", pk=area.pk)
    return _render_form(request, form, parent)


@login_required
def area_edit(request, pk):
    area = get_object_or_404(Area.objects.visible_to(request.user).select_related("parent"), pk=pk)
    if not request.user.has_perm("org.change_area", area):
        raise PermissionDenied(_("您没有修改此区域的权限。"))
    initial = {
        "name": area.name,
        "level": area.level,
        "boundary": area.boundary,
        "note": area.note,
        "is_active": area.is_active,
    }
    form = AreaForm(request.POST or None, initial=initial, parent=area.parent, area=area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            area = actions.update_area(
                request.user,
                area,
                name=data["name"],
                level=data["level"],
                boundary=data["boundary"],
                note=data["note"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("已保存区域“%(name)s”。") % {"name": area.name})
            return redirect("area-detail", pk=area.pk)
    return _render_form(request, form, area.parent, area)
