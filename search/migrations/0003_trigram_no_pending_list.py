"""The ledger's trigram indexes (0002) without GIN's pending list, on PostgreSQL only.

With `fastupdate` on (the default) new rows' trigrams wait in an unsorted pending list that every
search reads through, until a vacuum (or 4 MB of them) merges it: after tasks were added (a
published document, a bulk load) the ledger's 搜索 read the list for every query, and the planner,
seeing the index that dear, read every task instead (the count of 营商环境 took 30-40 ms on the
benchmark's city instead of 3). Tasks are added a document at a time, so putting each row's
trigrams straight into the index costs little.
"""

from django.db import migrations

INDEXES = ["search_task_text_upper_trgm", "search_task_title_upper_trgm", "search_document_title_upper_trgm"]


def no_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        # What waits in the list already is merged now (setting the option does not).
        schema_editor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_ledger_text_trgm"),
    ]

    operations = [
        migrations.RunPython(no_pending_list, pending_list),
    ]
