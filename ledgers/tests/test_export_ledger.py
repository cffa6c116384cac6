"""manage.py export_ledger, and the workbook it writes, opened with openpyxl."""

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl.utils.escape import unescape

from documents.models import SourceDocument
from tasks.models import Task

from .conftest import open_xlsx, table_rows

SEED_2021 = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "004_27fa458a6cee6f7a.txt"


def export(*args) -> dict:
    out = StringIO()
    call_command("export_ledger", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_done_when_the_2021_table_exports_as_a_printable_ledger(tmp_path):
    """load_demo --no-documents, the 2021 table imported and published, then export_ledger."""
    call_command("load_demo", "--no-documents", stdout=open(os.devnull, "w"))  # noqa: SIM115
    out = StringIO()
    call_command("import_document", str(SEED_2021), "--publish", "--user", "duchashi", stdout=out)
    summary = json.loads(out.getvalue())
    path = tmp_path / "F.xlsx"
    assert export("--document", summary["document"], "--out", path)["tasks"] == summary["published_tasks"]

    ws = open_xlsx(path)["台账"]
    document = SourceDocument.objects.get(pk=summary["document"])
    assert document.title in ws["A1"].value
    assert ws["A2"].value.startswith("导出时间：") and f"文件：{document}" in ws["A2"].value
    assert [c.value for c in ws[3]] == [
        "序号", "工作任务和要求", "牵头单位", "责任单位（配合）", "完成时限",
        "进展情况", "完成比例", "状态", "红黄绿灯", "最近报送", "督办",
    ]  # fmt: skip
    merged = {str(r) for r in ws.merged_cells.ranges}
    task_rows, section_rows = [], []
    for index, row in enumerate(table_rows(ws), start=4):
        if f"A{index}:K{index}" in merged:  # ten columns and 督办 (the reminders app is installed)
            section_rows.append(row[0])
        else:
            task_rows.append(row)
    # One numbered row per published task, in source order, under merged section rows.
    assert [r[0] for r in task_rows] == list(range(1, summary["published_tasks"] + 1))
    published = Task.objects.filter(source_document=document).order_by("source_item__position")
    assert [r[1] for r in task_rows] == [t.text for t in published]
    assert section_rows[0].startswith("1、") and section_rows[1] == "（一）做大陶瓷产业集群。"
    assert any(s.startswith("二、") for s in section_rows)
    assert ws["A4"].font.b and ws["A4"].fill.fgColor.rgb.endswith("EDEDED")
    # Frozen header, filter over the whole table, printable on A4 landscape.
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == f"A3:K{ws.max_row}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    # One page wide (fitToWidth left out means 1, the file format's default), as many pages tall as needed.
    assert ws.page_setup.fitToWidth in (None, 1) and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$3"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    first_task = next(r for r in range(4, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int))
    # 46 characters wide as Excel shows it (the file stores the width with Excel's 5-pixel padding).
    assert 46 <= ws.column_dimensions["B"].width < 47 and ws.cell(first_task, 2).alignment.wrap_text
    # The first task's units wrap to several lines: its row is as tall as they need.
    assert ws.row_dimensions[first_task].height >= 4 * 13.5
    assert ws["A3"].fill.fgColor.rgb.endswith("D9E1F2") and ws["A3"].font.b


@pytest.mark.django_db
def test_values_fills_and_formula_looking_text(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    export("--all", "--out", path)
    ws = open_xlsx(path).active
    rows = {r[1]: (i, r) for i, r in enumerate(table_rows(ws), start=4) if isinstance(r[0], int)}
    index, row = rows["=SUM(A1:A3) 加快专项债券项目开工。"]
    cell = ws.cell(index, 2)
    assert cell.data_type == "s" and cell.value.startswith("=")  # text, never a formula
    assert cell.quotePrefix
    assert row[2] == "区发展和改革委员会" and row[4] == "2026年12月31日" and row[7] == "待签收"
    light = ws.cell(index, 9)
    assert light.value in ("绿灯", "黄灯", "红灯")
    expected = {"绿灯": "C6EFCE", "黄灯": "FFEB9C", "红灯": "FFC7CE"}[light.value]
    assert light.fill.fgColor.rgb.endswith(expected)


@pytest.mark.django_db
def test_cells_starting_with_plus_minus_at_tab_are_text(personas, tmp_path):
    from tasks import services

    texts = ["+1 增长", "-5% 下降", "@某单位", "\t缩进", "\r回车开头", '=HYPERLINK("http://x")']
    for text in texts:
        services.create_task(personas.supervisor, text=text, lead_units=[personas.lead_unit])
    path = tmp_path / "t.xlsx"
    export("--all", "--out", path)
    ws = open_xlsx(path).active
    cells = [ws.cell(r, 2) for r in range(4, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    # A carriage return is stored as Excel stores it (_x000D_), which Excel reads back as the
    # character and openpyxl leaves as written: decode it as Excel does.
    assert {unescape(c.value) for c in cells} == set(texts)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


@pytest.mark.django_db
def test_unit_and_state_filters(plan, personas, tmp_path):
    path = tmp_path / "u.xlsx"
    assert export("--all", "--unit", personas.support_unit.pk, "--out", path)["tasks"] == 2
    ws = open_xlsx(path).active
    assert "承办单位：区工信局" in ws["A2"].value or "承办单位：区工业和信息化局" in ws["A2"].value
    texts = [r[1] for r in table_rows(ws) if isinstance(r[0], int)]
    assert texts == ["推进重点项目建设。", "开展促消费活动。"]
    assert export("--all", "--state", "done", "--out", path)["tasks"] == 0


@pytest.mark.django_db
def test_bad_arguments(plan, tmp_path):
    with pytest.raises(CommandError, match="xlsx"):
        export("--all", "--out", tmp_path / "x.csv")
    with pytest.raises(CommandError, match="筛选条件无效"):
        export("--document", 999999, "--out", tmp_path / "x.xlsx")
    with pytest.raises(CommandError):
        export("--out", tmp_path / "x.xlsx")


@pytest.mark.django_db
def test_export_as_a_user_sees_only_their_tasks(plan, personas, tmp_path):
    path = tmp_path / "c.xlsx"
    assert export("--all", "--user", "other_clerk", "--out", path)["tasks"] == 1
