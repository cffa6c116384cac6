"""领导批示 and the discussion on a task (issue 13, point 7).

Rules:
- a leader (区领导) writes a 批示 on any task; it is kept with who and when, shown at the top of
  the task page to everyone who may read the task, and changes nothing else;
- unit staff and heads of a unit sharing the task, and the supervision office, comment on it; a
  comment may @mention the units sharing the task (by full name, short name or alias: "@区发改委"),
  which are highlighted for everyone and marked for the mentioned unit; a comment changes
  nothing else either;
- each is announced by a signal (tasks.signals) sent inside the transaction, so notifications
  (the reminders app) are saved with it or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from units.models import Unit, UnitAlias

from .models import Comment, Instruction, Task
from .signals import comment_posted, instruction_posted

MAX_TEXT = 2000


def _clean_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"请填写{what}")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{what}不能超过{MAX_TEXT}字")
    return text


def can_instruct(user) -> bool:
    return user.is_authenticated and user.is_leader


def commenting_unit(user, task: Task) -> Unit | None:
    """The unit of the person's that shares the task (their voice in the thread), or None."""
    membership = (
        user.memberships.filter(unit__assignments__task=task).select_related("unit").order_by("id").first()
        if user.is_authenticated
        else None
    )
    return membership.unit if membership else None


def can_comment(user, task: Task) -> bool:
    """督查室 and the people of the units sharing the task."""
    if not user.is_authenticated:
        return False
    return user.is_supervisor or commenting_unit(user, task) is not None


@transaction.atomic
def post_instruction(actor, task: Task, *, text: str, now=None) -> Instruction:
    """领导批示 on a task: only a leader; the text is required."""
    if not can_instruct(actor):
        raise PermissionDenied("仅区领导可以批示")
    if not Task.objects.visible_to(actor).filter(pk=task.pk).exists():
        raise PermissionDenied("无权查看该任务")
    instruction = Instruction.objects.create(
        task=task, author=actor, text=_clean_text(text, "批示内容"), created=now or timezone.now()
    )
    instruction_posted.send(sender=Instruction, instruction=instruction, actor=actor)
    return instruction


# ---------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Segment:
    """A piece of a comment's text; `unit` is set for an @mention of that unit."""

    text: str
    unit: Unit | None = None


def mention_forms(units: Iterable[Unit]) -> list[tuple[str, Unit]]:
    """Every written form that names one of `units` (name, short name, aliases), longest first,
    so "@区发展和改革委员会" is not read as a shorter form that happens to be its prefix."""
    units = list(units)
    forms: dict[str, Unit] = {}
    by_id = {u.pk: u for u in units}
    for alias, unit_id in UnitAlias.objects.filter(unit__in=units).values_list("alias", "unit_id"):
        forms.setdefault(alias, by_id[unit_id])
    for unit in units:
        for form in (unit.name, unit.short_name):
            if form:
                forms[form] = unit
    return sorted(forms.items(), key=lambda pair: -len(pair[0]))


def segments(text: str, forms: Sequence[tuple[str, Unit]]) -> list[Segment]:
    """Split a comment into plain text and @mentions of the given forms (mention_forms).

    "@" followed by a known form is a mention; any other "@" stays text as written.
    """
    pieces: list[Segment] = []
    plain, i = [], 0
    while i < len(text):
        if text[i] in "@＠":
            rest = text[i + 1 :]
            found = next(((form, unit) for form, unit in forms if rest.startswith(form)), None)
            if found is not None:
                if plain:
                    pieces.append(Segment("".join(plain)))
                    plain = []
                pieces.append(Segment("@" + found[0], found[1]))
                i += 1 + len(found[0])
                continue
        plain.append(text[i])
        i += 1
    if plain:
        pieces.append(Segment("".join(plain)))
    return pieces


def task_units(task: Task) -> list[Unit]:
    return list(Unit.objects.filter(assignments__task=task).order_by("sort_order", "name"))


@transaction.atomic
def post_comment(actor, task: Task, *, text: str, now=None) -> Comment:
    """A comment on a task, by 督查室 or a unit sharing it; @mentions of the task's units are recorded."""
    if not Task.objects.visible_to(actor).filter(pk=task.pk).exists():
        raise PermissionDenied("无权查看该任务")
    if not can_comment(actor, task):
        raise PermissionDenied("仅督查室和承办单位可以发言")
    text = _clean_text(text, "发言内容")
    mentioned: dict[int, Unit] = {}
    for piece in segments(text, mention_forms(task_units(task))):
        if piece.unit is not None:
            mentioned.setdefault(piece.unit.pk, piece.unit)
    comment = Comment.objects.create(
        task=task,
        author=actor,
        author_unit=None if actor.is_supervisor else commenting_unit(actor, task),
        text=text,
        created=now or timezone.now(),
    )
    comment.mentioned_units.set(mentioned.values())
    comment_posted.send(sender=Comment, comment=comment, actor=actor, mentioned_units=list(mentioned.values()))
    return comment
