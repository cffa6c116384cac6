"""The figures of the 统计看板, computed in grouped SQL, each with the ledger link that lists
exactly the rows it counts.

One definition for both: the rows behind the dashboard are the ledger's own filter set
(tasks.filters.AssignmentFilter) applied to the dashboard's filters, and every number's link is
those same filters plus the one condition that number adds (unit + role + light, state, …).
A figure counting tasks links to the ledger by task, a figure counting shares (one unit's part
of a task, 承办) links to the ledger by share (`view=shares`).

Burden-reduction rule (减负): units are compared by outcomes only (assigned, done, done on time,
overdue, extensions); nothing here counts logins, clicks, words or how many reports were made.
"""

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote_plus, urlencode

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from documents.models import SourceDocument
from tasks.filters import NONE, Asker, AssignmentFilter
from tasks.lights import (
    SEVERITY,
    Light,
    effective_deadline_annotation,
    finished_day_annotation,
    light_annotation,
    overdue_parts,
    severity_annotation,
)
from tasks.models import Assignment, AssignmentRole, AssignmentState
from units.models import Unit
from workdays import calendar

from . import counting

# The dashboard's own filters, by their ledger names (so a link passes them on unchanged).
FILTER_PARAMS = ("document", "section_exact", "unit_kind", "leader", "deadline_after", "deadline_before")
TREND_WEEKS = 8
OVERDUE_LIST_LENGTH = 30
LIGHTS = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY)


@dataclass
class Scope:
    """What one person's dashboard counts: the filter values and the shares they select."""

    params: dict[str, str]
    shares: object  # an Assignment queryset
    today: dt.date
    errors: list[str] = field(default_factory=list)
    visible: object = None  # every share the person may read (a superset of `shares`)
    ledger_url: str | None = None
    light: object = None  # lights.light_annotation over `visible`, judged once and reused by every query
    _bases: dict = field(default_factory=dict, repr=False)  # encoded filter part of the links, per view
    effective_deadline: object = None  # lights.effective_deadline_annotation over `shares`, read once

    def with_light(self, queryset):
        """`queryset` with its `light_code`, without asking the calendar and the database again."""
        if "light_code" in queryset.query.annotations:
            return queryset
        if self.light is None:
            self.light = light_annotation(self.today, self.visible if self.visible is not None else self.shares)
        return queryset.annotate(light_code=self.light)

    def with_outcomes(self, queryset):
        """`queryset` (of the counted shares) with its `effective_deadline` and `finished_day`
        (tasks.filters.with_outcomes), the moved deadlines read once and reused (overdue_list)."""
        if self.effective_deadline is None:
            self.effective_deadline = effective_deadline_annotation(self.shares)
        return queryset.annotate(effective_deadline=self.effective_deadline, finished_day=finished_day_annotation())

    def link(self, view: str = "tasks", **conditions) -> str:
        """The ledger showing exactly the rows a figure counts.

        A dashboard draws thousands of links: the filters' part of the query string is encoded
        once per view and set of overridden keys, and each link only appends its own conditions
        (ledger ids, codes and dates; a 分管领导 or section name is quoted)."""
        if self.ledger_url is None:
            self.ledger_url = reverse("tasks:ledger")  # once: a dashboard has thousands of links
        overridden = frozenset(conditions).intersection(self.params)
        base = self._bases.get((view, overridden))
        if base is None:
            query = {key: value for key, value in self.params.items() if key not in overridden}
            if view == "shares":
                query["view"] = "shares"
            base = self._bases[(view, overridden)] = urlencode(query)
        own = "&".join([_condition(key, value) for key, value in conditions.items()])
        query = f"{base}&{own}" if base and own else base or own
        return f"{self.ledger_url}?{query}" if query else self.ledger_url

    def figure(self, n: int, view: str = "tasks", **conditions) -> dict:
        return {"n": n, "url": self.link(view, **conditions)}


