"""Indexes that match the ledger's deadline and 序号 sorts and the header search's newest-first order.

The descending deadline sort (nulls last, as tasks.views.lists.TASK_SORTS asks) needs
`DESC NULLS LAST` in the index itself, which SQLite does not accept: it is created on
PostgreSQL only, by SQL, like the search indexes of search/0001.
"""

from django.db import migrations, models

DESC_INDEX = "task_deadline_desc_idx"


def create_desc_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {DESC_INDEX} ON tasks_task (deadline DESC NULLS LAST, id DESC)"
    )


def drop_desc_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {DESC_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0010_dashboard_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["deadline", "id"], name="task_deadline_idx"),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["number", "id"], name="task_number_idx"),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["created", "id"], name="task_created_idx"),
        ),
        migrations.RunPython(create_desc_index, drop_desc_index),
    ]
