"""pg_trgm and GIN trigram indexes for the header search's LIKE '%…%' lookups, on PostgreSQL only.

TrigramExtension (CREATE EXTENSION pg_trgm) does nothing on other databases; the indexes are
created by SQL run only on PostgreSQL, so SQLite keeps scanning with LIKE.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (index name, table, column): the columns search/queries.py matches with `contains`.
INDEXES = [
    ("search_task_text_trgm", "tasks_task", "text"),
    ("search_task_title_trgm", "tasks_task", "title"),
    ("search_task_section_trgm", "tasks_task", "section"),
    ("search_document_title_trgm", "documents_sourcedocument", "title"),
    ("search_document_number_trgm", "documents_sourcedocument", "doc_number"),
    ("search_unit_name_trgm", "units_unit", "name"),
    ("search_unitalias_alias_trgm", "units_unitalias", "alias"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0008_instruction_comment"),
        ("documents", "0005_sourcedocument_content_hash"),
        ("units", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
