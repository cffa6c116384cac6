"""The header search: tasks, documents and units a person may see, for one bounded query.

Rules:
- the query is trimmed, its whitespace folded, and cut to MAX_QUERY characters; an empty query
  finds nothing;
- tasks: the ones the person may read (Task.objects.visible_to) whose text, title or section
  contains the query, or whose number is the query; a query "#123" or "123" also finds task 123;
- documents: every signed-in person reads documents; title or 文号 contains the query;
- units: full name, short name or an alias contains the query, plus what the resolver reads
  the query as (an abbreviation such as 区发改委 for 区发展和改革委员会, a retired name's successor);
- at most LIMIT of each kind, the newest tasks and documents first.

On PostgreSQL the `contains` lookups (LIKE '%…%') use the pg_trgm GIN indexes of migration
search/0001; SQLite scans with LIKE, fine at a district's scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from documents.models import SourceDocument
from tasks.models import Task
from units.models import Unit
from units.registry import registry_from_db
from units.resolver import resolve

MAX_QUERY = 50
LIMIT = 20


def clean_query(raw: str | None) -> str:
    return " ".join((raw or "").split())[:MAX_QUERY]


@dataclass
class Results:
    query: str
    tasks: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    units: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.tasks) + len(self.documents) + len(self.units)


def _task_number_id(query: str) -> int | None:
    digits = query.lstrip("#＃")
    return int(digits) if digits.isdigit() and len(digits) < 10 else None


def search_tasks(user, query: str) -> list[Task]:
    match = Q(text__contains=query) | Q(title__contains=query) | Q(section__contains=query) | Q(number=query)
    task_id = _task_number_id(query)
    if task_id is not None:
        match |= Q(pk=task_id)
    visible = Task.objects.visible_to(user).filter(match).select_related("source_document")
    return list(visible.order_by("-created", "-id")[:LIMIT])


def search_documents(query: str) -> list[SourceDocument]:
    found = SourceDocument.objects.filter(Q(title__contains=query) | Q(doc_number__contains=query))
    return list(found.order_by("-created", "-id")[:LIMIT])


def search_units(query: str) -> list[Unit]:
    compact = "".join(query.split())
    by_text = Q(name__contains=compact) | Q(short_name__contains=compact) | Q(aliases__alias__contains=compact)
    ids = list(Unit.objects.filter(by_text).values_list("pk", flat=True).distinct()[:LIMIT])
    resolution = resolve(compact, registry_from_db())
    ids += [m.unit_id for m in resolution.matches if m.unit_id is not None and m.unit_id not in ids]
    units = Unit.objects.filter(pk__in=ids).select_related("successor")
    return sorted(units, key=lambda u: (not u.active, u.sort_order, u.name))[:LIMIT]


def search(user, raw_query: str | None) -> Results:
    """Everything the person may see that matches (see the module rules)."""
    query = clean_query(raw_query)
    if not query or not user.is_authenticated:
        return Results(query=query)
    return Results(
        query=query,
        tasks=search_tasks(user, query),
        documents=search_documents(query),
        units=search_units(query),
    )
