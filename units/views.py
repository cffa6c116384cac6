"""Pages of the unit registry: list, detail, the 未识别名称 queue and merging two units.

Everyone signed in reads the registry; only the supervision office (user.is_supervisor)
changes it. Changes go through units.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.guards import require_supervisor

from . import services
from .forms import MergeForm
from .models import Membership, Unit, UnitAlias, UnitEvent, UnitGroup, UnitKind, UnresolvedName
from .paging import slice_page
from .registry import registry_from_db

SEARCH_MAX = 50
UNITS_PER_PAGE = 100


def _count_of(rows):
    """COUNT(*) of `rows` (a queryset correlated with OuterRef) as an integer annotation, 0 when none."""
    counted = rows.order_by().values("unit").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _require_supervisor(user) -> None:
    require_supervisor(user, "只有督查室可以修改单位名录")


# The units' shares of work (tasks.Assignment, reverse name "assignments") still open. units/
# imports nothing from the apps above it: the lookup goes through the relation's name, and a
# share is closed exactly when its state is "done" (tasks.states.AssignmentState.DONE).
OPEN_ASSIGNMENTS = ~Q(assignments__state="done")


def _open_assignments_filter():
    return OPEN_ASSIGNMENTS


def _targets():
    """What an unknown name may be mapped to: active units and groups, for the picker."""
    units = Unit.objects.active().only("pk", "name", "short_name", "kind")
    groups = UnitGroup.objects.only("pk", "name")
    return units, groups


def _parse_target(value: str):
    kind, _, pk = (value or "").partition(":")
    if not pk.isdigit():
        return None, None
    if kind == "unit":
        return get_object_or_404(Unit, pk=pk, active=True), None
    if kind == "group":
        return None, get_object_or_404(UnitGroup, pk=pk)
    return None, None


@login_required
def unit_list(request):
    kind = request.GET.get("kind", "")
    query = "".join(request.GET.get("q", "").split())[:SEARCH_MAX]
    show_retired = request.GET.get("retired") == "1"
    units = Unit.objects.select_related("parent", "successor")
    if not show_retired:
        units = units.active()
    if kind in UnitKind.values:
        units = units.filter(kind=kind)
    else:
        kind = ""
    if query:
        # The aliases as a subquery, not a join: no DISTINCT over the page (its counts below are
        # then worked out for the page's rows only).
        aliases = UnitAlias.objects.filter(alias__contains=query).values("unit")
        units = units.filter(Q(name__contains=query) | Q(short_name__contains=query) | Q(pk__in=aliases))
    # Counted per row of the page (correlated subqueries, evaluated after the LIMIT), not by
    # joining every unit's members and shares: that join grew with the work of the whole district.
    units = units.annotate(member_count=_count_of(Membership.objects.filter(unit=OuterRef("pk"))))
    open_filter = _open_assignments_filter()
    if open_filter is not None:
        shares = Unit._meta.get_field("assignments").related_model.objects.filter(unit=OuterRef("pk"))
        units = units.annotate(open_assignments=_count_of(shares.exclude(state="done")))
    page = slice_page(units.order_by("sort_order", "name", "id"), request.GET.get("page"), UNITS_PER_PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "units/unit_list.html",
        {
            "units": page.rows,
            "page": page,
            "query_without_page": f"&{params.urlencode()}" if params else "",
            "kinds": UnitKind.choices,
            "kind": kind,
            "q": query,
            "show_retired": show_retired,
            "has_assignments": open_filter is not None,
            "can_change": request.user.is_supervisor,
            "open_unresolved": UnresolvedName.objects.filter(resolved_at__isnull=True).count(),
        },
    )


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("parent", "successor"), pk=pk)
    open_filter = _open_assignments_filter()
    open_assignments = None
    if open_filter is not None:
        open_assignments = Unit.objects.filter(pk=unit.pk).aggregate(n=Count("assignments", filter=open_filter))["n"]
    context = {
        "unit": unit,
        "aliases": unit.aliases.select_related("created_by"),
        "memberships": Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__username"),
        "events": UnitEvent.objects.filter(unit=unit).select_related("actor")[:100],
        "predecessors": unit.predecessors.order_by("name"),
        "children": unit.children.active(),
        "groups": unit.groups.order_by("name"),
        "current": unit.current() if not unit.active else None,
        "open_assignments": open_assignments,
        "can_change": request.user.is_supervisor,
    }
    return render(request, "units/unit_detail.html", context)


@login_required
@require_POST
def alias_add(request, pk):
    _require_supervisor(request.user)
    unit = get_object_or_404(Unit, pk=pk)
    try:
        alias = services.add_alias(unit, request.POST.get("alias", ""), actor=request.user)
    except services.RegistryError as e:
        messages.error(request, str(e))
    else:
        if alias is None:
            messages.info(request, "该写法已登记，无需重复添加。")
        else:
            messages.success(request, f"已添加别名“{alias.alias}”。")
    return redirect("units:detail", pk=unit.pk)


@login_required
def unresolved(request):
    if not request.user.reads_everything:
        raise PermissionDenied("未识别名称队列由督查室处理")
    open_names = list(UnresolvedName.objects.filter(resolved_at__isnull=True).order_by("-occurrences", "text")[:200])
    if open_names:
        registry = registry_from_db()
        for entry in open_names:
            entry.suggestions = registry.suggest(entry.text)
            entry.select_id = f"target-{entry.pk}"
    mapped = UnresolvedName.objects.filter(resolved_at__isnull=False).select_related(
        "resolved_unit", "resolved_group", "resolved_by"
    )
    units, groups = _targets()
    return render(
        request,
        "units/unresolved.html",
        {
            "open_names": open_names,
            "mapped": mapped.order_by("-resolved_at")[:50],
            "units": units,
            "groups": groups,
            "can_change": request.user.is_supervisor,
        },
    )


@login_required
@require_POST
def unresolved_map(request, pk):
    _require_supervisor(request.user)
    entry = get_object_or_404(UnresolvedName, pk=pk, resolved_at__isnull=True)
    unit, group = _parse_target(request.POST.get("target", ""))
    try:
        services.map_unresolved(entry, unit=unit, group=group, actor=request.user)
    except services.RegistryError as e:
        messages.error(request, f"“{entry.text}”：{e}")
    else:
        messages.success(request, f"“{entry.text}”已对应到{unit or group}，以后导入时自动识别。")
    return redirect("units:unresolved")


@login_required
def merge(request):
    """Pick two units (GET), confirm what will move (POST), merge (POST with confirm)."""
    _require_supervisor(request.user)
    units = Unit.objects.active().only("pk", "name", "short_name")
    if request.method != "POST":
        source_id = request.GET.get("source", "")
        return render(request, "units/merge.html", {"units": units, "source_id": source_id})
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择要合并的两个在用单位。")
        source_id = request.POST.get("source", "")
        context = {"units": units, "source_id": source_id if source_id.isdigit() else ""}
        return render(request, "units/merge.html", context, status=400)
    source, target = form.cleaned_data["source"], form.cleaned_data["target"]
    if source.pk == target.pk:
        messages.error(request, "请选择两个不同的单位。")
        return render(request, "units/merge.html", {"units": units, "source_id": str(source.pk)})
    if request.POST.get("confirm") != "1":
        open_filter = _open_assignments_filter()
        summary = {
            "aliases": source.aliases.count(),
            "members": source.memberships.count(),
            "groups": source.groups.count(),
            "open_assignments": (
                Unit.objects.filter(pk=source.pk).aggregate(n=Count("assignments", filter=open_filter))["n"]
                if open_filter is not None
                else None
            ),
        }
        return render(request, "units/merge_confirm.html", {"source": source, "target": target, "summary": summary})
    try:
        services.merge_units(source, target, actor=request.user)
    except services.RegistryError as e:
        messages.error(request, str(e))
        return redirect("units:merge")
    messages.success(request, f"{source.name} 已并入 {target.name}。")
    return redirect("units:detail", pk=target.pk)
