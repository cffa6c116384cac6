"""The offline round trip: a unit's workbook out, edited and sorted, back in (import_progress)."""

import datetime as dt
import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from ledgers import importer
from ledgers.unit_workbook import write_unit_workbook
from tasks import services
from tasks.models import Assignment, EventAction, ProgressReport, TaskEvent

from .conftest import open_xlsx

COLUMNS = {"id": 1, "version": 2, "text": 4, "progress": 8, "problems": 9, "next_steps": 10, "percent": 11}


@pytest.fixture
def unit_plan(plan, personas):
    """区发改委 leads tasks 1 and 2 and two more, and supports one: five shares on two sheets."""
    extra = [
        services.create_task(
            personas.supervisor,
            text=f"第{n}项补充任务。",
            number=str(n),
            deadline=dt.date(2026, 12, 31),
            lead_units=[personas.lead_unit],
        )
        for n in (5, 6)
    ]
    extra.append(
        services.create_task(
            personas.supervisor,
            text="配合区工信局开展调研。",
            number="7",
            lead_units=[personas.support_unit],
            support_units=[personas.lead_unit],
        )
    )
    return [*plan, *extra]


def workbook_bytes(unit) -> bytes:
    buffer = io.BytesIO()
    write_unit_workbook(unit, buffer)
    return buffer.getvalue()


def edit(data: bytes, changes: dict, *, sheet="牵头任务", reverse=True) -> bytes:
    """Set {assignment id: {column: value}} and sort the sheet's rows backwards."""
    wb = open_xlsx(data)
    ws = wb[sheet]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    for row in rows:
        for key, value in changes.get(row[0], {}).items():
            row[COLUMNS[key] - 1] = value
    if reverse:
        rows.reverse()
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # as Excel keeps a quote-prefixed text: never a formula
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(tmp_path, data: bytes, user: str, *extra, name="unit.xlsx") -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    out = StringIO()
    call_command("import_progress", str(path), "--user", user, "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def lead_shares(personas):
    return list(Assignment.objects.filter(unit=personas.lead_unit, role="lead").order_by("task_id"))


def test_the_workbook_carries_hidden_ids_versions_and_two_sheets(unit_plan, personas):
    wb = open_xlsx(workbook_bytes(personas.lead_unit))
    assert wb.sheetnames == ["牵头任务", "配合任务", "_duban"]
    assert wb["_duban"].sheet_state == "veryHidden"
    lead = wb["牵头任务"]
    assert lead.column_dimensions["A"].hidden and lead.column_dimensions["B"].hidden
    assert [c.value for c in lead[3]][:2] == ["ID", "版本"]
    ids = sorted(row[0] for row in lead.iter_rows(min_row=4, values_only=True))
    assert ids == [a.pk for a in lead_shares(personas)]
    assert [row[3] for row in wb["配合任务"].iter_rows(min_row=4, values_only=True)] == ["配合区工信局开展调研。"]
    assert lead.cell(4, 8).fill.fgColor.rgb.endswith("FFF2CC")  # the columns to fill are yellow
    assert lead.freeze_panes == "A4" and lead.auto_filter.ref


def test_round_trip_two_edited_rows_of_a_sorted_sheet_change_exactly_two_shares(unit_plan, personas, tmp_path):
    shares = lead_shares(personas)
    first, third = shares[0], shares[2]
    data = edit(
        workbook_bytes(personas.lead_unit),
        {
            first.pk: {"progress": "已完成项目选址", "problems": "用地指标紧张", "percent": 40},
            third.pk: {"progress": "活动方案已印发", "next_steps": "12月开展第二轮", "percent": "60%"},
        },
    )
    preview = run(tmp_path, data, "lead_clerk")
    assert preview["applied"] is False and preview["rows"] == 5
    assert {c["assignment"] for c in preview["changed"]} == {first.pk, third.pk}
    assert not ProgressReport.objects.exists()

    applied = run(tmp_path, data, "lead_clerk", "--apply")
    assert applied["applied"] is True
    assert sorted((c["assignment"], tuple(c["fields"])) for c in applied["changed"]) == sorted(
        [(first.pk, ("进展情况", "存在问题", "完成比例")), (third.pk, ("进展情况", "下一步计划", "完成比例"))]
    )
    assert applied["conflicts"] == applied["errors"] == applied["ignored"] == []
    reports = {r.assignment_id: r for r in ProgressReport.objects.all()}
    assert set(reports) == {first.pk, third.pk}
    assert reports[first.pk].problems == "用地指标紧张" and reports[first.pk].author == personas.lead_clerk
    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.percent, third.percent) == (40, 60) and first.state == "in_progress"
    events = TaskEvent.objects.filter(action=EventAction.REPORTED, actor=personas.lead_clerk)
    assert {e.assignment_id for e in events} == {first.pk, third.pk}

    again = run(tmp_path, data, "lead_clerk", "--apply")
    assert again["changed"] == [] and again["applied"] is False
    assert ProgressReport.objects.count() == 2


def test_a_share_changed_since_the_export_is_a_conflict_never_overwritten(unit_plan, personas, tmp_path):
    shares = lead_shares(personas)
    exported = workbook_bytes(personas.lead_unit)
    services.report_progress(personas.lead_head, shares[0], progress="负责人在线报送", percent=20)
    services.report_progress(personas.lead_head, shares[1], progress="另一项在线报送", percent=30)
    data = edit(exported, {shares[0].pk: {"progress": "离线填写的进展", "percent": 50}})
    result = run(tmp_path, data, "lead_clerk", "--apply")
    assert result["changed"] == [] and result["applied"] is False
    assert [c["assignment"] for c in result["conflicts"]] == [shares[0].pk]
    assert "版本" in result["conflicts"][0]["message"]
    # The row nobody edited is not a conflict either: Duban simply moved on.
    assert ProgressReport.objects.count() == 2
    assert shares[0].reports.get().progress == "负责人在线报送"


