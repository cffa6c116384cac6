"""A page of a list without counting the whole list.

The registry and document lists grow every year; Django's Paginator counts every row on every
request (a COUNT that grows with the data). A page here is `per_page + 1` rows read in order:
the extra row only says whether there is a next page.
"""

from dataclasses import dataclass

MAX_PAGE = 100_000


@dataclass
class Slice:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def paginated(self) -> bool:
        return self.has_next or self.has_previous


def page_number(raw: str | None) -> int:
    """The `?page=` value as a page number: 1 for anything that is not a positive integer."""
    if raw is None or not raw.isdigit() or len(raw) > 6:
        return 1
    return min(max(int(raw), 1), MAX_PAGE)


def slice_page(queryset, raw_page: str | None, per_page: int) -> Slice:
    """Rows of page `raw_page` of an ordered queryset; past the end, the last rows are not
    searched for (an empty page says so)."""
    number = page_number(raw_page)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Slice(rows=rows[:per_page], number=number, has_next=len(rows) > per_page)
