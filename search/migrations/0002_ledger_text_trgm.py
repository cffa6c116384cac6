"""Trigram indexes for the ledger's 搜索 box (tasks.filters.AssignmentFilter.filter_text), on
PostgreSQL only.

Django writes `icontains` as UPPER(column) LIKE UPPER(pattern): the indexes of 0001 (on the
columns themselves) cannot serve it, and the ledger's search read every task. These index
UPPER(column), which the planner uses for exactly that condition.
"""

from django.db import migrations

INDEXES = [
    ("search_task_text_upper_trgm", "tasks_task", "text"),
    ("search_task_title_upper_trgm", "tasks_task", "title"),
    ("search_document_title_upper_trgm", "documents_sourcedocument", "title"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_trigram_indexes"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
