"""统计: completion, overdue and lagging units over what the person may read."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from units.models import Unit

from ..lights import Light
from ..models import (
    Assignment,
    AssignmentState,
    Task,
)
from .access import (
    _calendar_warnings,
)


@login_required
def stats(request):
    """统计: completion counts, overdue, and the units lagging most, over what the person may read."""
    today = timezone.localdate()
    visible = Assignment.objects.visible_to(request.user)
    by_state = dict(visible.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    state_rows = [(label, by_state.get(value, 0)) for value, label in AssignmentState.choices]
    # One grouped query, judged in the database (lights.light_annotation): no row is loaded.
    per_light = visible.with_light(today).values("unit_id", "state", "light_code").annotate(n=Count("id"))
    unit_names = {u.pk: u for u in Unit.objects.filter(pk__in={row["unit_id"] for row in per_light})}
    per_unit: dict[int, dict] = {}
    light_counts = dict.fromkeys(Light, 0)
    for group in per_light:
        row = per_unit.setdefault(
            group["unit_id"],
            {"unit": unit_names[group["unit_id"]], "total": 0, "done": 0, "open": 0, "overdue": 0, "yellow": 0},
        )
        n, light = group["n"], Light(group["light_code"])
        light_counts[light] += n
        row["total"] += n
        row["done" if group["state"] == AssignmentState.DONE else "open"] += n
        row["overdue"] += n if light == Light.RED else 0
        row["yellow"] += n if light == Light.YELLOW else 0
    units = sorted(per_unit.values(), key=lambda r: (-r["overdue"], -r["yellow"], -r["open"], str(r["unit"])))
    for row in units:
        row["rate"] = round(100 * row["done"] / row["total"]) if row["total"] else 0
    chart = {
        "labels": [str(r["unit"]) for r in units[:15]],
        "done": [r["done"] for r in units[:15]],
        "open": [r["open"] - r["overdue"] for r in units[:15]],
        "overdue": [r["overdue"] for r in units[:15]],
    }
    tasks = Task.objects.visible_to(request.user)
    ctx = {
        "state_rows": state_rows,
        "lights": [(light.label, light_counts[light], light.value) for light in Light],
        "units": units,
        "chart": chart,
        "task_total": tasks.count(),
        "task_done": tasks.filter(state=AssignmentState.DONE).count(),
        "overdue_total": light_counts[Light.RED],
        "warnings": _calendar_warnings(request, today),
    }
    return render(request, "tasks/stats.html", ctx)
