"""The ledger's filters: an allow-list, every value in the URL so a view can be bookmarked.

The same filters select the rows behind every figure of the dashboard (dashboard/figures.py),
so a number and the ledger it links to are one definition, not two that agree by luck. The
conditions shared with the dashboard are the functions below the filter set.
"""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from documents.models import SourceDocument
from units.models import Unit, UnitKind
from workdays import calendar

from .lights import (
    SEVERITY,
    Light,
    effective_deadline_annotation,
    finished_day_annotation,
    on_time_condition,
    overdue_parts,
    report_missing_condition,
    severity_annotation,
)
from .models import (
    OPEN_STATES,
    Assignment,
    AssignmentRole,
    AssignmentState,
    ExtensionRequest,
    ExtensionState,
    Task,
)
from .widgets import FastSelect

SELECT = {"class": "form-select form-select-sm"}
TEXT = {"class": "form-control form-control-sm"}
CHECK = {"class": "form-check-input"}
# The value that selects "none" in the document and 分管领导 filters (tasks without one).
NONE = "null"


class LabelledDateRangeWidget(django_filters.widgets.DateRangeWidget):
    """The two date boxes of a range, each with its own accessible name (起 / 止): the field's
    one <label> could point at neither (axe: "Form elements must have labels")."""

    part_labels = ("时限起", "时限止")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for part, label in zip(context["widget"]["subwidgets"], self.part_labels, strict=False):
            part["attrs"]["aria-label"] = label
        return context


MAX_SEARCH_LENGTH = 200


class Asker:
    """Who a filter set serves when there is no request (exports, jobs, commands): its choices
    (the documents one may pick) are limited to what that person may read, as on the page.
    `Asker(None)` is the operator's command line, which reads everything."""

    def __init__(self, user) -> None:
        self.user = user


def _readable_documents(request):
    """The documents the person asking may pick: none without a request, everything for the
    command line, else those they may read (a clerk never sees a draft's title)."""
    if request is None:
        return SourceDocument.objects.none()
    if isinstance(request, Asker) and request.user is None:
        return SourceDocument.objects.all()
    return SourceDocument.objects.visible_to(request.user)


