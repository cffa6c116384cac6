"""{{ figure|figure_link }}: a dashboard number as the link to the ledger rows it counts; and the
rows of the unit and group tables, {% unit_rows rows caption %} and {% group_rows rows %}.

Plain functions rather than includes and per-cell template tags: the dashboard draws thousands of
numbers (one row per unit and role, per document), and a template per cell cost more than all of
the page's SQL. The markup is the same as the template's; every text is escaped.
"""

from html import escape

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def figure_link(figure: dict, testid: str = ""):
    if testid:
        return format_html(
            '<a class="figure-link" href="{}" data-n="{}" data-testid="{}">{}</a>',
            figure["url"],
            figure["n"],
            testid,
            figure["n"],
        )
    return format_html('<a class="figure-link" href="{}" data-n="{}">{}</a>', figure["url"], figure["n"], figure["n"])


# html.escape: what django.utils.html.escape returns, without its lazy-text wrapper (thousands of links).
def _link(figure: dict) -> str:
    n = int(figure["n"])
    return f'<a class="figure-link" href="{escape(figure["url"])}" data-n="{n}">{n}</a>'


def _cell(figure: dict, extra: str = "") -> str:
    return f'<td class="text-end{extra}" data-value="{int(figure["n"])}">{_link(figure)}</td>'


def _rate_cell(rate, figure: dict) -> str:
    if rate is None:
        return '<td class="text-end" data-value="-1">—</td>'
    link = f'<a class="figure-link" href="{escape(figure["url"])}">{rate}%</a>'
    return f'<td class="text-end" data-value="{rate}">{link}</td>'


@register.simple_tag
def unit_rows(rows: list[dict], caption: str):
    """The <tbody> rows of a unit table (templates/dashboard/_unit_table.html)."""
    if not rows:
        return format_html('<tr><td colspan="8" class="text-muted">暂无{}。</td></tr>', caption)
    html = []
    for row in rows:
        name = conditional_escape(row["unit"])
        overdue = row["overdue"]
        strong = " fw-bold text-danger" if overdue["n"] else ""
        html.append(
            f'<tr data-unit="{int(row["unit_id"])}">'
            f'<td class="name" data-value="{name}" title="{conditional_escape(row["unit_full"])}">{name}</td>'
            f"{_cell(row['assigned'])}{_cell(row['done'])}{_cell(row['on_time'])}"
            f"{_rate_cell(row['on_time_rate'], row['on_time'])}"
            f'<td class="text-end{strong}" data-value="{int(overdue["n"])}"><span class="fig-overdue">'
            f"{_link(overdue)}</span></td>"
            f"{_cell(row['no_report'])}{_cell(row['extensions'])}</tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 (every text above is escaped)


@register.simple_tag
def group_rows(rows: list[dict]):
    """The <tbody> rows of a document, section or 分管领导 table (templates/dashboard/_group_table.html)."""
    if not rows:
        return mark_safe('<tr><td colspan="7" class="text-muted">暂无数据。</td></tr>')
    html = []
    for row in rows:
        label = conditional_escape(row["label"])
        strong = " text-danger fw-bold" if row["tasks_overdue"]["n"] else ""
        html.append(
            f'<tr><td class="name" data-value="{label}">{label}</td>'
            f"{_cell(row['tasks'])}{_cell(row['tasks_done'])}"
            f"{_rate_cell(row['completion_rate'], row['tasks_done'])}"
            f"{_cell(row['tasks_overdue'], strong)}{_cell(row['shares'])}{_cell(row['shares_overdue'])}</tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 (every text above is escaped)
