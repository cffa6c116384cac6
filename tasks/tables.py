"""Tables for 我的待办 and 任务台账: one row per unit's share of a task."""

import datetime as dt

import django_tables2 as tables
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from accounts.links import link

from .lights import assignment_light
from .models import Assignment, AssignmentRole, AssignmentState

# Columns a phone does without: the task, its deadline, state, light and actions stay.
WIDE_ONLY = {"th": {"class": "d-none d-lg-table-cell"}, "td": {"class": "d-none d-lg-table-cell"}}
MEDIUM_UP = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
SMALL_UP = {"th": {"class": "d-none d-sm-table-cell"}, "td": {"class": "d-none d-sm-table-cell"}}

LIGHT_CLASSES = {"green": "success", "yellow": "warning", "red": "danger", "grey": "secondary"}


def light_badge(light) -> str:
    return format_html(
        '<span class="badge text-bg-{} light-{}" data-light="{}">{}</span>',
        LIGHT_CLASSES[light],
        light,
        light,
        light.label,
    )


class DayColumn(tables.Column):
    """A date as YYYY-MM-DD: what tables.DateColumn(format="Y-m-d") prints, without compiling its
    template for every cell (TemplateColumn builds a Template per render)."""

    def render(self, value):
        return f"{value:%Y-%m-%d}"

    def value(self, value, **kwargs):
        return value.isoformat() if isinstance(value, dt.date) else value


class FastBody:
    """The table's body rows written in Python (templates/django_tables2/bootstrap5-responsive.html
    prints `table.fast_body` when it is not empty).

    The package's template renders every cell through a template loop that looks up the column's
    attributes, its localisation and the cell: on a page of 50 rows that loop cost more than
    the values themselves. The cells are django-tables2's own (BoundRow.items: accessors,
    render_* methods, defaults, even/odd row classes), printed as `{{ cell }}` prints them.
    Only for columns whose cell attributes do not depend on the row (computed once per page)."""

    def fast_body(self) -> str:
        columns = list(self.columns)
        if any(column.localize is not None for column in columns):
            return ""  # the template's |localize and |unlocalize branches: left to the template
        cells = {column.name: column.attrs["td"].as_html() for column in columns}
        parts = []
        for row in self.paginated_rows:
            parts.append(f"<tr {row.attrs.as_html()}>")
            values = self.cell_values(row.record)
            for column in columns:
                cell = values[column.name] if column.name in values else row.get_cell(column.name)
                parts.append(f"<td {cells[column.name]}>{conditional_escape(localize(template_localtime(cell)))}</td>")
            parts.append("</tr>")
        return mark_safe("".join(parts))  # noqa: S308 - every cell is escaped unless already safe


class AssignmentTable(FastBody, tables.Table):
    document = tables.Column(
        "文件",
        accessor="task__source_document__title",
        order_by=("task__source_document__title",),
        default="—",
        attrs=WIDE_ONLY,
    )
    number = tables.Column(verbose_name="序号", accessor="task__number", default="", attrs=MEDIUM_UP)
    task = tables.Column(
        verbose_name="任务", accessor="task__text", order_by=("task__text",), attrs={"td": {"class": "col-task"}}
    )
    unit = tables.Column(verbose_name="承办单位", accessor="unit__name", order_by=("unit__sort_order", "unit__name"))
    role = tables.Column(verbose_name="角色", attrs=MEDIUM_UP)
    deadline = DayColumn(verbose_name="完成时限", default="长期")
    state = tables.Column(verbose_name="状态", attrs={"td": {"class": "state"}})
    percent = tables.Column(verbose_name="进度", attrs=MEDIUM_UP)
    light = tables.Column(verbose_name="灯", empty_values=(), orderable=False)

    class Meta:
        model = Assignment
        fields = ("document", "number", "task", "unit", "role", "deadline", "state", "percent", "light")
        attrs = {"class": "table table-sm table-hover bg-white align-middle", "data-testid": "assignments"}
        row_attrs = {"data-assignment": lambda record: record.pk}
        empty_text = "没有符合条件的事项。"

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def cell_values(self, record) -> dict:
        """The cells django-tables2 would compute (accessor, get_FOO_display for choices, the
        column's default for None or "", then the render_* method), without its per-cell
        machinery: what the table's test checks cell by cell against the library."""
        columns = self.columns
        task = record.task
        document = task.source_document

        def cell(name, raw, render=None):
            if raw is None or raw == "":
                return columns[name].default
            return render(raw) if render else raw

        return {
            "document": cell("document", document.title if document is not None else None),
            "number": cell("number", task.number),
            "task": cell("task", task.text, lambda _: self.render_task(record)),
            "unit": cell("unit", record.unit.name, lambda _: self.render_unit(record)),
            "role": cell("role", record.get_role_display()),
            "deadline": cell("deadline", record.deadline, lambda value: f"{value:%Y-%m-%d}"),
            "state": cell("state", record.get_state_display(), lambda value: self.state_cell(record, value)),
            "percent": cell("percent", record.percent, self.render_percent),
            "light": self.render_light(record),
        }

    def state_cell(self, record, value):
        return value

    def render_task(self, record):
        url = link("tasks:detail", record.task_id)
        return format_html('<a href="{}">{}</a>', url, record.task.display_title)

    def render_unit(self, record):
        return str(record.unit)

    def render_percent(self, value):
        return f"{value}%"

    def render_light(self, record):
        return light_badge(self.light_of(record))

    def light_of(self, record):
        """The share's light, judged once per row (a phone's row shows it twice)."""
        if not hasattr(record, "_light"):
            record._light = assignment_light(record, self.today)
        return record._light


