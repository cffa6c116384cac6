"""The district's unit registry: units, the ways people write their names, and groups.

Units are never deleted: a unit that ends is retired with a successor, so tasks
assigned to it stay readable and new work lands on the unit that took over.
"""

from django.conf import settings
from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", "区直部门"
    TOWNSHIP = "township", "乡镇"
    SUBDISTRICT = "subdistrict", "街道"
    VERTICAL = "vertical", "垂直管理单位"
    STATE_OWNED = "soe", "国有企业"
    COORDINATION = "coordination", "议事协调机构"
    OTHER = "other", "其他"


class UnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def current_of(self, units) -> dict[int, "Unit"]:
        """Unit.current() for many units at once: {unit id: the unit carrying its work today}.

        Units without a successor map to themselves. The successor links are read in one query
        and the units they end at in another, instead of one query per link per unit.
        """
        units = list(units)
        result = {u.pk: u for u in units if not u.successor_id}
        retired = {u.pk for u in units if u.successor_id}
        if not retired:
            return result
        successor_of = dict(
            self.model.objects.filter(successor__isnull=False).order_by().values_list("pk", "successor_id")
        )
        ends = {}
        for pk in retired:
            current, seen = pk, {pk}
            while successor_of.get(current) and successor_of[current] not in seen:
                current = successor_of[current]
                seen.add(current)
            ends[pk] = current
        by_pk = self.model.objects.in_bulk(set(ends.values()))
        return {**result, **{pk: by_pk[end] for pk, end in ends.items()}}


class Unit(models.Model):
    name = models.CharField("全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField("排序", default=1000)
    active = models.BooleanField("在用", default=True)
    valid_from = models.DateField("启用日期", null=True, blank=True)
    valid_to = models.DateField("停用日期", null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name="继任单位", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    note = models.CharField("备注", max_length=200, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ("sort_order", "name")

    def __str__(self) -> str:
        return self.short_name or self.name

    def current(self) -> "Unit":
        """Follow the successor chain to the unit that carries this one's work today."""
        unit, seen = self, {self.pk}
        while unit.successor_id and unit.successor_id not in seen:
            seen.add(unit.successor_id)
            unit = unit.successor
        return unit


class UnitAlias(models.Model):
    """Any written form of a unit's name: an abbreviation, an old name, a typo seen in a document."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("写法", max_length=100, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="添加人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField("添加时间", default=timezone.now)

    class Meta:
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"
        ordering = ("alias",)

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit.name}"


class UnitGroup(models.Model):
    """A phrase naming many units, e.g. 各乡镇（街道）.

    Members are the explicit `members` plus every active unit whose kind is in `kinds`.
    `needs_confirmation` marks open-ended phrases (区直有关单位) whose members a person picks.
    """

    name = models.CharField("名称", max_length=100, unique=True)
    kinds = models.JSONField("按类别包含", default=list, blank=True)
    members = models.ManyToManyField(Unit, verbose_name="成员单位", blank=True, related_name="groups")
    needs_confirmation = models.BooleanField("需人工确认成员", default=False)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "单位组"
        verbose_name_plural = "单位组"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def member_units(self):
        """Every active unit the group names: explicit members and members by kind."""
        by_kind = models.Q(kind__in=self.kinds) if self.kinds else models.Q(pk__in=[])
        explicit = models.Q(pk__in=self.members.values("pk"))
        return Unit.objects.active().filter(by_kind | explicit).distinct()


class GroupAlias(models.Model):
    """Another written form of a group's phrase, e.g. 各街道（乡、镇） for 各乡镇（街道）."""

    group = models.ForeignKey(UnitGroup, verbose_name="单位组", on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("写法", max_length=100, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="添加人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField("添加时间", default=timezone.now)

    class Meta:
        verbose_name = "单位组别名"
        verbose_name_plural = "单位组别名"

    def __str__(self) -> str:
        return f"{self.alias} → {self.group.name}"


class MembershipRole(models.TextChoices):
    LIAISON = "liaison", "联络员"
    HEAD = "head", "负责人"


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("职责", max_length=20, choices=MembershipRole.choices, default=MembershipRole.LIAISON)

    class Meta:
        verbose_name = "单位成员"
        verbose_name_plural = "单位成员"
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"


class UnitEvent(models.Model):
    """The registry's history: renames, retirements, merges, aliases added."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField("事项", max_length=50)
    detail = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "单位变更记录"
        verbose_name_plural = "单位变更记录"
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.unit} {self.action}"


class UnresolvedName(models.Model):
    """A written unit name seen in a document that the resolver could not place.

    The 未识别名称 queue: a supervisor maps it to a unit or group, which saves an alias
    so the next import resolves it.
    """

    text = models.CharField("写法", max_length=200, unique=True)
    first_seen = models.DateTimeField("首次出现", default=timezone.now)
    occurrences = models.PositiveIntegerField("出现次数", default=1)
    context = models.TextField("上下文", blank=True)
    resolved_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_group = models.ForeignKey(UnitGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "未识别名称"
        verbose_name_plural = "未识别名称"
        ordering = ("resolved_at", "-occurrences", "text")
        indexes = [
            # The queue page lists the open ones.
            models.Index(fields=["resolved_at"], name="unresolved_open_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class ListVersion(models.Model):
    """The version of a table whose rows fill choice lists (the ledger's 承办单位 and 文件 filters),
    for the cache of their rendered options (tasks.widgets.FastSelect): one row per table, whose
    token database triggers replace in the same transaction as any insert, update or delete of
    that table (units 0002 for units, documents 0006 for source documents). Triggers rather than
    signals, so that bulk updates, the admin, commands and other processes all count. Only these
    tables: the share changes that replace the dashboard's FiguresVersion many times a minute
    leave the lists as they are."""

    table_name = models.CharField(primary_key=True, max_length=63)
    token = models.CharField(max_length=40)

    class Meta:
        verbose_name = "选项列表版本"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.table_name} {self.token}"


def list_version(model) -> RawSQL:
    """An expression for `model`'s ListVersion token, read in the statement's own snapshot (so it
    belongs to exactly the rows the statement reads), or NULL when no cache may use it: the table
    has no version (no triggers, or a freshly flushed database), or, on PostgreSQL, the statement
    runs in a transaction that has written and not yet committed (the triggers run at commit, so
    the token does not cover its own changes yet; SQLite's run at once)."""
    table = model._meta.db_table
    sql = "SELECT token FROM units_listversion WHERE table_name = %s"
    if connection.vendor == "postgresql":
        sql += " AND txid_current_if_assigned() IS NULL"
    elif connection.vendor != "sqlite":
        return RawSQL("NULL", (), output_field=models.CharField())
    return RawSQL(f"({sql})", (table,), output_field=models.CharField())  # noqa: S611 - a fixed statement, the table as a parameter
