"""Source documents fill the ledger's 文件 filter: their list version (units.models.ListVersion)
is replaced whenever a document is added, changed or deleted, by the triggers of units 0002
(PostgreSQL: the same function, run at commit; SQLite: one trigger per operation)."""

from importlib import import_module

from django.db import migrations

TABLE = "documents_sourcedocument"
# The trigger functions of units 0002 (its module name starts with a digit, hence import_module).
units_0002 = import_module("units.migrations.0002_list_version")


def install(apps, schema_editor):
    units_0002.install_triggers(schema_editor, TABLE)


def uninstall(apps, schema_editor):
    units_0002.remove_triggers(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("documents", "0005_sourcedocument_content_hash"), ("units", "0002_list_version")]

    operations = [migrations.RunPython(install, uninstall)]
