"""Bulk loading for the synthetic city (demo.scale): rows as plain tuples, no model instances.

On PostgreSQL the rows stream into the table with COPY (psycopg's `cursor.copy`), several times
faster than INSERT and without building one Django object per row; elsewhere (SQLite) they go
through `executemany` in batches, each value prepared by its field as `bulk_create` would.

A `Table` names the columns each row gives; every other column gets its field's default once
(what `bulk_create` would have written). Ids are given explicitly where other rows refer to
them (`next_id`), and the table's sequence is moved past them afterwards (`reset_sequences`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

BATCH = 5000


class Table:
    def __init__(self, model, names: Sequence[str]):
        opts = model._meta
        by_name = {f.attname: f for f in opts.concrete_fields}
        unknown = set(names) - set(by_name)
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        self.model = model
        self.given = [by_name[name] for name in names]
        fixed = [f for f in opts.concrete_fields if f.attname not in names and not f.primary_key]
        self.columns = [f.column for f in self.given] + [f.column for f in fixed]
        self.constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in fixed)

    def write(self, rows: Iterable[tuple]) -> int:
        """Write every row (a tuple of the given columns' values, in order); returns the count."""
        if connection.vendor == "postgresql":
            return self._copy(rows)
        return self._insert(rows)

    def _copy(self, rows: Iterable[tuple]) -> int:
        quote = connection.ops.quote_name
        statement = f"COPY {quote(self.model._meta.db_table)} ({', '.join(map(quote, self.columns))}) FROM STDIN"
        constants, count = self.constants, 0
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row + constants)
                count += 1
        return count

    def _insert(self, rows: Iterable[tuple]) -> int:
        quote = connection.ops.quote_name
        # Names from the model's metadata, quoted; the values are bound.
        table, columns = quote(self.model._meta.db_table), ", ".join(map(quote, self.columns))
        marks = ", ".join(["%s"] * len(self.columns))
        statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        fields, constants, count = self.given, self.constants, 0
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(
                    tuple(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)) + constants
                )
                if len(batch) >= BATCH:
                    cursor.executemany(statement, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
                count += len(batch)
        return count


def next_id(model) -> int:
    """The first id past every row of the table (ids given explicitly start here)."""
    return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def reset_sequences(*models) -> None:
    """Move the id sequences past the ids written explicitly (PostgreSQL; SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
