"""Signals other apps listen to, so units/ never imports them."""

from django.dispatch import Signal

# Sent inside merge_units' transaction after aliases and memberships moved and the source
# was retired: receivers move what they hold for `source` (e.g. tasks' assignments) to
# `target`. Arguments: source, target, actor. A receiver that raises rolls the merge back.
units_merged = Signal()

# Sent inside add_alias' transaction once `written` names `unit` or `group` (also when that alias
# already existed, e.g. a queued name mapped again): receivers apply the name where they still
# hold it unresolved (documents: every draft item still in review). Arguments: written, unit,
# group (one of them None), actor.
alias_added = Signal()
