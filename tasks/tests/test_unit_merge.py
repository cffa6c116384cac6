"""Merging two units (units.services.merge_units) moves their assignments, with history."""

from tasks import services
from tasks.models import Assignment, AssignmentRole, EventAction, ProgressReport, TaskEvent
from units.models import Unit, UnitKind
from units.services import merge_units


def test_merge_moves_assignments_to_the_target(personas, task):
    twin = Unit.objects.create(name="区发改局", kind=UnitKind.DEPARTMENT)
    other = services.create_task(personas.supervisor, text="另一项任务", lead_units=[twin])

    merge_units(twin, personas.lead_unit, personas.supervisor)

    moved = Assignment.objects.get(task=other)
    assert moved.unit == personas.lead_unit
    event = TaskEvent.objects.get(task=other, action=EventAction.UNITS_MERGED)
    assert event.changes.get().new_value == str(personas.lead_unit)
    assert not Assignment.objects.filter(unit=twin).exists()


def test_merge_folds_a_duplicate_share_keeping_reports_and_the_lead_role(personas, task):
    support = task.assignments.get(unit=personas.support_unit)
    services.report_progress(personas.support_clerk, support, progress="已完成调研", percent=30)
    # The supporting unit merges into the lead unit, which already has a share of the task.
    merge_units(personas.support_unit, personas.lead_unit, personas.supervisor)

    shares = list(task.assignments.all())
    assert [(a.unit, a.role) for a in shares] == [(personas.lead_unit, AssignmentRole.LEAD)]
    assert ProgressReport.objects.get(progress="已完成调研").assignment == shares[0]


def test_units_open_assignment_filter_matches_the_done_state():
    """units/ names the closed state by its value, without importing tasks: keep them equal."""
    from tasks.states import AssignmentState
    from units.views import OPEN_ASSIGNMENTS

    assert OPEN_ASSIGNMENTS.children[0] == ("assignments__state", AssignmentState.DONE.value)
