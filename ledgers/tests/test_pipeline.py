"""Large ledgers: the worksheet that keeps nothing per written row (xlsx.TableWorksheet) and the
writer process beside the one that reads (ledgers.pipeline)."""

import io
import os
import signal
import time
import zipfile

import pytest
from xlsxwriter.worksheet import Worksheet

from ledgers import exports, pipeline
from ledgers.rows import COLUMNS, Ledger, SectionRow, TaskRow
from ledgers.xlsx import Book, TableSheet, TableWorksheet, write_ledger
from tasks.lights import Light

from .conftest import open_xlsx, table_rows


def _rows(count: int):
    """`count` task rows under a new section every ten, with text that wraps, line breaks,
    formula-looking text and control characters."""
    for n in range(count):
        if n % 10 == 0:
            yield SectionRow(level=n // 10 % 2, title=f"{n // 10 + 1}、第{n // 10 + 1}部分")
        cells = {column.key: "" for column in COLUMNS}
        cells.update(
            seq=n + 1,
            text=f"任务{n}：" + "推进重点项目建设，" * (n % 7) + ("\n下一步" if n % 3 else "=SUM(A1)") + "\x07",
            lead="区发改委",
            percent=f"{n % 100}%",
            state="办理中",
            light=Light.RED.label,
        )
        yield TaskRow(task_id=n, cells=cells, light=(Light.GREEN, Light.YELLOW, Light.RED, Light.GREY)[n % 4])


def _ledger(count: int, rows=None) -> Ledger:
    return Ledger(title="台账", subtitle="导出时间", columns=COLUMNS, rows=rows or _rows(count), total=count)


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _written(ledger: Ledger, write=write_ledger, **kwargs) -> bytes:
    out = io.BytesIO()
    write(ledger, out, **kwargs)
    return out.getvalue()


def test_table_worksheet_writes_what_the_stock_worksheet_writes(monkeypatch):
    """The same XML, byte for byte, as XlsxWriter's own worksheet (a new XlsxWriter that changes
    what TableWorksheet overrides fails here)."""
    ours = _sheet_xml(_written(_ledger(120)))
    monkeypatch.setattr(Book, "add_sheet", lambda self, title: self.workbook.add_worksheet(title[:31]))
    stock = _sheet_xml(_written(_ledger(120)))
    assert ours == stock
    assert b"<mergeCell " in ours and b"=SUM(A1)" in ours


@pytest.mark.parametrize("sheet_class", [TableWorksheet, Worksheet])
def test_table_worksheet_keeps_nothing_per_written_row(sheet_class, monkeypatch):
    """Row heights and merged cells of written rows are dropped (the stock worksheet, the control,
    keeps every one of them)."""
    monkeypatch.setattr(Book, "add_sheet", lambda self, title: self.workbook.add_worksheet(title, sheet_class))
    book = Book(io.BytesIO())
    sheet = TableSheet.start(book, "台账", title="台账", subtitle="", columns=COLUMNS)
    for row in _rows(500):
        if isinstance(row, SectionRow):
            sheet.section(row)
        else:
            sheet.row(row.cells)
    kept = (len(sheet.ws.row_info), len(sheet.ws.row_sizes), len(sheet.ws.merged_cells))
    book.close()
    if sheet_class is TableWorksheet:
        assert max(kept) <= 1
    else:
        assert kept[0] > 500 and kept[2] > 500


def test_the_writer_process_writes_the_same_workbook():
    here = _written(_ledger(250))
    beside = _written(_ledger(250), pipeline.write_ledger_beside)
    assert _sheet_xml(beside) == _sheet_xml(here)


def test_the_writer_process_writes_to_a_path_and_reports_progress(tmp_path):
    target = tmp_path / "台账.xlsx"
    seen = []
    stats = {}
    done = pipeline.write_ledger_beside(
        _ledger(1200), str(target), on_progress=lambda d, t: seen.append((d, t)), stats=stats
    )
    assert done == 1200
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]
    assert stats["writer_peak_kib"] is None or stats["writer_peak_kib"] >= 0
    ws = open_xlsx(str(target)).active
    assert ws["A1"].value == "台账" and sum(isinstance(r[0], int) for r in table_rows(ws)) == 1200
    assert os.listdir(tmp_path) == ["台账.xlsx"]  # the temporary file went