class MyWorkTable(AssignmentTable):
    # On a phone the deadline and the light move under the task, so that the 签收 and 报送 buttons
    # are on the screen without scrolling sideways.
    deadline = DayColumn(verbose_name="完成时限", default="长期", attrs=SMALL_UP)
    light = tables.Column(verbose_name="灯", empty_values=(), orderable=False, attrs=SMALL_UP)
    actions = tables.Column(verbose_name="办理", empty_values=(), orderable=False)

    class Meta(AssignmentTable.Meta):
        fields = (*AssignmentTable.Meta.fields, "actions")
        exclude = ("unit",)

    def __init__(self, *args, request, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def cell_values(self, record) -> dict:
        return {**super().cell_values(record), "actions": self.render_actions(record)}

    def state_cell(self, record, value):
        return self.render_state(record, value)

    def render_task(self, record):
        light = self.light_of(record)
        deadline = f"{record.deadline:%Y-%m-%d}" if record.deadline else "长期"
        return format_html(
            '{}<div class="d-sm-none small text-muted mt-1">时限 {} <span class="badge text-bg-{}">{}</span></div>',
            super().render_task(record),
            deadline,
            LIGHT_CLASSES[light],
            light.label,
        )

    def render_state(self, record, value):
        """A returned completion request says so, with the supervision office's reason."""
        if record.state == AssignmentState.IN_PROGRESS and getattr(record, "last_review_state", None) == "returned":
            return format_html(
                '{} <span class="badge text-bg-danger" data-testid="returned-{}">已退回</span>'
                '<div class="small text-danger returned-reason">退回理由：{}</div>',
                value,
                record.pk,
                record.last_review_comment or "（未说明）",
            )
        return value

    def render_actions(self, record):
        """The row's buttons. 签收 submits the page's one form (`#my-work-actions`, one CSRF token for
        the page) to this share's URL with its version: no form, no template per row."""
        parts = []
        if record.state == AssignmentState.PENDING:
            parts.append(
                format_html(
                    '<button class="btn btn-sm btn-primary" form="my-work-actions" formaction="{}" name="version"'
                    ' value="{}" data-testid="acknowledge-{}">签收</button>',
                    link("tasks:acknowledge", record.pk),
                    record.version,
                    record.pk,
                )
            )
        if record.state in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS):
            parts.append(
                format_html(
                    '<a class="btn btn-sm btn-outline-primary" href="{}">报送进展</a>',
                    link("tasks:report", record.pk),
                )
            )
            if record.role == AssignmentRole.LEAD:
                parts.append(
                    format_html(
                        '<a class="btn btn-sm btn-outline-success" href="{}">汇总/申请办结</a>',
                        link("tasks:complete", record.pk),
                    )
                )
        elif record.state == AssignmentState.COMPLETION_REQUESTED:
            parts.append(format_html('<span class="text-muted small">{}</span>', "等待督查室审核"))
        return format_html('<div class="d-flex gap-1">{}</div>', format_html_join("", "{}", ((p,) for p in parts)))