@functools.lru_cache(maxsize=4096)
def _condition(key: str, value) -> str:
    """One condition of a link, encoded: the same few (unit ids, codes, dates) recur thousands of
    times on a page."""
    return f"{key}={quote_plus(str(value))}"


def scope_for(user, params: Mapping[str, str], today: dt.date) -> Scope:
    """The shares a person's dashboard counts, under the filters in `params`.

    Supervisors and leaders count every share; a unit's staff count only their unit's shares
    (the unit is added to the filters, so their links land on their unit's rows too).
    """
    values = {key: str(params[key]).strip() for key in FILTER_PARAMS if str(params.get(key, "")).strip()}
    visible = Assignment.objects.visible_to(user)
    if not user.reads_everything:
        unit = user.unit
        if unit is None:
            return Scope(params=values, shares=Assignment.objects.none(), today=today)
        values["unit"] = str(unit.pk)
    # The person as the filters' asker: the documents they may pick are those they may read (without
    # it the 文件 filter had no choices and refused every document).
    asker = Asker(user)
    filterset = AssignmentFilter(values or None, queryset=visible, today=today, request=asker)
    if values and not filterset.is_valid():
        errors = [f"{filterset.form.fields[name].label}：{'；'.join(e)}" for name, e in filterset.errors.items()]
        kept = {key: value for key, value in values.items() if key == "unit"}
        shares = _apply(kept, visible, today, asker)
        return Scope(params=kept, shares=shares, today=today, errors=errors, visible=visible)
    return Scope(params=values, shares=filterset.qs if values else visible, today=today, visible=visible)


def _apply(values, visible, today, asker):
    return AssignmentFilter(values, queryset=visible, today=today, request=asker).qs if values else visible


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def compute(scope: Scope) -> dict:
    """Every figure the dashboard draws, as plain data (the page and data.json read the same dict)."""
    weeks = [(start, start + dt.timedelta(days=6)) for start in week_starts(scope.today)]
    counts = counting.count_all(scope, weeks)
    units = unit_figures(scope, counts.units)
    sums = {
        key: sum(row[key] for row in counts.units)
        for key in ("assigned", "done", "on_time", "overdue", "no_report", "extensions", "supervised")
    }
    share_lights = {light: sum(row[light.value] for row in counts.units) for light in LIGHTS}
    if scope.params:
        tasks = task_figures(scope)
    else:
        # Every share of a counted task is counted: its worst light is the worst counted one.
        tasks = {
            "total": counts.tasks["total"],
            "done": counts.tasks["done"],
            "lights": {light: counts.tasks[light.value] for light in LIGHTS},
        }
    documents = group_figures(scope, "document", counts.groups["document"])
    # Tasks with an overdue share among the counted ones: every task sits in one document row.
    tasks_overdue = sum(row["tasks_overdue"]["n"] for row in documents)
    headline = {
        "tasks": scope.figure(tasks["total"]),
        "tasks_done": scope.figure(tasks["done"], task_state=AssignmentState.DONE),
        "tasks_overdue": scope.figure(tasks_overdue, light=Light.RED),
        "task_completion_rate": _rate(tasks["done"], tasks["total"]),
        "shares": scope.figure(sums["assigned"], "shares"),
        "shares_done": scope.figure(sums["done"], "shares", state=AssignmentState.DONE),
        "shares_on_time": scope.figure(sums["on_time"], "shares", ontime="yes"),
        "shares_late": scope.figure(sums["done"] - sums["on_time"], "shares", ontime="no"),
        "shares_overdue": scope.figure(sums["overdue"], "shares", light=Light.RED),
        "shares_no_report": scope.figure(sums["no_report"], "shares", no_report="on"),
        "shares_extensions": scope.figure(sums["extensions"], "shares", extension="any"),
        # Shares under an open 督办单 (reminders' highest level).
        "shares_supervised": scope.figure(sums["supervised"], "shares", supervised="on"),
        "share_completion_rate": _rate(sums["done"], sums["assigned"]),
        "on_time_rate": _rate(sums["on_time"], sums["done"]),
    }
    lights = {
        "tasks": [
            {"light": light.value, "label": light.label, **scope.figure(tasks["lights"][light], task_light=light)}
            for light in LIGHTS
        ],
        "shares": [
            {"light": light.value, "label": light.label, **scope.figure(share_lights[light], "shares", light=light)}
            for light in LIGHTS
        ],
    }
    return {
        "today": scope.today.isoformat(),
        "filters": dict(scope.params),
        "headline": headline,
        "lights": lights,
        "units": units,
        "documents": documents,
        "sections": group_figures(scope, "section", counts.groups["section"]),
        "leaders": group_figures(scope, "leader", counts.groups["leader"]),
        "overdue": overdue_list(scope),
        "trend": trend(scope, weeks, counts.trend),
    }


