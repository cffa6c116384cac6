"""The remembered signatures are the ones django-tables2 computes itself."""

from django_tables2 import utils

from tasks import tables_speed
from tasks.tables import AssignmentTable, MyWorkTable


def test_installed():
    assert utils.signature is tables_speed.signature


def test_same_answers_as_the_library_for_methods_functions_and_lambdas():
    table = MyWorkTable([], today=None, request=None)
    other = AssignmentTable([], today=None)
    for fn in (table.render_actions, table.render_state, other.render_percent, other.render_light,
               lambda record: record, lambda value, record, **kwargs: value, len.__call__):  # fmt: skip
        try:
            expected = tables_speed._uncached(fn)
        except (TypeError, ValueError):
            continue
        assert tables_speed.signature(fn) == expected, fn
        assert tables_speed.signature(fn) == expected, fn  # and again, from the cache


def test_bound_methods_of_different_tables_share_one_entry():
    tables_speed._signature_of.cache_clear()
    for _ in range(3):
        tables_speed.signature(AssignmentTable([], today=None).render_percent)
    assert tables_speed._signature_of.cache_info().currsize == 1
