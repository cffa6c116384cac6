"""Signals the tasks app sends, so apps above it (reminders) react without tasks importing them."""

from django.dispatch import Signal

# Sent inside post_instruction's transaction once a leader's 批示 is saved.
# Arguments: instruction (tasks.Instruction), actor. Receivers notify the lead unit and 督查室.
instruction_posted = Signal()

# Sent inside post_comment's transaction once a comment is saved.
# Arguments: comment (tasks.Comment), actor, mentioned_units (list of units.Unit, maybe empty).
comment_posted = Signal()