def unit_figures(scope: Scope, counted: list[dict]) -> dict[str, list[dict]]:
    """Per unit, lead and supporting work apart: assigned, done, done on time, overdue, no
    report this period, with extension requests (counted in counting.count_all)."""
    names = {u["pk"]: u for u in Unit.objects.filter(pk__in={row["unit"] for row in counted}).values(*UNIT_FIELDS)}
    result: dict[str, list[dict]] = {AssignmentRole.LEAD.value: [], AssignmentRole.SUPPORT.value: []}
    ordered = sorted(
        counted, key=lambda row: (names[row["unit"]]["sort_order"], names[row["unit"]]["name"], row["role"])
    )
    for group in ordered:
        unit, role = group["unit"], group["role"]
        about = names[unit]

        def link(n, unit=unit, role=role, **conditions):
            return scope.figure(n, "shares", unit=unit, role=role, **conditions)

        result[role].append(
            {
                "unit_id": unit,
                "unit": about["short_name"] or about["name"],
                "unit_full": about["name"],
                "kind": about["kind"],
                "assigned": link(group["assigned"]),
                "done": link(group["done"], state=AssignmentState.DONE),
                "on_time": link(group["on_time"], ontime="yes"),
                "overdue": link(group["overdue"], light=Light.RED),
                "no_report": link(group["no_report"], no_report="on"),
                "extensions": link(group["extensions"], extension="any"),
                "on_time_rate": _rate(group["on_time"], group["done"]),
            }
        )
    return result


UNIT_FIELDS = ("pk", "name", "short_name", "kind", "sort_order")


def task_figures(scope: Scope) -> dict:
    """Tasks with at least one counted share, by state and by worst light (over all of the
    task's shares, as lights.task_light), under filters: the per-task rows counted in SQL (a
    subquery), one row back."""
    in_scope = scope.shares.order_by().values("task")
    per_task = (
        scope.with_light(Assignment.objects.filter(task__in=in_scope))
        .order_by()
        .values("task", "task__state")
        .annotate(worst=Max(severity_annotation()))
    )
    totals = per_task.aggregate(
        total=Count("task"),
        done=Count("task", filter=Q(task__state=AssignmentState.DONE)),
        **{f"worst_{light.value}": Count("task", filter=Q(worst=SEVERITY[light])) for light in LIGHTS},
    )
    lights = {light: totals[f"worst_{light.value}"] for light in LIGHTS}
    return {"total": totals["total"], "done": totals["done"], "lights": lights}


GROUPINGS = {
    # name: (the ledger parameter, the value for "none")
    "document": ("document", NONE),
    "section": ("section_exact", None),
    "leader": ("leader", NONE),
}
NONE_LABELS = {"document": "（无来源文件）", "section": "（无章节）", "leader": "（未指定分管领导）"}


