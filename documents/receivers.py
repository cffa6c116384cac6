"""What the documents app does when the units app announces a change (units never import documents)."""

from django.dispatch import receiver

from units.signals import alias_added

from . import services


@receiver(alias_added, dispatch_uid="documents.resolve_new_alias_in_review")
def resolve_new_alias_in_review(sender, *, written, unit=None, group=None, **kwargs) -> None:
    """A name mapped in 未识别名称 (or added as an alias) is fixed at once in every draft item in review."""
    services.apply_alias(written, unit=unit, group=group)
