"""What every app's actions and views share about who may act and about stale forms.

- `require_supervisor(actor)`: the one check for "only 督查室 (and 管理员) may do this".
- `StaleVersion`: the one exception for "someone saved this row after the form was shown";
  nothing was changed. Versioned rows (assignments, tasks, draft items) carry a `version`
  that every action bumps; `lock_versioned` re-reads the row under a lock and compares.
- `run_action(call, form)`: how a view turns an action's refusal into what the person sees:
  a `ValidationError` becomes form errors (400, input kept), a `StaleVersion` comes back for a
  409 page that shows what changed, and `PermissionDenied` propagates to Django's 403.

This module sits on the ground floor (accounts), so units, documents and tasks all use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError


def require_supervisor(actor, message: str = "仅督查室可以办理") -> None:
    """Refuse (PermissionDenied → 403) anyone who does not run the supervision office."""
    if actor is None or not actor.is_authenticated or not actor.is_supervisor:
        raise PermissionDenied(message)


class StaleVersion(Exception):
    """Someone saved the row after the form was shown; nothing was changed.

    `current` is the row as it is now (re-read under the lock); `events` are its latest
    history rows when the caller has them, for the screen that shows what changed while
    keeping what the person typed. `message` says it in Chinese.
    """

    def __init__(self, current, expected_version: int, message: str = "", *, events=()) -> None:
        self.current = current
        self.expected_version = expected_version
        self.current_version = current.version
        self.events = list(events)
        self.message = message or f"已被他人修改（版本 {expected_version} → {current.version}）"
        super().__init__(self.message)


def lock_versioned(queryset, pk: int, expected_version: int | None, *, of: tuple[str, ...] = ()):
    """Re-read row `pk` of `queryset` under a row lock; StaleVersion if its version moved on.

    `expected_version` None means the caller showed no version (command-line and jobs). `of`
    limits the lock to the named tables (PostgreSQL refuses FOR UPDATE across nullable joins).
    """
    current = queryset.select_for_update(of=of).get(pk=pk)
    if expected_version is not None and int(expected_version) != current.version:
        raise StaleVersion(current, int(expected_version))
    return current


@dataclass
class Outcome:
    """What became of one action called from a view."""

    result: object = None
    stale: StaleVersion | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.stale is None and not self.errors


def run_action(call: Callable[[], object], form=None) -> Outcome:
    """Call an action; its refusals become an Outcome (and form errors when a form is given).

    PermissionDenied is not caught: it answers 403 like any other refusal of access.
    """
    try:
        return Outcome(result=call())
    except StaleVersion as stale:
        return Outcome(stale=stale)
    except ValidationError as error:
        if form is not None:
            for message in error.messages:
                form.add_error(None, message)
        return Outcome(errors=list(error.messages))
