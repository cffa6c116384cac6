"""Screens for tasks, one module per screen family.

Every object is fetched through the permission querysets (`visible_to`, `editable_by`), so a
crafted id answers 404; a person who may read but not change gets 403. Changes go through
`tasks.services` only, and every change is a POST.
"""

from .discussion import comment, instruct
from .editing import add_assignment, edit, remove_assignment, set_role
from .lists import detail, evidence, ledger, my_work
from .publishing import publish
from .workflow import (
    acknowledge,
    change_deadline,
    complete,
    decide_extension,
    on_behalf,
    reassign,
    report,
    request_extension,
    review,
)

__all__ = [
    "acknowledge",
    "add_assignment",
    "change_deadline",
    "comment",
    "complete",
    "decide_extension",
    "detail",
    "edit",
    "evidence",
    "instruct",
    "ledger",
    "my_work",
    "on_behalf",
    "publish",
    "reassign",
    "remove_assignment",
    "report",
    "request_extension",
    "review",
    "set_role",
]
