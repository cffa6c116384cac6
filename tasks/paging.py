"""Pagination of every table page from the URL's page and per_page, within bounds."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django_tables2 import RequestConfig

MAX_PER_PAGE = 200


def _int(value: str | None) -> int | None:
    if value is None or len(value) > 12:
        return None
    try:
        return int(value)
    except ValueError:
        return None


class BoundedRequestConfig(RequestConfig):
    """django-tables2's RequestConfig with `per_page` held to 1..MAX_PER_PAGE.

    Without the bound `?per_page=-1` crashed the paginator (500) and `?per_page=100000` rendered
    every row in one page."""

    def configure(self, table):
        paginate, self.paginate = self.paginate, False
        try:
            super().configure(table)  # ordering from the URL
        finally:
            self.paginate = paginate
        if not paginate:
            return table
        kwargs = dict(paginate) if hasattr(paginate, "items") else {}
        per_page = _int(self.request.GET.get(table.prefixed_per_page_field))
        if per_page is not None:
            kwargs["per_page"] = min(max(per_page, 1), MAX_PER_PAGE)
        elif "per_page" in kwargs:
            kwargs["per_page"] = min(max(int(kwargs["per_page"]), 1), MAX_PER_PAGE)
        page = _int(self.request.GET.get(table.prefixed_page_field))
        kwargs["page"] = page if page is not None else 1
        try:
            table.paginate(**kwargs)
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:
            table.page = table.paginator.page(1 if kwargs["page"] < 1 else table.paginator.num_pages)
        return table
