"""Signals other apps listen to, so units/ never imports them."""

from django.dispatch import Signal

# Sent inside merge_units' transaction after aliases and memberships moved and the source
# was retired: receivers move what they hold for `source` (e.g. tasks' assignments) to
# `target`. Arguments: source, target, actor. A receiver that raises rolls the merge back.
units_merged = Signal()
