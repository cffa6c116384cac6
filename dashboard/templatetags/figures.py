"""{{ figure|figure_link }}: a dashboard number as the link to the ledger rows it counts.

A filter rather than an include: the dashboard draws hundreds of numbers.
"""

from django import template
from django.utils.html import format_html

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
