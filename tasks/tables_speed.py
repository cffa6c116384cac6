"""django-tables2 asks `inspect.signature` about the same render method for every cell of every
row (`django_tables2.utils.call_with_appropriate`): on 我的待办 that was 40 % of the page's
time. The answer depends only on the function, so it is remembered, keyed by the function
(a bound method by its underlying function: its signature never includes `self`).
Installed once by TasksConfig.ready(); `tasks/tests/test_tables_speed.py` checks the answers
are the library's own.
"""

import functools

from django_tables2 import utils

_uncached = utils.signature


@functools.lru_cache(maxsize=2048)
def _signature_of(func, bound: bool):
    return _uncached(func.__get__(object()) if bound else func)


def signature(fn):
    func = getattr(fn, "__func__", None)
    if func is not None and getattr(fn, "__self__", None) is not None:
        return _signature_of(func, True)
    try:
        return _signature_of(fn, False)
    except TypeError:  # an unhashable callable: ask the library
        return _uncached(fn)


def install() -> None:
    if utils.signature is not signature:
        utils.signature = signature