def test_row_errors_and_ignored_edits(unit_plan, personas, tmp_path):
    shares = lead_shares(personas)
    data = edit(
        workbook_bytes(personas.lead_unit),
        {
            shares[0].pk: {"progress": "进展", "percent": 120},
            shares[1].pk: {"progress": "", "problems": "只填了问题", "percent": 10},
            shares[2].pk: {"text": "把任务改短", "progress": "正常推进", "percent": 30},
            shares[3].pk: {"percent": "约一半"},
        },
        reverse=False,
    )
    result = run(tmp_path, data, "lead_clerk")
    errors = {e["row"]: e["message"] for e in result["errors"]}
    assert "超出范围" in errors[4] and "0到100" in errors[4]
    assert errors[5] == "请填写进展情况"
    assert "不是数字" in errors[7]
    assert [c["assignment"] for c in result["changed"]] == [shares[2].pk]
    assert result["ignored"] == [
        {"row": 6, "sheet": "牵头任务", "assignment": shares[2].pk, "fields": ["工作任务和要求"]}
    ]


def test_a_row_of_another_unit_is_an_error(unit_plan, personas, tmp_path):
    shares = lead_shares(personas)
    foreign = Assignment.objects.get(unit=personas.other_unit)
    data = edit(workbook_bytes(personas.lead_unit), {shares[0].pk: {"id": foreign.pk, "progress": "x", "percent": 5}})
    result = run(tmp_path, data, "lead_clerk", "--apply")
    assert result["errors"][0]["message"] == "该行属于其他单位（区教育体育局），不予导入"
    assert result["applied"] is False and not ProgressReport.objects.exists()


def test_the_supervision_office_may_import_a_units_workbook(unit_plan, personas, tmp_path):
    share = lead_shares(personas)[0]
    data = edit(workbook_bytes(personas.lead_unit), {share.pk: {"progress": "督查室代为录入", "percent": 10}})
    assert run(tmp_path, data, "supervisor", "--apply")["applied"] is True
    assert share.reports.get().author == personas.supervisor


def _zip(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _without_id_column(data: bytes) -> bytes:
    wb = open_xlsx(data)
    wb["牵头任务"].delete_cols(1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _plain_workbook() -> bytes:
    wb = Workbook()
    wb.active.append(["ID", "进展情况"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_macro(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/vbaProject.bin"] = b"\x00" * 64
    return _zip(parts)


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (lambda u: b"this is not a workbook", "unit.xlsx", "不是有效的 Excel"),
        (lambda u: workbook_bytes(u), "unit.xlsm", "含宏"),
        (lambda u: _with_macro(workbook_bytes(u)), "unit.xlsx", "含宏"),
        (
            lambda u: _zip({"[Content_Types].xml": "<a/>", "xl/big.bin": b"\0" * (30 * 1024 * 1024)}),
            "b.xlsx",
            "压缩炸弹",
        ),
        (lambda u: workbook_bytes(u), "unit.csv", ".xlsx"),
        (lambda u: _without_id_column(workbook_bytes(u)), "unit.xlsx", "缺少 ID 列"),
        (lambda u: _plain_workbook(), "unit.xlsx", "不是从督办下载"),
    ],
    ids=["not-xlsx", "xlsm-name", "macro-inside", "zip-bomb", "csv-name", "no-id-column", "not-ours"],
)
def test_bad_files_are_refused_with_a_message_and_change_nothing(unit_plan, personas, tmp_path, make, name, message):
    data = make(personas.lead_unit)
    with pytest.raises(CommandError, match=message):
        run(tmp_path, data, "lead_clerk", "--apply", name=name)
    assert not ProgressReport.objects.exists()


def test_another_units_workbook_is_refused(unit_plan, personas, tmp_path):
    data = workbook_bytes(personas.lead_unit)
    with pytest.raises(CommandError, match="这是「区发展和改革委员会」的进展填报表"):
        run(tmp_path, data, "support_clerk", "--apply")


def test_a_percentage_typed_in_excel_reads_as_percent(unit_plan, personas, tmp_path):
    """Typing 60% in Excel stores 0.6 formatted as a percentage."""
    share = lead_shares(personas)[0]
    wb = open_xlsx(workbook_bytes(personas.lead_unit))
    ws = wb["牵头任务"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == share.pk)
    ws.cell(row, COLUMNS["progress"]).value = "过半"
    ws.cell(row, COLUMNS["percent"]).value = 0.6
    ws.cell(row, COLUMNS["percent"]).number_format = "0%"
    out = io.BytesIO()
    wb.save(out)
    result = run(tmp_path, out.getvalue(), "lead_clerk", "--apply")
    assert result["errors"] == [] and result["applied"] is True
    share.refresh_from_db()
    assert share.percent == 60


def test_percent_parsing():
    assert importer.parse_percent("60%") == 60 and importer.parse_percent("100") == 100
    assert importer.parse_percent("0") == 0 and importer.parse_percent("75.0") == 75
    for bad in ("120", "-1", "50.5", "", "abc"):
        with pytest.raises(Exception, match="完成比例"):
            importer.parse_percent(bad)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2048), zipped=st.booleans())
def test_arbitrary_bytes_are_refused_never_crash(data, zipped):
    if zipped:
        data = _zip({"[Content_Types].xml": data, "xl/workbook.xml": data})
    try:
        importer.read_workbook(data, "x.xlsx")
    except importer.ImportRefused as exc:
        assert str(exc)
