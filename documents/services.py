"""The public names of the document actions, for callers that import them from one place.

The actions themselves live in `documents/actions/`: importing and review.
"""

from accounts.guards import StaleVersion

from .actions._core import resolve_name
from .actions.importing import (
    AlreadyImported,
    ImportFailed,
    content_hash,
    find_duplicate,
    import_upload,
)
from .actions.review import (
    UNCHANGED,
    accept,
    accept_all_resolved,
    add_item_unit,
    apply_alias,
    blockers,
    groups_with_members,
    mark_published,
    merge,
    reject,
    remove_item_unit,
    reopen,
    set_item_unit,
    set_unit_role,
    split,
    split_names,
    update_item,
)
from .actions.schedule import set_reporting_schedule

__all__ = [
    "UNCHANGED",
    "AlreadyImported",
    "ImportFailed",
    "StaleVersion",
    "accept",
    "accept_all_resolved",
    "add_item_unit",
    "apply_alias",
    "blockers",
    "content_hash",
    "find_duplicate",
    "groups_with_members",
    "import_upload",
    "mark_published",
    "merge",
    "reject",
    "remove_item_unit",
    "reopen",
    "resolve_name",
    "set_item_unit",
    "set_reporting_schedule",
    "set_unit_role",
    "split",
    "split_names",
    "update_item",
]
