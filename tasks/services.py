"""The public names of the task actions, for callers that import them from one place.

The actions themselves live in `tasks/actions/`, one module per family.
"""

from accounts.guards import StaleVersion

from .actions._core import TransitionError
from .actions.assignments import (
    add_assignment,
    change_deadline,
    move_assignments_for_merge,
    reassign,
    remove_assignment,
    set_role,
)
from .actions.creating import create_task
from .actions.editing import edit_task
from .actions.extensions import decide_extension, request_extension
from .actions.review import approve, return_for_revision
from .actions.unit_work import (
    acknowledge,
    completion_blockers,
    consolidate,
    report_progress,
    request_completion,
)

__all__ = [
    "StaleVersion",
    "TransitionError",
    "acknowledge",
    "add_assignment",
    "approve",
    "change_deadline",
    "completion_blockers",
    "consolidate",
    "create_task",
    "decide_extension",
    "edit_task",
    "move_assignments_for_merge",
    "reassign",
    "remove_assignment",
    "report_progress",
    "request_completion",
    "request_extension",
    "return_for_revision",
    "set_role",
]
