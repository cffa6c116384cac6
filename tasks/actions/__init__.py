"""Every business change to tasks and their shares, one module per family (see docs/architecture.md).

- creating: create_task
- unit_work: acknowledge, report_progress, consolidate, completion_blockers, request_completion
- review: approve, return_for_revision
- assignments: reassign, change_deadline, add_assignment, remove_assignment, set_role, move_assignments_for_merge
- extensions: request_extension, decide_extension
- editing: edit_task

Each action takes the acting user first, runs in one transaction, checks permission, refuses a
transition the state does not allow (TransitionError), refuses a stale form
(accounts.guards.StaleVersion) and writes one TaskEvent with one TaskChange per changed field.
"""
