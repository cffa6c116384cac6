"""The version of the data the 统计看板 counts, for its cache (dashboard.cache).

One row whose token is replaced, by database triggers (migration 0001), in the same transaction
as any insert, update or delete of the tables the figures read: tasks, shares, extension
requests, 督办单, units, source documents and the holiday calendar. Triggers rather than Django
signals, so that bulk updates, the admin, management commands and other processes all count.
"""

from django.db import connection, models


class FiguresVersion(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True)
    token = models.CharField(max_length=40)

    class Meta:
        verbose_name = "统计数据版本"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.token


def current_token() -> str | None:
    """The token of the committed data this statement sees, or None when nothing may be cached:
    no token yet (a freshly flushed database), or, on PostgreSQL, a transaction that has written
    and not yet committed (its triggers run at commit, so the token does not show its own changes;
    SQLite's run at once)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT token FROM dashboard_figuresversion WHERE id = 1 AND txid_current_if_assigned() IS NULL"
            )
            row = cursor.fetchone()
        return row[0] if row else None
    return FiguresVersion.objects.filter(pk=1).values_list("token", flat=True).first()
