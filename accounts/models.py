from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "联络员"
    HEAD = "head", "单位负责人"
    SUPERVISOR = "supervisor", "督查室"
    LEADER = "leader", "区领导"
    ADMIN = "admin", "管理员"


class User(AbstractUser):
    """A person who signs in. Their unit comes from `units.Membership`."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.STAFF)
    phone = models.CharField("电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_supervisor(self) -> bool:
        """督查室 and 管理员 run the office: they may change any task."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN) or self.is_superuser

    @property
    def is_leader(self) -> bool:
        """区领导 read everything and change nothing."""
        return self.role == Role.LEADER

    @property
    def reads_everything(self) -> bool:
        return self.is_supervisor or self.is_leader

    @property
    def unit(self):
        """The unit this person works for, or None (supervisors and leaders may have none)."""
        cached = getattr(self, "_unit_cache", False)
        if cached is not False:
            return cached
        units = self.member_units
        self._unit_cache = units[0] if units else None
        return self._unit_cache

    @property
    def member_units(self) -> list:
        """Every unit this person works for (normally one), first membership first; read once
        per user object (one request), for the page header and the task page alike."""
        cached = getattr(self, "_member_units_cache", None)
        if cached is None:
            memberships = self.memberships.select_related("unit").order_by("id")
            cached = self._member_units_cache = [m.unit for m in memberships]
        return cached
