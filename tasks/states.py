"""The vocabulary of tasks: roles, states and reporting cycles, with no model attached.

Kept apart from models.py so the lights and the calendar-facing rules can use them without
importing the models (which import the lights for their SQL annotation).
"""

from django.db import models


class ReportingCycle(models.TextChoices):
    NONE = "none", "不定期"
    WEEKLY = "weekly", "每周"
    BIWEEKLY = "biweekly", "每半月"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"
    YEARLY = "yearly", "每年"


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "牵头"
    SUPPORT = "support", "配合"


class AssignmentState(models.TextChoices):
    PENDING = "pending", "待签收"
    IN_PROGRESS = "in_progress", "办理中"
    COMPLETION_REQUESTED = "completion_requested", "申请办结"
    DONE = "done", "已办结"


OPEN_STATES = (AssignmentState.PENDING, AssignmentState.IN_PROGRESS, AssignmentState.COMPLETION_REQUESTED)
