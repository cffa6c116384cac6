"""Helpers for the extraction tests: the seed files, the gold scorer, and writers that put
the seed documents into .docx, .xlsx and tab-less text so every reader is scored the same."""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import io
import json
from pathlib import Path

from documents.extract.tables import _fit_row, _logical_rows, layout_of
from documents.readers import Block, read_document

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "fixtures" / "seeds"
DATA = Path(__file__).resolve().parent / "data"
# The hand-checked labels of the five seeds and the scorer, shared with units/tests.
GOLD = Path(__file__).resolve().parents[2] / "testing" / "gold"
SEED_NAMES = sorted(p.stem for p in SEEDS.glob("*.txt"))
THRESHOLDS = {"item_f1": 0.97, "unit_f1": 0.97, "role_acc": 0.95}


def _scorer():
    # The gold scorer, stored as .txt so the project's lint and format rules do not apply to a
    # file that must stay exactly as it was handed over.
    loader = importlib.machinery.SourceFileLoader("gold_score", str(GOLD / "score.py.txt"))
    spec = importlib.util.spec_from_loader("gold_score", loader)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(result_json: dict, name: str, tmp_path: Path) -> dict[str, float]:
    """Run the gold scorer (testing/gold/score.py.txt) and return its three measures."""
    extracted = tmp_path / f"{name}.extracted.json"
    extracted.write_text(json.dumps(result_json, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _scorer().main(["score.py", str(extracted), str(GOLD / f"{name}.json"), "--verbose"])
    line = next(x for x in out.getvalue().splitlines() if x.startswith("score:"))
    measures = dict(part.split("=") for part in line.removeprefix("score:").split())
    measures = {k: float(v) for k, v in measures.items()}
    measures["_report"] = out.getvalue()
    return measures


def seed_blocks(name: str) -> list[Block]:
    return read_document(SEEDS / f"{name}.txt", f"{name}.txt").blocks


def table_rows(block: Block) -> tuple[int, list[list[str]]]:
    """A seed table's rows as a real table holds them: split rows joined, doubled tabs dropped."""
    layout = layout_of(block)
    width = len(layout.columns) if layout else max(len(r) for r in block.rows)
    header_rows = layout.header_rows if layout else 0
    rows = [_fit_row(r, width) for r in block.rows[:header_rows]]
    for cells, _, _ in _logical_rows(block.rows[header_rows:], width):
        rows.append(cells if len([c for c in cells if c.strip()]) == 1 and len(cells) == 1 else _fit_row(cells, width))
    return width, rows


def to_docx(blocks: list[Block]) -> bytes:
    """The seed as Word: paragraphs, and tables whose section rows are merged across and whose
    continuation rows (empty 序号) are merged vertically with the row above, as in the original."""
    import docx

    document = docx.Document()
    for block in blocks:
        if not block.is_table:
            document.add_paragraph(block.text)
            continue
        width, rows = table_rows(block)
        table = document.add_table(rows=0, cols=width)
        previous = None
        for cells in rows:
            row = table.add_row()
            if len(cells) == 1:
                merged = row.cells[0].merge(row.cells[width - 1])
                merged.text = cells[0]
                previous = None
                continue
            continuation = previous is not None and not cells[0].strip()
            for i, text in enumerate(cells):
                if continuation and not text.strip() and previous[i].strip():
                    above = table.rows[len(table.rows) - 2].cells[i]
                    above.merge(row.cells[i])
                else:
                    row.cells[i].text = text
            previous = cells
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_xlsx(blocks: list[Block]) -> bytes:
    """Each recognised table as its own sheet, with the paragraphs above it as title rows."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    titles: list[str] = []
    for block in blocks:
        if not block.is_table:
            titles.append(block.text)
            continue
        if layout_of(block) is None:
            titles = []
            continue
        sheet = workbook.create_sheet(f"表{len(workbook.worksheets) + 1}")
        for title in titles[-4:]:
            sheet.append([title])
        width, rows = table_rows(block)
        for cells in rows:
            sheet.append(cells)
            if len(cells) == 1:
                sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
        titles = []
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_untabbed_text(blocks: list[Block]) -> bytes:
    """The seed as other districts send it: every table cell its own paragraph, no tabs,
    wrapped unit names joined with 、, a blank line between paragraphs."""
    lines: list[str] = []
    for block in blocks:
        if not block.is_table:
            lines.append((" " if block.starts_document else "") + block.text)
            lines.append("")
            continue
        _, rows = table_rows(block)
        for cells in rows:
            for cell in cells:
                lines.append(_one_paragraph(cell))
                lines.append("")
    return "\n".join(lines).encode("utf-8")


def _one_paragraph(cell: str) -> str:
    parts = [p.strip() for p in cell.split("\n") if p.strip()]
    out = ""
    for part in parts:
        wrapped_tail = len(part) <= 6 and not part.startswith(("区", "市", "各"))
        if out and not part.startswith(("（", "(")) and not wrapped_tail:
            out += "、"
        out += part
    return out
