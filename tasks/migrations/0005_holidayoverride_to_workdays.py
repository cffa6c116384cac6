# HolidayOverride now belongs to workdays (workdays/0001 adopted the table): forget it here, keep the rows.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0004_task_version_event_unit_name"),
        ("workdays", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HolidayOverride")],
            database_operations=[],
        ),
    ]
