# HolidayOverride moves here from tasks: the table is adopted as it is (state only), then renamed.
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("tasks", "0004_task_version_event_unit_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HolidayOverride",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("date", models.DateField(unique=True, verbose_name="日期")),
                        ("kind", models.CharField(choices=[("holiday", "放假"), ("workday", "补班")], max_length=10, verbose_name="类型")),
                        ("note", models.CharField(blank=True, help_text="例如：国庆节、春节调休", max_length=100, verbose_name="说明")),
                        ("created", models.DateTimeField(default=django.utils.timezone.now, verbose_name="录入时间")),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="录入人")),
                    ],
                    options={"verbose_name": "节假日调整", "verbose_name_plural": "节假日调整", "ordering": ("date",), "db_table": "tasks_holidayoverride"},
                ),
            ],
            database_operations=[],
        ),
    ]
