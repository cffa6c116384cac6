"""What the tasks app does when other apps announce a change (they never import tasks)."""

from django.dispatch import receiver

from units.signals import units_merged

from . import services


@receiver(units_merged, dispatch_uid="tasks.move_assignments_on_unit_merge")
def move_assignments_on_unit_merge(sender, *, source, target, actor, **kwargs) -> None:
    """A merged unit's assignments go to the unit it merged into, inside the merge's transaction."""
    services.move_assignments_for_merge(actor, source=source, target=target)
