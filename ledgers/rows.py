"""The rows and cells of a ledger (台账), before any file is written (GUIDE §2).

Pure: these functions take tasks, their assignments and reports already fetched
(`ledgers.selectors`) and return plain rows; `ledgers.xlsx` turns them into a workbook.

The shape follows the source division table: 序号, 工作任务和要求, 牵头单位, 责任单位（配合）,
完成时限, then what Duban adds: 进展情况, 完成比例, 状态, 红黄绿灯, 最近报送 (and 督办 when the
reminders app records supervision orders). Section headings (一、 → （一）) become rows of their
own, in source order, each written once where its tasks begin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from tasks.lights import Light, task_light
from tasks.states import AssignmentRole, AssignmentState

SECTION_SEPARATOR = " / "


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float  # Excel character widths; the widths of one ledger fit A4 landscape
    wrap: bool = True
    align: str = "left"


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", 6, wrap=False, align="center"),
    Column("text", "工作任务和要求", 46),
    Column("lead", "牵头单位", 14),
    Column("support", "责任单位（配合）", 18),
    Column("deadline", "完成时限", 13, align="center"),
    Column("progress", "进展情况", 40),
    Column("percent", "完成比例", 8, wrap=False, align="center"),
    Column("state", "状态", 8, wrap=False, align="center"),
    Column("light", "红黄绿灯", 8, wrap=False, align="center"),
    Column("reported", "最近报送", 11, align="center"),
)
SUPERVISION_COLUMN = Column("supervision", "督办", 6, wrap=False, align="center")

LIGHT_WORDS = {Light.GREEN: "绿灯", Light.YELLOW: "黄灯", Light.RED: "红灯", Light.GREY: "已办结"}


@dataclass(frozen=True)
class SectionRow:
    """A heading (一、… or （一）…) written once, merged across the table."""

    level: int
    title: str


@dataclass
class TaskRow:
    task_id: int
    cells: dict[str, object]
    light: Light


@dataclass
class Ledger:
    title: str
    subtitle: str
    columns: tuple[Column, ...]
    # A list, or an iterator that yields the rows while the file is written (exports).
    rows: Iterable[SectionRow | TaskRow] = field(default_factory=list)
    total: int = 0  # task rows, known before they are built (the export job's progress bar)

    @property
    def task_rows(self) -> list[TaskRow]:
        return [row for row in self.rows if isinstance(row, TaskRow)]


def deadline_cell(task) -> str:
    """长期 for ongoing work, the date written as the office writes it, else the source wording."""
    if task.ongoing:
        return "长期坚持"
    if task.deadline:
        return f"{task.deadline.year}年{task.deadline.month}月{task.deadline.day}日"
    return task.deadline_text or ""


def latest_progress(reports: Sequence) -> object | None:
    """进展情况: the latest consolidated report (the lead's for the whole task), else the latest report."""
    if not reports:
        return None
    if len(reports) == 1:  # chosen already (ledgers.selectors picks it in SQL)
        return reports[0]
    consolidated = [r for r in reports if r.is_consolidated]
    pool = consolidated or list(reports)
    return max(pool, key=lambda r: (r.created, r.pk))


def progress_text(report) -> str:
    if report is None:
        return ""
    parts = [report.progress]
    if report.problems:
        parts.append(f"存在问题：{report.problems}")
    if report.next_steps:
        parts.append(f"下一步计划：{report.next_steps}")
    return "\n".join(parts)


def _local_stamp(moment: dt.datetime | dt.date | None) -> str:
    """2026-05-31 for a moment (in local time) or a local date."""
    if not moment:
        return ""
    day = moment if type(moment) is dt.date else timezone.localdate(moment)
    return day.isoformat()


Groups = Sequence[tuple[str, frozenset[int]]]


def unit_names(units: Sequence, groups: Groups = ()) -> str:
    """Unit names joined with 、 as the source table writes them: when every member of a group
    (各乡镇（街道）…) is among `units`, the group's name stands for them, where its first member was.

    `groups` are (name, member ids), largest first, so the widest phrase wins.
    """
    ids = {unit.pk for unit in units}
    replaced: dict[int, str] = {}
    covered: set[int] = set()
    for name, members in groups:
        if len(members) >= 2 and members <= ids and not members & covered:
            first = next(unit.pk for unit in units if unit.pk in members)
            replaced[first] = name
            covered |= members
    names = []
    for unit in units:
        if unit.pk in replaced:
            names.append(replaced[unit.pk])
        elif unit.pk not in covered:
            names.append(unit.name)
    return "、".join(names)


def _names(assignments: Iterable, role: str, groups: Groups = ()) -> str:
    return unit_names([a.unit for a in assignments if a.role == role], groups)


def section_levels(section: str) -> list[str]:
    """'一、总体 / （一）产业' → ['一、总体', '（一）产业'] (the importer stores the path joined)."""
    return [part.strip() for part in (section or "").split(SECTION_SEPARATOR) if part.strip()]


def task_cells(
    task, seq: int, reports: Sequence, today: dt.date, supervision_count: int | None = None, groups: Groups = ()
) -> TaskRow:
    assignments = list(task.assignments.all())
    leads = [a for a in assignments if a.role == AssignmentRole.LEAD]
    report = latest_progress(reports)
    percent = report.percent if report is not None else max((a.percent for a in leads), default=0)
    last_reported = max((a.last_reported_at for a in assignments if a.last_reported_at), default=None)
    light = task_light(task, today, assignments)
    cells: dict[str, object] = {
        "seq": seq,
        "text": task.text,
        "lead": _names(assignments, AssignmentRole.LEAD, groups),
        "support": _names(assignments, AssignmentRole.SUPPORT, groups),
        "deadline": deadline_cell(task),
        "progress": progress_text(report),
        "percent": f"{percent}%",
        "state": AssignmentState(task.state).label,
        "light": LIGHT_WORDS[light],
        "reported": _local_stamp(last_reported),
    }
    if supervision_count is not None:
        cells["supervision"] = supervision_count
    return TaskRow(task_id=task.pk, cells=cells, light=light)


def iter_ledger_rows(
    tasks_with_reports: Iterable[tuple[object, Sequence]],
    *,
    today: dt.date,
    supervision_counts: Mapping[int, int] | None = None,
    by_document: bool = False,
    groups: Groups = (),
) -> Iterator[SectionRow | TaskRow]:
    """Rows for tasks already in source order, one at a time (a large ledger never sits in
    memory whole): a section row wherever a heading level changes, then one numbered row per
    task (序号 counts 1, 2, 3… in the exported table).

    With `by_document` (a ledger over several documents) each document's title heads its tasks
    as the outermost section.
    """
    current: list[str] = []
    for seq, (task, reports) in enumerate(tasks_with_reports, start=1):
        levels = section_levels(task.section)
        if by_document:
            document = task.source_document
            levels = [f"《{document.title}》" if document else "其他任务", *levels]
        # Write the levels from the first one that differs.
        common = 0
        while common < min(len(levels), len(current)) and levels[common] == current[common]:
            common += 1
        for depth in range(common, len(levels)):
            yield SectionRow(level=depth, title=levels[depth])
        current = levels
        count = supervision_counts.get(task.pk, 0) if supervision_counts is not None else None
        yield task_cells(task, seq, reports, today, count, groups)


def columns_for(supervision_counts: Mapping[int, int] | None) -> tuple[Column, ...]:
    return COLUMNS + ((SUPERVISION_COLUMN,) if supervision_counts is not None else ())


def build_ledger(
    tasks: Sequence,
    reports_by_task: Mapping[int, Sequence],
    *,
    today: dt.date,
    title: str,
    subtitle: str = "",
    supervision_counts: Mapping[int, int] | None = None,
    by_document: bool = False,
    groups: Groups = (),
) -> Ledger:
    """The whole ledger as a list (see iter_ledger_rows for the rules)."""
    rows = iter_ledger_rows(
        ((task, reports_by_task.get(task.pk, ())) for task in tasks),
        today=today,
        supervision_counts=supervision_counts,
        by_document=by_document,
        groups=groups,
    )
    return Ledger(
        title=title, subtitle=subtitle, columns=columns_for(supervision_counts), rows=list(rows), total=len(tasks)
    )


def filter_summary(pairs: Iterable[tuple[str, str]]) -> str:
    """'文件：…；承办单位：区发改委' from (label, value) pairs; 全部 when nothing filters."""
    parts = [f"{label}：{value}" for label, value in pairs if value not in (None, "")]
    return "；".join(parts) if parts else "全部"
