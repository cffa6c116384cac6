"""The dashboard's data version (dashboard.models.FiguresVersion) and the triggers that replace its
token whenever a table the figures read changes.

PostgreSQL: one deferred constraint trigger per table, run at commit, that writes the version row
once per transaction (a transaction-local setting remembers it did): the row is locked only while
committing, so concurrent writers do not queue on it. SQLite: a trigger per table and operation
(SQLite serialises writers anyway). The token is random, never a counter: a rolled-back
transaction's token can never come back with other data.
"""

from django.db import migrations, models

TABLES = (
    "tasks_task",
    "tasks_assignment",
    "tasks_extensionrequest",
    "reminders_supervisionorder",
    "units_unit",
    "documents_sourcedocument",
    "workdays_holidayoverride",
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION dashboard_bump_figures_version() RETURNS trigger AS $$
BEGIN
    IF current_setting('duban.figures_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('duban.figures_bumped', txid_current()::text, true);
        INSERT INTO dashboard_figuresversion (id, token) VALUES (1, gen_random_uuid()::text)
            ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
OPERATIONS = ("insert", "update", "delete")
SQLITE_BODY = (
    "BEGIN INSERT OR REPLACE INTO dashboard_figuresversion (id, token) VALUES (1, lower(hex(randomblob(16)))); END"
)


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in TABLES:
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER dashboard_figures_{table} AFTER INSERT OR UPDATE OR DELETE "
                    f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    "EXECUTE FUNCTION dashboard_bump_figures_version()"
                )
            cursor.execute("INSERT INTO dashboard_figuresversion (id, token) VALUES (1, gen_random_uuid()::text)")
        elif schema_editor.connection.vendor == "sqlite":
            for table in TABLES:
                for operation in OPERATIONS:
                    # The table names are the constants above.
                    sql = f"CREATE TRIGGER dashboard_figures_{table}_{operation} AFTER {operation.upper()} ON {table} "
                    cursor.execute(sql + SQLITE_BODY)
            cursor.execute("INSERT INTO dashboard_figuresversion (id, token) VALUES (1, lower(hex(randomblob(16))))")
        # Other databases get no triggers: without a token row the dashboard is never cached.


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            if schema_editor.connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS dashboard_figures_{table} ON {table}")
            elif schema_editor.connection.vendor == "sqlite":
                for operation in OPERATIONS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS dashboard_figures_{table}_{operation}")
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS dashboard_bump_figures_version()")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("tasks", "0009_assignment_ordering_by_task_id"),
        ("reminders", "0002_beat_schedule"),
        ("units", "0001_initial"),
        ("documents", "0005_sourcedocument_content_hash"),
        ("workdays", "0002_rename_table"),
    ]

    operations = [
        migrations.CreateModel(
            name="FiguresVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=40)),
            ],
            options={"verbose_name": "统计数据版本", "verbose_name_plural": "统计数据版本"},
        ),
        migrations.RunPython(install, uninstall),
    ]