def test_a_failing_writer_fails_the_export_and_leaves_nothing(tmp_path):
    """A row the writer cannot write: the error comes back here, no file is left."""
    bad = [*_rows(5), {"not": "a row"}, *_rows(3000)]
    target = tmp_path / "台账.xlsx"
    with pytest.raises(pipeline.WriterFailed, match="台账写入进程失败：AttributeError"):
        pipeline.write_ledger_beside(_ledger(3005, rows=iter(bad)), str(target))
    assert os.listdir(tmp_path) == []


def test_a_failure_while_reading_stops_the_writer_and_leaves_nothing(tmp_path):
    def failing():
        yield from _rows(700)
        raise RuntimeError("数据库连接中断")

    target = tmp_path / "台账.xlsx"
    with pytest.raises(RuntimeError, match="数据库连接中断"):
        pipeline.write_ledger_beside(_ledger(1000, rows=failing()), str(target))
    assert os.listdir(tmp_path) == []


@pytest.mark.django_db
def test_exports_above_the_threshold_go_through_the_writer_process(plan, personas, settings, monkeypatch):
    """exports.export: the same ledger whichever process writes it; the writer process only
    above LEDGER_WRITER_PROCESS_ROWS."""
    used = []
    original = pipeline.write_ledger_beside
    monkeypatch.setattr(pipeline, "write_ledger_beside", lambda *a, **k: used.append(1) or original(*a, **k))
    outputs = {}
    for threshold in (0, 4, 3):
        settings.LEDGER_WRITER_PROCESS_ROWS = threshold
        out = io.BytesIO()
        shares = exports.readable_shares(personas.supervisor)
        assert exports.export(personas.supervisor, shares, out, now=plan[0].created) == 4
        outputs[threshold] = out.getvalue()
    assert used == [1]  # 4 tasks: written here at 0 (never) and 4, beside at 3
    assert _sheet_xml(outputs[0]) == _sheet_xml(outputs[4]) == _sheet_xml(outputs[3])
    ws = open_xlsx(outputs[3]).active
    assert [r[1] for r in table_rows(ws) if isinstance(r[0], int)][:2] == [
        "推进重点项目建设。",
        "=SUM(A1:A3) 加快专项债券项目开工。",
    ]


def test_a_killed_exporting_process_leaves_no_file(tmp_path):
    """The exporting process killed outright mid-way (a Celery time limit, an OOM kill): the
    writer sees the pipe close, stops, and removes its temporary file."""

    def slow_rows():
        for row in _rows(100_000):
            time.sleep(0.001)
            yield row

    pid = os.fork()
    if pid == 0:  # the exporting process
        try:
            pipeline.write_ledger_beside(_ledger(100_000, rows=slow_rows()), str(tmp_path / "台账.xlsx"))
        finally:
            os._exit(0)
    deadline = time.monotonic() + 10
    while not os.listdir(tmp_path) and time.monotonic() < deadline:  # the writer has started
        time.sleep(0.05)
    assert os.listdir(tmp_path), "the writer's temporary file never appeared"
    time.sleep(0.3)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    deadline = time.monotonic() + 10
    while os.listdir(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert os.listdir(tmp_path) == []


def test_a_writer_that_dies_without_a_word_fails_the_export(tmp_path, monkeypatch):
    """The writer killed by the system mid-way (no message sent): a clear failure, no file."""

    def dies(conn, path, *args):
        conn.recv()
        os._exit(9)

    monkeypatch.setattr(pipeline, "_child", dies)
    with pytest.raises(pipeline.WriterFailed, match="写入进程意外退出"):
        pipeline.write_ledger_beside(_ledger(3000), str(tmp_path / "台账.xlsx"))
    assert os.listdir(tmp_path) == []


def test_without_a_process_to_spare_the_ledger_is_written_here(tmp_path, monkeypatch):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(pipeline.os, "fork", refused)
    target = tmp_path / "台账.xlsx"
    seen = []
    assert pipeline.write_ledger_beside(_ledger(600), str(target), on_progress=lambda d, t: seen.append(d)) == 600
    assert seen == [500, 600]
    assert _sheet_xml(target.read_bytes()) == _sheet_xml(_written(_ledger(600)))
    assert os.listdir(tmp_path) == ["台账.xlsx"]
