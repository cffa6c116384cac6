"""units.models.ListVersion, and the triggers that replace a table's token whenever the table
changes: here for units_unit; documents 0006 adds source documents with the same function.

PostgreSQL: a deferred constraint trigger per row, run at commit, that writes the table's version
row once per transaction (a transaction-local setting remembers it did): the row is locked only
while committing, so concurrent writers do not queue on it (as dashboard 0001 does for the
dashboard's version). SQLite: a trigger per operation. The token is random, never a counter: a
rolled-back transaction's token can never come back with other data.
"""

from django.db import migrations, models

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION units_bump_list_version() RETURNS trigger AS $$
BEGIN
    IF current_setting('duban.list_bumped_' || TG_TABLE_NAME, true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('duban.list_bumped_' || TG_TABLE_NAME, txid_current()::text, true);
        INSERT INTO units_listversion (table_name, token) VALUES (TG_TABLE_NAME, gen_random_uuid()::text)
            ON CONFLICT (table_name) DO UPDATE SET token = EXCLUDED.token;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
OPERATIONS = ("insert", "update", "delete")


def install_triggers(schema_editor, table: str) -> None:
    """The triggers that replace `table`'s list version (documents 0006 calls it for its table)."""
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE CONSTRAINT TRIGGER units_list_version_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION units_bump_list_version()"
            )
            cursor.execute(
                "INSERT INTO units_listversion (table_name, token) VALUES (%s, gen_random_uuid()::text)", [table]
            )
        elif schema_editor.connection.vendor == "sqlite":
            for operation in OPERATIONS:
                cursor.execute(
                    f"CREATE TRIGGER units_list_version_{table}_{operation} AFTER {operation.upper()} ON {table} "  # noqa: S608 - the table names are constants here
                    "BEGIN INSERT OR REPLACE INTO units_listversion (table_name, token) "
                    f"VALUES ('{table}', lower(hex(randomblob(16)))); END"
                )
            cursor.execute(
                "INSERT INTO units_listversion (table_name, token) VALUES (%s, lower(hex(randomblob(16))))", [table]
            )
        # Other databases get no triggers: without a version row the options are never cached.


def remove_triggers(schema_editor, table: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS units_list_version_{table} ON {table}")
        elif schema_editor.connection.vendor == "sqlite":
            for operation in OPERATIONS:
                cursor.execute(f"DROP TRIGGER IF EXISTS units_list_version_{table}_{operation}")
        cursor.execute("DELETE FROM units_listversion WHERE table_name = %s", [table])


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(PG_FUNCTION)
    install_triggers(schema_editor, "units_unit")


def uninstall(apps, schema_editor):
    remove_triggers(schema_editor, "units_unit")
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS units_bump_list_version()")


class Migration(migrations.Migration):
    dependencies = [("units", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ListVersion",
            fields=[
                ("table_name", models.CharField(max_length=63, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=40)),
            ],
            options={"verbose_name": "选项列表版本", "verbose_name_plural": "选项列表版本"},
        ),
        migrations.RunPython(install, uninstall),
    ]
