"""Source documents fill the ledger's 文件 filter: their list version (units.models.ListVersion)
is replaced whenever a document is added, changed or deleted, by the triggers of units 0002
(PostgreSQL: the same function, run at commit; SQLite: one trigger per operation)."""

from django.db import migrations

TABLE = "documents_sourcedocument"
OPERATIONS = ("insert", "update", "delete")


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE CONSTRAINT TRIGGER units_list_version_{TABLE} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {TABLE} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION units_bump_list_version()"
            )
            cursor.execute(
                "INSERT INTO units_listversion (table_name, token) VALUES (%s, gen_random_uuid()::text)", [TABLE]
            )
        elif schema_editor.connection.vendor == "sqlite":
            for operation in OPERATIONS:
                cursor.execute(
                    f"CREATE TRIGGER units_list_version_{TABLE}_{operation} AFTER {operation.upper()} ON {TABLE} "  # noqa: S608 - the table names are constants here
                    "BEGIN INSERT OR REPLACE INTO units_listversion (table_name, token) "
                    f"VALUES ('{TABLE}', lower(hex(randomblob(16)))); END"
                )
            cursor.execute(
                "INSERT INTO units_listversion (table_name, token) VALUES (%s, lower(hex(randomblob(16))))", [TABLE]
            )


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS units_list_version_{TABLE} ON {TABLE}")
        elif schema_editor.connection.vendor == "sqlite":
            for operation in OPERATIONS:
                cursor.execute(f"DROP TRIGGER IF EXISTS units_list_version_{TABLE}_{operation}")
        cursor.execute("DELETE FROM units_listversion WHERE table_name = %s", [TABLE])


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_sourcedocument_content_hash"), ("units", "0002_list_version")]

    operations = [migrations.RunPython(install, uninstall)]