def group_figures(scope: Scope, name: str, counted: list[dict]) -> list[dict]:
    """Per document, section or 分管领导: tasks, tasks done, shares, shares overdue (counted in
    counting.count_all); documents by id, sections and leaders by name."""
    param, none_value = GROUPINGS[name]
    titles = {}
    if name == "document":
        ids = [int(group["key"]) for group in counted if group["key"] is not None]
        titles = {str(pk): title for pk, title in SourceDocument.objects.filter(pk__in=ids).values_list("pk", "title")}
        counted = sorted(counted, key=lambda group: (group["key"] is None, int(group["key"] or 0)))
    else:
        counted = sorted(counted, key=lambda group: (group["key"] is None, group["key"] or ""))
    rows = []
    for group in counted:
        value = group["key"]
        if value in (None, ""):
            if none_value is None:
                continue  # an empty section cannot be selected exactly; its tasks count under the document
            value, label = none_value, NONE_LABELS[name]
        else:
            label = titles.get(value, value) if name == "document" else value
        at = {param: value}
        rows.append(
            {
                "key": str(value),
                "label": label,
                "tasks": scope.figure(group["tasks"], **at),
                "tasks_done": scope.figure(group["tasks_done"], task_state=AssignmentState.DONE, **at),
                # A task has an overdue share exactly when its worst light is red.
                "tasks_overdue": scope.figure(group["tasks_overdue"], light=Light.RED, **at),
                "shares": scope.figure(group["shares"], "shares", **at),
                "shares_overdue": scope.figure(group["shares_overdue"], "shares", light=Light.RED, **at),
                "completion_rate": _rate(group["tasks_done"], group["tasks"]),
            }
        )
    return rows


def overdue_list(scope: Scope) -> dict:
    """The overdue shares, longest overdue first, with working days overdue (workdays.calendar)."""
    rows = []
    # The red rule as plain conditions on the share's own columns (lights.overdue_parts, the
    # same rows as light_code = red): PostgreSQL finds them on the (state, deadline) indexes
    # rather than judging every counted share's light to keep thirty; the thirty are chosen on
    # the shares alone, then only they are joined to their tasks and units.
    order = ("deadline", "task_id", "id")
    if scope.effective_deadline is None:
        scope.with_outcomes(scope.shares)
    past, late = overdue_parts(scope.today, scope.shares, due=scope.effective_deadline)
    first = scope.shares.filter(past | late).order_by(*order).values("pk")
    overdue = (
        Assignment.objects.filter(pk__in=first[:OVERDUE_LIST_LENGTH]).select_related("task", "unit").order_by(*order)
    )
    for share in overdue:
        due = calendar.effective_deadline(share.deadline)
        until = scope.today
        if share.state == AssignmentState.COMPLETION_REQUESTED and share.completion_requested_at:
            until = timezone.localdate(share.completion_requested_at)
        rows.append(
            {
                "task_id": share.task_id,
                "task": share.task.display_title,
                "task_url": reverse("tasks:detail", args=[share.task_id]),
                "number": share.task.number,
                "unit": str(share.unit),
                "role": share.get_role_display(),
                "state": share.get_state_display(),
                "deadline": share.deadline.isoformat(),
                "working_days_overdue": calendar.working_days_between(due, until),
            }
        )
    return {"rows": rows, "more_url": scope.link("shares", light=Light.RED), "shown": len(rows)}


def week_starts(today: dt.date, weeks: int = TREND_WEEKS) -> list[dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]


def trend(scope: Scope, weeks: list[tuple[dt.date, dt.date]], counted: list[tuple[int, int]]) -> list[dict]:
    """Shares completed and shares newly overdue, per week over the last TREND_WEEKS weeks."""
    rows = []
    for (start, end), (completed, new_overdue) in zip(weeks, counted, strict=True):
        rows.append(
            {
                "week": f"{start:%m-%d}",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "completed": scope.figure(completed, "shares", completed_after=start, completed_before=end),
                "new_overdue": scope.figure(
                    new_overdue, "shares", became_overdue_after=start, became_overdue_before=end
                ),
            }
        )
    return rows
