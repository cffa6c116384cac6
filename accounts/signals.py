"""Signals the accounts layer sends for the security log (audit/ listens; accounts never imports it)."""

from django.dispatch import Signal

# A person changed their password (or set a new one through a reset link). kwargs: user, request.
password_changed = Signal()
# Someone downloaded a table of data (CSV/Excel ledger, audit log). kwargs: user, request, what, rows.
data_exported = Signal()