class AssignmentFilter(django_filters.FilterSet):
    # Bounded: a 60,000-character search made SQLite refuse the LIKE pattern (500).
    q = django_filters.CharFilter(
        label="搜索", method="filter_text", max_length=MAX_SEARCH_LENGTH, widget=forms.TextInput(attrs=TEXT)
    )
    document = django_filters.ModelChoiceFilter(
        label="文件",
        field_name="task__source_document",
        # Only documents the person may read: a clerk never sees a draft's title (issue 14).
        queryset=_readable_documents,
        widget=FastSelect(attrs=SELECT, label_fields=("title",)),
        empty_label="全部",
        null_label="（无来源文件）",
        null_value=NONE,
    )
    section = django_filters.CharFilter(
        label="章节",
        field_name="task__section",
        lookup_expr="icontains",
        max_length=MAX_SEARCH_LENGTH,
        widget=forms.TextInput(attrs=TEXT),
    )
    # The dashboard's per-section figures link here: exactly that section, not every one containing it.
    section_exact = django_filters.CharFilter(label="章节（精确）", field_name="task__section", lookup_expr="exact")
    unit = django_filters.ModelChoiceFilter(
        label="承办单位",
        queryset=Unit.objects.all(),
        widget=FastSelect(attrs=SELECT, label_fields=("short_name", "name")),
        empty_label="全部",
    )
    unit_kind = django_filters.ChoiceFilter(
        label="单位类别",
        field_name="unit__kind",
        choices=UnitKind.choices,
        widget=FastSelect(attrs=SELECT),
        empty_label="全部",
    )
    role = django_filters.ChoiceFilter(
        label="角色", choices=AssignmentRole.choices, widget=FastSelect(attrs=SELECT), empty_label="全部"
    )
    leader = django_filters.CharFilter(label="分管领导", method="filter_leader", widget=forms.TextInput(attrs=TEXT))
    state = django_filters.ChoiceFilter(
        label="状态", choices=AssignmentState.choices, widget=FastSelect(attrs=SELECT), empty_label="全部"
    )
    light = django_filters.ChoiceFilter(
        label="灯", choices=Light.choices, method="filter_light", widget=FastSelect(attrs=SELECT), empty_label="全部"
    )
    waiting = django_filters.ChoiceFilter(
        label="待审批",
        choices=(("completion", "申请办结待审核"), ("extension", "延期申请待审批")),
        method="filter_waiting",
        widget=FastSelect(attrs=SELECT),
        empty_label="全部",
    )
    deadline = django_filters.DateFromToRangeFilter(
        label="时限范围",
        widget=LabelledDateRangeWidget(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    overdue = django_filters.BooleanFilter(
        label="仅看逾期", method="filter_overdue", widget=forms.CheckboxInput(attrs=CHECK)
    )
    # Drill-through conditions of the dashboard (not in the filter form, but kept in the URL).
    open = django_filters.BooleanFilter(label="未办结", method="filter_open", widget=forms.CheckboxInput)
    no_report = django_filters.BooleanFilter(label="本期未报送", method="filter_no_report", widget=forms.CheckboxInput)
    ontime = django_filters.ChoiceFilter(
        label="办结时效", choices=(("yes", "按时办结"), ("no", "超时办结")), method="filter_ontime"
    )
    extension = django_filters.ChoiceFilter(
        label="延期申请",
        choices=(("any", "有延期申请"), *ExtensionState.choices),
        method="filter_extension",
    )
    completed = django_filters.DateFromToRangeFilter(label="办结日期", method="filter_completed")
    became_overdue = django_filters.DateFromToRangeFilter(label="转为逾期日期", method="filter_became_overdue")
    task_state = django_filters.ChoiceFilter(
        label="任务状态", field_name="task__state", choices=AssignmentState.choices
    )
    task_light = django_filters.ChoiceFilter(label="任务灯", choices=Light.choices, method="filter_task_light")

    # 督办中: an open 督办单 (reminders.SupervisionOrder, reached by its reverse relation, not imported).
    supervised = django_filters.BooleanFilter(
        label="督办中",
        method="filter_supervised",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Assignment
        fields = (
            "q",
            "document",
            "section",
            "unit",
            "unit_kind",
            "role",
            "leader",
            "state",
            "light",
            "waiting",
            "deadline",
            "overdue",
            "supervised",
        )

    # The filters a person sets in the form; the others come from dashboard links.
    FORM_FIELDS = (*Meta.fields,)

    def __init__(self, *args, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def overdue_selected(self) -> bool:
        """仅看逾期 or 红灯 (the same shares: tasks.lights.overdue_condition) is set."""
        data = self.form.cleaned_data
        return bool(data.get("overdue")) or data.get("light") == Light.RED

    def disjoint_parts(self) -> list:
        """The selected shares (`qs`) as querysets that do not overlap and together hold exactly
        them: with 仅看逾期 (or 红灯) the open shares past their deadline and the shares that asked
        too late (tasks.lights.overdue_parts), each under every other condition; else `qs` alone.

        Apart, each part is read from its own partial index (tasks 0012) without the table: what
        a count of the selection (the ledger's total) needs. Call on a bound, valid filter set."""
        if not self.overdue_selected():
            return [self.qs]
        parts = []
        for branch in (0, 1):
            self._overdue_branch = branch
            try:
                parts.append(self.filter_queryset(self.queryset.all()))
            finally:
                self._overdue_branch = None
        return parts

    _overdue_branch: int | None = None

    def _overdue_condition(self) -> Q:
        """overdue_condition, or one of its branches while disjoint_parts() builds that part; the
        deadlines in force are worked out once per filter set (over every share it may select)."""
        if not hasattr(self, "_overdue"):
            self._overdue = overdue_parts(self.today, self.queryset)
        past, late = self._overdue
        return past | late if self._overdue_branch is None else self._overdue[self._overdue_branch]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(task__in=self.text_tasks(value).order_by().values("pk"))

    def text_tasks(self, value: str):
        """The tasks the search box finds for `value` (stripped, not empty): on their own table,
        each condition served by an index (the trigram indexes of search/0002 and the 序号
        index), the documents' ids read first (once per filter set): one OR across the joined
        document table made the database read every task."""
        if getattr(self, "_documents", (None,))[0] != value:
            titled = SourceDocument.objects.filter(title__icontains=value)
            self._documents = value, list(titled.values_list("pk", flat=True))
        documents = self._documents[1]
        return Task.objects.filter(
            Q(text__icontains=value) | Q(title__icontains=value) | Q(number=value) | Q(source_document__in=documents)
        )

    def searched_tasks_alone(self):
        """With the search box as the only condition: the tasks it finds (text_tasks), else None.

        Every task has at least one share, so for a person who reads every share these are
        exactly the tasks of the selected shares: the ledger counts and pages them on the tasks'
        table alone. Through the shares the database misjudged how many tasks a Chinese text
        matches and joined every share to count them."""
        if not (self.is_bound and self.is_valid()):
            return None
        data = self.form.cleaned_data
        chosen = {name for name, value in data.items() if value not in (None, "", False) and not _empty_range(value)}
        text = (data.get("q") or "").strip()
        if chosen != {"q"} or not text:
            return None
        return self.text_tasks(text)

    def filter_leader(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(task__responsible_leader="" if value == NONE else value)

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(self._overdue_condition())

    def filter_light(self, queryset, name, value):
        if not value:
            return queryset
        if value == Light.RED:  # the same rows, from the index rather than the CASE of every row
            return queryset.filter(self._overdue_condition())
        return queryset.with_light(self.today).filter(light_code=value)

    def filter_supervised(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(supervision_orders__state="open")

    def filter_open(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(state__in=OPEN_STATES)

    def filter_no_report(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(report_missing_condition(self.today))

    def filter_ontime(self, queryset, name, value):
        if not value:
            return queryset
        queryset = with_outcomes(queryset)
        done = Q(state=AssignmentState.DONE)
        return queryset.filter(on_time_condition() if value == "yes" else done & ~on_time_condition())

    def filter_extension(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(extension_condition(value))

    def filter_waiting(self, queryset, name, value):
        if value == "completion":
            return queryset.filter(state=AssignmentState.COMPLETION_REQUESTED)
        if value == "extension":
            return queryset.filter(extension_condition(ExtensionState.PENDING))
        return queryset

    def filter_completed(self, queryset, name, value):
        if not value or not (value.start or value.stop):
            return queryset
        return queryset.filter(completed_between(value.start and _day(value.start), value.stop and _day(value.stop)))

    def filter_became_overdue(self, queryset, name, value):
        if not value or not (value.start and value.stop):
            return queryset
        condition = became_overdue_condition(_day(value.start), _day(value.stop), self.today)
        return with_outcomes(queryset).filter(condition)

    def filter_task_light(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(task__in=tasks_with_worst_light(self.today, value))


def _empty_range(value) -> bool:
    """A date range filter left empty (django-filter cleans it to slice(None, None))."""
    return isinstance(value, slice) and value.start is None and value.stop is None


def _day(value) -> dt.date:
    """The date of a range bound (django-filter's date ranges give datetimes at 00:00 and 23:59)."""
    return value.date() if isinstance(value, dt.datetime) else value


def with_outcomes(queryset):
    """Annotate `effective_deadline` and `finished_day` (once), for on_time_condition and
    became_overdue_condition."""
    if "finished_day" in queryset.query.annotations:
        return queryset
    return queryset.annotate(
        effective_deadline=effective_deadline_annotation(queryset), finished_day=finished_day_annotation()
    )


def completed_between(first: dt.date | None, last: dt.date | None) -> Q:
    """办结 between two local days (inclusive), as datetime bounds (no date cast per row)."""
    condition = Q(state=AssignmentState.DONE)
    if first:
        condition &= Q(completed_at__gte=_midnight(first))
    if last:
        condition &= Q(completed_at__lt=_midnight(last + dt.timedelta(days=1)))
    return condition


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def extension_condition(value: str) -> Q:
    """Shares with an extension request: any, or in one state (pending, approved, refused)."""
    requests = ExtensionRequest.objects.filter(assignment=OuterRef("pk"))
    if value != "any":
        requests = requests.filter(state=value)
    return Q(Exists(requests))


def became_overdue_condition(first: dt.date, last: dt.date, today: dt.date) -> Q:
    """新增逾期 between `first` and `last` (inclusive): shares whose first overdue day (the day
    after the effective deadline) falls in that range, up to today, and that were not finished
    by their deadline (finished late, or not yet). Needs with_outcomes()."""
    parts = became_overdue_parts(first, last, today)
    if parts is None:
        return Q(pk__in=[])
    deadlines, late = parts
    return deadlines & late


def became_overdue_parts(first: dt.date, last: dt.date, today: dt.date) -> tuple[Q, Q] | None:
    """became_overdue_condition's two parts: (the deadline range, not finished by the effective
    deadline), or None when no day of the range is up to today. The second part is the same for
    every range: a count over consecutive ranges (the dashboard's trend weeks) judges it once.

    The effective deadline is monotone in the deadline, so its range is a plain deadline range:
    effective_deadline(d) >= a  ⟺  d > previous_working_day(a), and
    effective_deadline(d) <= b  ⟺  d <= the last working day on or before b.
    """
    last = min(last, today)
    low, high = first - dt.timedelta(days=1), last - dt.timedelta(days=1)
    if high < low:
        return None
    on_or_before = high if calendar.is_working_day(high) else calendar.previous_working_day(high)
    deadlines = Q(deadline__gt=calendar.previous_working_day(low), deadline__lte=on_or_before)
    return deadlines, Q(finished_day__isnull=True) | Q(finished_day__gt=F("effective_deadline"))


def worst_light_per_task(today: dt.date):
    """{task, worst}: each task's worst share light as a severity number (lights.task_light), grouped in SQL."""
    return Assignment.objects.with_light(today).order_by().values("task").annotate(worst=Max(severity_annotation()))


def tasks_with_worst_light(today: dt.date, light: str):
    """Ids of tasks whose worst share light is `light`, as a subquery."""
    return worst_light_per_task(today).filter(worst=SEVERITY[Light(light)]).values("task")
