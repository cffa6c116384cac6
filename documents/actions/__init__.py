"""Every change to source documents and their draft items, by family (see docs/architecture.md).

- importing: import_upload (read, extract, resolve; then one transaction, file included)
- review: update_item, add/remove/set units, set_item_unit (fix a name → alias), accept, reject,
  reopen, merge, split, accept_all_resolved, apply_alias, mark_published (asked by tasks' publishing)
- manual: items made by hand from a selected passage, and pasted text imported like a file

Each action takes the acting user first, checks that the user runs the supervision office
(accounts.guards.require_supervisor) and runs in one transaction: a failure saves nothing.
"""
