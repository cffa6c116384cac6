"""Generated supervision data for the dashboard tests: units of two kinds, documents, sections,
分管领导, and tasks in every state and light, built through the real services with a seeded
random generator so a failure is reproducible from its seed."""

import datetime as dt
import random

from documents.models import SourceDocument
from tasks import services
from tasks.models import AssignmentState, ReportingCycle
from units.models import Unit, UnitKind

TZ = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2026, 6, 15)  # a Monday
NOW = dt.datetime(2026, 6, 15, 10, tzinfo=TZ)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def build_world(personas, *, seed: int, tasks: int = 24, prefix: str = "", today: dt.date = TODAY) -> list:
    """`tasks` tasks led by the persona units or generated units, with random progress between
    90 days ago and TODAY; returns the tasks."""
    rng = random.Random(seed)
    p = personas
    units = [p.lead_unit, p.support_unit, p.other_unit]
    for i in range(3):
        units.append(Unit.objects.create(name=f"{prefix}{seed}乡镇{i}", kind=UnitKind.TOWNSHIP))
    documents = [
        SourceDocument.objects.create(title=f"{prefix}{seed}号文件甲"),
        SourceDocument.objects.create(title=f"{prefix}{seed}号文件乙"),
        None,
    ]
    sections = ["一、重点工作", "二、民生实事", ""]
    leaders = ["张副区长", "王副区长", ""]
    created = today - dt.timedelta(days=90)
    result = []
    for i in range(tasks):
        chosen = rng.sample(units, rng.randint(1, 4))
        deadline = None if rng.random() < 0.15 else today + dt.timedelta(days=rng.randint(-70, 60))
        task = services.create_task(
            p.supervisor,
            text=f"{prefix}{seed}任务{i}：推进工作",
            number=str(i + 1),
            source_document=rng.choice(documents),
            section=rng.choice(sections),
            responsible_leader=rng.choice(leaders),
            deadline=deadline,
            ongoing=deadline is None,
            reporting_cycle=rng.choice([ReportingCycle.NONE, ReportingCycle.MONTHLY, ReportingCycle.QUARTERLY]),
            lead_units=chosen[:1],
            support_units=chosen[1:],
            now=_at(created),
        )
        _progress(rng, p, task, created, today)
        result.append(task)
    return result


def _progress(rng, p, task, created: dt.date, today: dt.date) -> None:
    """Random work on one task, in time order, through the services (supervisor acts for units)."""
    day = created + dt.timedelta(days=rng.randint(1, 20))
    shares = list(task.assignments.order_by("role", "id"))
    for share in shares:
        if rng.random() < 0.7:
            services.report_progress(p.supervisor, share, progress="已推进", percent=50, now=_at(day))
            day += dt.timedelta(days=rng.randint(0, 6))
    lead = next(s for s in shares if s.is_lead)
    lead.refresh_from_db()
    if rng.random() < 0.25 and lead.deadline and day < today:
        extension = services.request_extension(
            p.supervisor,
            lead,
            requested_deadline=lead.deadline + dt.timedelta(days=30),
            reason="需要时间",
            now=_at(day),
        )
        if rng.random() < 0.6:
            day += dt.timedelta(days=rng.randint(0, 5))
            services.decide_extension(
                p.supervisor, extension, approved=rng.random() < 0.7, comment="理由充分", now=_at(min(day, today))
            )
    if not services.completion_blockers(lead) and rng.random() < 0.6:
        day += dt.timedelta(days=rng.randint(0, 40))
        if day >= today:
            return
        lead.refresh_from_db()
        services.consolidate(p.supervisor, lead, progress="汇总：已完成", percent=100, now=_at(day))
        services.request_completion(p.supervisor, lead, now=_at(day))
        day += dt.timedelta(days=rng.randint(0, 10))
        if day >= today:
            return
        lead.refresh_from_db()
        roll = rng.random()
        if roll < 0.6:
            services.approve(p.supervisor, lead, now=_at(day))
        elif roll < 0.8:
            services.return_for_revision(p.supervisor, lead, reason="请补充佐证", now=_at(day))
    assert lead.state in AssignmentState.values
