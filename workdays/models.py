"""Hand-entered days of the official schedule (放假 / 补班) that win over the chinesecalendar package."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "补班"


class HolidayOverride(models.Model):
    """One day of the official schedule entered by hand; it wins over the chinesecalendar package.

    Next year's schedule (国务院办公厅关于…部分节假日安排的通知, usually November) is entered
    here the day it appears: each 放假 day that falls on a weekday and each 补班 weekend day.
    """

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=HolidayKind.choices)
    note = models.CharField("说明", max_length=100, blank=True, help_text="例如：国庆节、春节调休")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField("录入时间", default=timezone.now)

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ("date",)

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.note}".strip()
