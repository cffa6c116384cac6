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


def test_fast_cells_are_the_librarys_cells(personas):
    """FastBody's cells (cell_values) equal django-tables2's own, cell by cell, for every column
    of 我的待办 and of 按承办单位: states, a missing deadline, number and document, a returned
    request, escaping."""
    import datetime as dt

    from django.test import RequestFactory

    from documents.models import SourceDocument
    from tasks import services
    from tasks.models import Assignment, AssignmentState

    document = SourceDocument.objects.create(title="文件<甲>", content_hash="b" * 64)
    for n, state in enumerate(AssignmentState.values):
        task = services.create_task(
            personas.supervisor,
            text=f"任务 {n} <b>",
            number="" if n % 2 else str(n),
            deadline=None if n == 1 else dt.date(2026, 9, 30),
            lead_units=[personas.lead_unit],
            support_units=[personas.support_unit],
        )
        task.source_document = document if n % 2 == 0 else None
        task.save()
        task.assignments.update(state=state, percent=10 * n)
    records = list(Assignment.objects.select_related("task__source_document", "unit").order_by("id"))
    for i, record in enumerate(records):
        record.last_review_state = "returned" if i % 2 else None
        record.last_review_comment = "" if i % 4 == 1 else "理由<x>"
    request = RequestFactory().get("/")
    today = dt.date(2026, 10, 9)
    checked = 0
    for table in (MyWorkTable(records, today=today, request=request), AssignmentTable(records, today=today)):
        for row in table.rows:
            fast = table.cell_values(row.record)
            for column in table.columns:
                assert fast[column.name] == row.get_cell(column.name), (column.name, row.record)
                checked += 1
    assert checked == len(records) * (9 + 9)  # 9 columns each (我的待办: no 承办单位, plus 办理)
