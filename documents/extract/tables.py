"""Table extractors: division-of-responsibility tables, duty rosters, indicator tables.

A table is recognised by its header labels (see `documents.readers.columns`), in any
column order. Tables without a recognised header (lists of companies, covers) give nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from documents.readers import Block
from documents.readers.cells import align
from documents.readers.columns import (
    ADDRESS,
    AFTERNOON,
    DEADLINE,
    INDICATOR,
    LEAD,
    LEADER,
    MORNING,
    NAME,
    NOTE,
    NUMBER,
    SUPPORT,
    TASK,
    TIME,
    UNITS,
    YEAR,
    classify_header,
    classify_label,
    with_task_column,
)

from .items import ExtractedItem, join_lines
from .numbering import SectionTracker, parse_number

DIVISION = "division_table"
ROSTER = "roster"
INDICATORS = "indicator_table"

UNIT_KINDS = (LEAD, SUPPORT, UNITS)


@dataclass
class TableLayout:
    kind: str  # DIVISION | ROSTER | INDICATORS
    columns: list[str | None]
    header_rows: int = 1
    labels: list[str] = field(default_factory=list)

    def index(self, kind: str) -> int | None:
        return self.columns.index(kind) if kind in self.columns else None

    def indexes(self, kind: str) -> list[int]:
        return [i for i, k in enumerate(self.columns) if k == kind]


def _merge_header(rows: list[list[str]]) -> tuple[list[str | None] | None, int, list[str]]:
    """Header kinds from one header row (among the first three), refined by a second header row
    of unit roles under a merged 责任单位 label."""
    for start in range(min(3, len(rows))):
        kinds = classify_header(rows[start])
        if kinds:
            below = _sub_header(rows[start + 1]) if start + 1 < len(rows) else None
            if below is None:
                return kinds, start + 1, rows[start]
            # 责任单位 merged over 牵头单位 | 配合单位: the second row names the columns it covers.
            merged = [sub or kind for kind, sub in zip(kinds, below + [None] * len(kinds), strict=False)]
            labels = [b or a for a, b in zip(rows[start], rows[start + 1] + [""] * len(rows[start]), strict=False)]
            return merged, start + 2, labels
    return None, 0, []


def _sub_header(row: list[str]) -> list[str | None] | None:
    """Column kinds of a second header row: every filled cell a label, at least one a unit role."""
    kinds = [classify_label(c) if c.strip() else None for c in row]
    filled = [k for c, k in zip(row, kinds, strict=True) if c.strip()]
    if not filled or None in filled or not any(k in UNIT_KINDS for k in filled):
        return None
    return kinds


def layout_of(block: Block) -> TableLayout | None:
    kinds, header_rows, labels = _merge_header(block.rows)
    if not kinds:
        return None
    has_units = any(k in UNIT_KINDS for k in kinds)
    kinds = with_task_column(kinds, labels)
    if kinds.count(YEAR) >= 2:
        return TableLayout(INDICATORS, kinds, header_rows, labels)
    if has_units and (MORNING in kinds or AFTERNOON in kinds or TIME in kinds) and TASK not in kinds:
        return TableLayout(ROSTER, kinds, header_rows, labels)
    if has_units and TASK in kinds:
        return TableLayout(DIVISION, kinds, header_rows, labels)
    if has_units and NAME in kinds:
        return TableLayout(ROSTER, kinds, header_rows, labels)
    return None


def _fit_row(cells: list[str], width: int) -> list[str]:
    """Drop stray empty cells (a doubled tab) from an over-long row; pad a short one."""
    cells = list(cells)
    i = len(cells) - 1
    while len(cells) > width and i > 0:
        if not cells[i].strip():
            del cells[i]
        i -= 1
    if len(cells) > width:
        cells = [*cells[: width - 1], "\n".join(c for c in cells[width - 1 :] if c.strip())]
    return cells + [""] * (width - len(cells))


def _short_row(cells: list[str], layout: TableLayout) -> list[str]:
    """A whole row with fewer cells than the header: its cells go under the columns they fit
    (a merged or missing cell leaves a gap), not simply from the left."""
    width = len(layout.columns)
    cells = list(cells)
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    if len(cells) >= width:
        return cells[:width]  # cells after the last column are notes written under a cell
    while cells and not cells[-1].strip():
        cells.pop()
    if not cells:
        return [""] * width
    groups = align(cells, layout.columns)
    return ["\n".join(g) for g in groups]


def _is_section_row(cells: list[str], width: int) -> bool:
    filled = [c for c in cells if c.strip()]
    return len(filled) == 1 and (len(cells) == 1 or width <= 2 or not cells[0].strip().isdigit())


def _logical_rows(rows: list[list[str]], width: int, complete: bool = False) -> list[tuple[list[str], int, int]]:
    """Rows with their index range; a row split by a blank line (seed format) is joined again.

    Rows rebuilt from flattened text are whole (`complete`): nothing is joined."""
    if complete:
        return [(list(r), i, i) for i, r in enumerate(rows)]
    out: list[tuple[list[str], int, int]] = []
    i = 0
    while i < len(rows):
        cells = list(rows[i])
        end = i
        if not _is_section_row(cells, width) or len(cells) > 1:
            while len(cells) < width and end + 1 < len(rows):
                nxt = rows[end + 1]
                filled = [c for c in nxt if c.strip()]
                heading = len(filled) == 1 and parse_number(filled[0].strip()) is not None
                starts_row = nxt and nxt[0].strip().isdigit() and len(nxt) > 1
                if heading or starts_row or len(cells) + len(nxt) > width + 1:
                    break
                cells.extend(nxt)
                end += 1
        out.append((cells, i, end))
        i = end + 1
    return out


def _heading_rank(text: str, following: list[str]) -> tuple[float, str]:
    n = parse_number(text)
    if n is None:
        return 1.5, text
    rank = n.rank
    # "1、" written where "一、" is meant: a top heading followed by （一） subheadings.
    if n.style in ("arabic", "bare") and following and (parse_number(following[0]) or n).style == "paren_cn":
        rank = 1
    return rank, text


def extract_division(
    block: Block, layout: TableLayout, tracker: SectionTracker, title_path: list[str]
) -> list[ExtractedItem]:
    width = len(layout.columns)
    body = block.rows[layout.header_rows :]
    logical = _logical_rows(body, width, block.complete_rows)
    items: list[ExtractedItem] = []
    col = {k: layout.index(k) for k in (NUMBER, TASK, LEAD, UNITS, SUPPORT, DEADLINE, LEADER)}
    supports = layout.indexes(SUPPORT) + layout.indexes(UNITS) if col[LEAD] is not None else []
    previous: list[str] | None = None
    for n, (cells, first, last) in enumerate(logical):
        line_start = block.row_lines[first + layout.header_rows] if block.row_lines else None
        line_end = block.row_lines[last + layout.header_rows] if block.row_lines else None
        if _is_section_row(cells, width):
            text = next(c for c in cells if c.strip()).strip()
            following = [
                next(c for c in later if c.strip()).strip()
                for later, _, _ in logical[n + 1 : n + 2]
                if _is_section_row(later, width)
            ]
            rank, heading = _heading_rank(text, following)
            tracker.push(rank, join_lines(heading))
            continue
        cells = _short_row(cells, layout) if block.complete_rows else _fit_row(cells, width)
        task = join_lines(cells[col[TASK]]) if col[TASK] is not None else ""
        number = cells[col[NUMBER]].strip() if col[NUMBER] is not None else ""
        if not task:
            continue
        if previous is not None and not number:
            for kind in (LEAD, UNITS, SUPPORT, DEADLINE):
                i = col.get(kind)
                if i is not None and not cells[i].strip():
                    cells[i] = previous[i]
        previous = cells
        numbered = parse_number(task) if not number else None
        if numbered is not None and numbered.style in ("arabic", "decimal"):
            number, task = numbered.number, numbered.rest  # "14.改扩建…": the number is in the task cell
        item = ExtractedItem(
            text=task,
            number=number or None,
            section_path=title_path + tracker.path(),
            kind=DIVISION,
            source_start=line_start,
            source_end=line_end,
        )
        item.provenance["source"] = f"表格第{n + 1}行" + (f"（序号{number}）" if number else "")
        if col[LEAD] is not None:
            item.lead_text = cells[col[LEAD]]
            item.support_text = "\n".join(cells[i] for i in supports if cells[i].strip())
        elif col[UNITS] is not None and col[SUPPORT] is not None:
            # 责任单位 beside a 配合/协办单位 column: the 责任单位 column holds the leads.
            item.lead_text = "\n".join(cells[i] for i in layout.indexes(UNITS) if cells[i].strip())
            item.support_text = "\n".join(cells[i] for i in layout.indexes(SUPPORT) if cells[i].strip())
        else:
            unit_cols = layout.indexes(UNITS) + layout.indexes(SUPPORT)
            item.support_text = "\n".join(cells[i] for i in unit_cols if cells[i].strip())
            item.extra["_first_is_lead"] = True
        if col[LEADER] is not None:
            item.responsible_leader = join_lines(cells[col[LEADER]])
        if col[DEADLINE] is not None:
            item.deadline_text = join_lines(cells[col[DEADLINE]]) or None
        items.append(item)
    return items


_TIME_WINDOW = re.compile(r"\d{1,2}\s*[:：.]\s*\d{2}\s*[-－—~～至到]+\s*\d{1,2}\s*[:：.]\s*\d{2}")


def _time_window(text: str) -> str | None:
    m = _TIME_WINDOW.search(unicodedata.normalize("NFKC", text or ""))
    if not m:
        return None
    return re.sub(r"[-—~～至到]+", "-", re.sub(r"\s", "", m.group(0)).replace(".", ":"))


def extract_roster(block: Block, layout: TableLayout, title_path: list[str]) -> list[ExtractedItem]:
    """One item per place on duty; a row with an empty 序号 continues the place above."""
    width = len(layout.columns)
    col = {k: layout.index(k) for k in (NUMBER, NAME, MORNING, AFTERNOON, TIME, ADDRESS, LEAD, UNITS, SUPPORT, NOTE)}
    name_col = col[NAME]
    if name_col is None:
        name_col = next((i for i, k in enumerate(layout.columns) if k is None), None)
    if name_col is None:
        return []
    items: list[ExtractedItem] = []
    previous: list[str] | None = None
    for offset, raw in enumerate(block.rows[layout.header_rows :]):
        row_index = offset + layout.header_rows
        cells = _fit_row(raw, width)
        if _is_section_row(raw, width):
            continue
        name = join_lines(cells[name_col])
        if not name:
            continue
        number = cells[col[NUMBER]].strip() if col[NUMBER] is not None else ""
        if previous is not None and not number:
            for kind in (ADDRESS, LEAD, UNITS, SUPPORT):
                i = col.get(kind)
                if i is not None and not cells[i].strip():
                    cells[i] = previous[i]
        previous = cells
        morning = _time_window(cells[col[MORNING]]) if col[MORNING] is not None else None
        afternoon = _time_window(cells[col[AFTERNOON]]) if col[AFTERNOON] is not None else None
        windows = [w for w in (morning, afternoon) if w]
        if col[TIME] is not None:
            windows += [w for w in [_time_window(cells[col[TIME]])] if w]
        notes = [
            join_lines(cells[i])
            for i in (col[MORNING], col[AFTERNOON], col[TIME], col[NOTE])
            if i is not None and cells[i].strip() and not _time_window(cells[i])
        ]
        duty = "护学岗值勤" if any("护学" in p for p in title_path) else "值勤"
        detail = "；".join(
            [f"上午 {morning}" for _ in [0] if morning] + [f"下午 {afternoon}" for _ in [0] if afternoon] + notes
        )
        text = f"{name} {duty}" + (f"（{detail}）" if detail else "")
        line = block.row_lines[row_index] if block.row_lines else None
        item = ExtractedItem(
            text=text,
            number=number or None,
            section_path=list(title_path),
            kind=ROSTER,
            ongoing=True,
            recurrence="每日" if windows else "",
            source_start=line,
            source_end=line,
        )
        item.extra.update({"place": name, "morning": morning, "afternoon": afternoon})
        if col[ADDRESS] is not None:
            item.extra["address"] = join_lines(cells[col[ADDRESS]]) or None
        if notes:
            item.extra["note"] = "；".join(notes)
        if col[LEAD] is not None:
            item.lead_text = cells[col[LEAD]]
            item.support_text = "\n".join(cells[i] for i in layout.indexes(SUPPORT) + layout.indexes(UNITS))
        else:
            item.support_text = "\n".join(cells[i] for i in layout.indexes(UNITS) + layout.indexes(SUPPORT))
            item.extra["_first_is_lead"] = True
        items.append(item)
    return items


def extract_indicators(blocks: list[tuple[Block, str]], layout: TableLayout) -> list[dict]:
    """Indicator × year targets. `blocks` are the table and its header-less continuations,
    each with the category heading written above it."""
    years = [(i, re.sub(r"\D", "", layout.labels[i])[:4]) for i in layout.indexes(YEAR)]
    indicators: list[dict] = []
    for n, (block, category) in enumerate(blocks):
        rows = block.rows[layout.header_rows :] if n == 0 else block.rows
        for raw in rows:
            width = len(layout.columns)
            # A short row lost a leading cell (a category merged down the first column is written
            # above the table): its numbers still belong to the trailing year columns.
            short = [""] * (width - len(raw)) + list(raw) if 0 < len(raw) < width else raw
            cells = _fit_row(short, width)
            values = {year: cells[i].strip() for i, year in years if cells[i].strip()}
            label_cells = [join_lines(cells[i]) for i, k in enumerate(layout.columns) if k != YEAR and cells[i].strip()]
            if not values or not label_cells:
                continue
            name = label_cells[-1]
            unit_m = re.search(r"[（(]([^）)]{1,8})[）)]\s*$", name)
            cat_unit = re.search(r"单位[：:]\s*([^）)]+)", category or "")
            indicators.append(
                {
                    "name": name,
                    "category": category or None,
                    "unit": unit_m.group(1) if unit_m else (cat_unit.group(1).strip() if cat_unit else None),
                    "targets": values,
                }
            )
    return indicators


def is_indicator_continuation(block: Block, layout: TableLayout) -> bool:
    width = len(layout.columns)
    rows = [r for r in block.rows if any(c.strip() for c in r)]
    if not rows or classify_header(rows[0]):
        return False
    numeric = sum(1 for r in rows if len(r) == width and re.fullmatch(r"[\d.%]+", r[-1].strip() or "x"))
    return numeric >= max(1, len(rows) // 2)


INDICATOR_KIND = INDICATOR  # re-export for callers that label indicator columns
