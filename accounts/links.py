"""URLs of one view for many rows, for every floor: `link(name, pk)` is `reverse(name, args=[pk])`
with the pattern reversed once per name and script prefix, then the id written into it.

A list page links each of its rows to a few views; a `reverse()` per link per row was a third of
the 84-item review screen's time and a large part of the ledger's.
"""

from django.urls import get_script_prefix, reverse

_MARK = 2147000001  # an id no row has, replaced by the row's id
_LINKS: dict[tuple[str, str], tuple[str, str]] = {}


def link(name: str, pk: int) -> str:
    key = (name, get_script_prefix())
    parts = _LINKS.get(key)
    if parts is None:
        before, _, after = reverse(name, args=[_MARK]).partition(str(_MARK))
        parts = _LINKS[key] = (before, after)
    return f"{parts[0]}{pk}{parts[1]}"
