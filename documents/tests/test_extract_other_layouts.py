"""Documents of other districts and counties (浮梁县, 乐平市, 珠山区, a made-up 青溪县), in
other column orders, unit names and layouts, score at the seeds' thresholds against their
hand-written gold (documents/tests/data/other/).

The Word and Excel documents are built here at run time from `<name>.docx.json` /
`<name>.xlsx.json` (paragraphs, header, rows; a string row is a section row merged across
the table); text documents are read as they are. Each document is extracted twice: with a
small registry of its own district, where the names resolve, and with the Changjiang
registry, where they are unknown and must still come out as written (canonical null).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from documents.pipeline import extract_file
from documents.tests.seedtools import THRESHOLDS, _scorer
from units.resolver import GroupRecord, Registry, UnitRecord

OTHER = Path(__file__).resolve().parent / "data" / "other"

DOCUMENTS = {
    "fuliang_division": ("docx", "浮梁县"),
    "leping_units_column": ("docx", "乐平市"),
    "zhushan_tasks": ("xlsx", "珠山区"),
    "fuliang_untabbed": ("txt", "浮梁县"),
    "leping_action_plan": ("txt", "乐平市"),
    "fuliang_emergency": ("txt", "浮梁县"),
    "zhushan_work_points": ("txt", "珠山区"),
    "qingxi_unknown_units": ("docx", "青溪县"),
    "zhushan_two_row_header": ("docx", "珠山区"),
}

# (full name, short name) per district; 青溪县 knows only some of the names its table uses.
_COUNTY = [
    ("县发展和改革委员会", "县发改委"),
    ("县财政局", ""),
    ("县行政审批局", ""),
    ("县市场监督管理局", "县市场监管局"),
    ("县自然资源局", ""),
    ("县住房和城乡建设局", "县住建局"),
    ("国家税务总局浮梁县税务局", "县税务局"),
    ("县人力资源和社会保障局", "县人社局"),
    ("县司法局", ""),
    ("县公安局", ""),
    ("县交通运输局", ""),
    ("县应急管理局", ""),
    ("县卫生健康委员会", "县卫健委"),
    ("县教育体育局", "县教体局"),
    ("县工业和信息化局", "县工信局"),
    ("县医疗保障局", "县医保局"),
    ("县文化广电新闻出版旅游局", "县文广新旅局"),
    ("县消防救援大队", ""),
    ("县气象局", ""),
    ("县水利局", ""),
    ("县民政局", ""),
    ("县委宣传部", ""),
    ("县融媒体中心", ""),
    ("县商务局", ""),
    ("市生态环境局浮梁分局", "县生态环境局"),
]
_COUNTY_GROUPS = [("各乡镇", ["各乡镇人民政府"]), ("县直各单位", ["县直有关单位"])]
_CITY = [
    ("市发展和改革委员会", "市发改委"),
    ("市工业和信息化局", "市工信局"),
    ("市科学技术局", "市科技局"),
    ("市财政局", ""),
    ("市人力资源和社会保障局", "市人社局"),
    ("市教育体育局", "市教体局"),
    ("市住房和城乡建设局", "市住建局"),
    ("市城市管理局", "市城管局"),
    ("市公安局交通管理大队", "市公安局交警大队"),
    ("市自然资源局", ""),
    ("景德镇市乐平生态环境局", "市生态环境局"),
    ("市大数据中心", ""),
    ("市通信发展管理办公室", "市通信发展办"),
    ("乐平工业园区管理委员会", "乐平工业园区管委会"),
]
_CITY_GROUPS = [("各乡镇人民政府", ["各乡镇"]), ("各街道办事处", ["各街道"])]
_URBAN = [
    ("区文化广电新闻出版旅游局", "区文广新旅局"),
    ("区商务局", ""),
    ("区住房和城乡建设局", "区住建局"),
    ("区市场监督管理局", "区市场监管局"),
    ("景德镇市公安局珠山分局", "珠山公安分局"),
    ("区城市管理局", "区城管局"),
    ("区教育体育局", "区教体局"),
    ("区财政局", ""),
]
_URBAN_GROUPS = [("各街道", ["各街道办事处"])]


def _registry(district: str) -> Registry:
    if district == "乐平市":
        units, groups, full = _CITY, _CITY_GROUPS, "景德镇市乐平市"
    elif district == "珠山区":
        units, groups, full = _URBAN, _URBAN_GROUPS, "景德镇市珠山区"
    elif district == "青溪县":
        known = {"县住建局", "县交通运输局", "县财政局", "县教体局", "县卫健委", "县应急管理局", "县商务局"}
        units = [u for u in _COUNTY if (u[1] or u[0]) in known]
        groups, full = [], "某某市青溪县"
    else:
        units, groups, full = _COUNTY, _COUNTY_GROUPS, "景德镇市浮梁县"
    return Registry.from_records(
        [UnitRecord(name=name, short_name=short) for name, short in units],
        [GroupRecord(name=name, aliases=aliases) for name, aliases in groups],
        district=full,
    )


@pytest.fixture(scope="module")
def changjiang():
    return Registry.from_fixture()


# --- building the Word and Excel documents ------------------------------------------------


def _spec(name: str, kind: str) -> dict:
    return json.loads((OTHER / f"{name}.{kind}.json").read_text(encoding="utf-8"))


def _cell_value(text: str):
    if text.startswith("@"):  # an Excel date cell
        return dt.datetime.fromisoformat(text[1:])
    return text or None


def _header_rows(spec: dict) -> list[list[str]]:
    """One header row, or two: an empty cell in the first row continues the label on its left,
    an empty cell in the second row continues the label above it (merged cells)."""
    header = spec["header"]
    return header if isinstance(header[0], list) else [header]


def build_docx(spec: dict) -> bytes:
    import docx

    document = docx.Document()
    for text in spec["paragraphs"]:
        document.add_paragraph(text)
    header = _header_rows(spec)
    width = len(header[0])
    table = document.add_table(rows=0, cols=width)
    if len(header) == 2:
        top, below = table.add_row(), table.add_row()
        for i, (upper, lower) in enumerate(zip(*header, strict=True)):
            if lower:
                below.cells[i].text = lower
            if upper:
                top.cells[i].text = upper
            elif i:
                top.cells[i - 1].merge(top.cells[i])
            if not lower and upper:
                top.cells[i].merge(below.cells[i])
    for row_spec in ([] if len(header) == 2 else header) + spec["rows"]:
        row = table.add_row()
        if isinstance(row_spec, str):
            row.cells[0].merge(row.cells[width - 1]).text = row_spec
            continue
        for cell, text in zip(row.cells, row_spec, strict=True):
            lines = text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    for text in spec["after"]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_xlsx(spec: dict) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    header = _header_rows(spec)
    width = len(header[0])
    for text in spec["paragraphs"]:
        sheet.append([text])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    sheet.append([])  # a blank row between the title and the header, as offices leave it
    for labels in header:
        sheet.append([label or None for label in labels])
    if len(header) == 2:
        top = sheet.max_row - 1
        for i, (upper, lower) in enumerate(zip(*header, strict=True), start=1):
            if upper and not lower:
                sheet.merge_cells(start_row=top, start_column=i, end_row=top + 1, end_column=i)
            elif upper and i < width and not header[0][i]:
                sheet.merge_cells(start_row=top, start_column=i, end_row=top, end_column=i + 1)
    for row_spec in spec["rows"]:
        if isinstance(row_spec, str):
            sheet.append([row_spec])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
        else:
            sheet.append([_cell_value(text) for text in row_spec])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_cell_per_line_text(spec: dict) -> bytes:
    """The same table as plain text with one cell per line, no tabs, no blank lines; an empty
    cell written "/" and a cell's lines joined with 、, as such exports do."""
    header = _header_rows(spec)
    lines = list(spec["paragraphs"]) + [label for label in header[-1] if label]
    if len(header) == 2:  # the export writes each merged label once, the roles in the second row
        lines = list(spec["paragraphs"]) + [u or d for u, d in zip(*header, strict=True) if (d or u) != "责任单位"]
        lines = [x for x in lines if x]
    for row_spec in spec["rows"]:
        if isinstance(row_spec, str):
            lines.append(row_spec)
            continue
        for text in row_spec:
            lines.append("、".join(text.removeprefix("@").split("\n")) or "/")
    lines += spec["after"]
    return "\n".join(lines).encode("utf-8")


BUILDERS = {"docx": build_docx, "xlsx": build_xlsx, "txt": build_cell_per_line_text}
TABLE_DOCUMENTS = sorted(n for n, (kind, _) in DOCUMENTS.items() if kind in ("docx", "xlsx"))


def document_bytes(name: str) -> tuple[bytes, str]:
    kind, _ = DOCUMENTS[name]
    if kind == "docx":
        return build_docx(_spec(name, kind)), f"{name}.docx"
    if kind == "xlsx":
        return build_xlsx(_spec(name, kind)), f"{name}.xlsx"
    return (OTHER / f"{name}.txt").read_bytes(), f"{name}.txt"


def extract(name: str, registry=None):
    data, filename = document_bytes(name)
    return extract_file(data, filename, registry or _registry(DOCUMENTS[name][1]))


def score(result, name: str, tmp_path: Path) -> dict:
    extracted = tmp_path / f"{name}.extracted.json"
    extracted.write_text(json.dumps(result.to_json(), ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _scorer().main(["score.py", str(extracted), str(OTHER / f"{name}.json"), "--verbose"])
    line = next(x for x in out.getvalue().splitlines() if x.startswith("score:"))
    measures = {k: float(v) for k, v in (part.split("=") for part in line.removeprefix("score:").split())}
    measures["_report"] = out.getvalue()
    return measures


def _assert_scores(measures: dict) -> None:
    for key, minimum in THRESHOLDS.items():
        assert measures[key] >= minimum, f"{key}={measures[key]}\n{measures['_report']}"


def _gold(name: str) -> list[dict]:
    return json.loads((OTHER / f"{name}.json").read_text(encoding="utf-8"))["items"]


def _written(refs) -> list[str]:
    return [r.written for r in refs]


# --- scores -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_scores_with_the_districts_registry(name, tmp_path):
    _assert_scores(score(extract(name), name, tmp_path))


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_scores_the_same_with_a_registry_that_knows_none_of_the_names(name, changjiang, tmp_path):
    """Another district's names are unknown to Changjiang's registry: they still come out, as written."""
    _assert_scores(score(extract(name, changjiang), name, tmp_path))


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
@pytest.mark.parametrize("name", TABLE_DOCUMENTS)
def test_every_table_scores_the_same_in_every_format(name, fmt, tmp_path):
    """A table does not depend on the format it arrives in: Word, Excel or tab-less text."""
    kind = DOCUMENTS[name][0]
    data = BUILDERS[fmt](_spec(name, kind))
    result = extract_file(data, f"{name}.{fmt}", _registry(DOCUMENTS[name][1]))
    _assert_scores(score(result, name, tmp_path))
    gold = _gold(name)
    assert [i.section_path[0] for i in result.items] == [g["section"] for g in gold]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_items_follow_the_gold_exactly(name):
    """Beyond the thresholds: the same items in order, numbers, every unit in its role."""
    result = extract(name)
    gold = _gold(name)
    assert len(result.items) == len(gold)
    for item, expected in zip(result.items, gold, strict=True):
        assert item.text.startswith(expected["task_prefix"]), (item.text, expected["task_prefix"])
        assert item.number == expected["number"]
        assert _written(item.lead_units) == expected["lead_units"], item.text
        assert _written(item.support_units) == expected["support_units"], item.text
        if expected.get("section"):
            assert item.section_path and item.section_path[0] == expected["section"]


# --- what each layout must get right ------------------------------------------------------


def test_division_table_in_another_column_order():
    result = extract("fuliang_division")
    items = result.items
    assert result.metadata.kind == "division"
    assert result.metadata.doc_number == "浮府办字〔2024〕15号"
    assert result.metadata.reporting_schedule.startswith("每季度末月20日前")
    assert items[3].section_path == ["二、优化市场环境", "（一）规范涉企收费"]
    assert items[5].section_path == ["二、优化市场环境", "（二）强化要素保障"]
    assert [i.deadline for i in items] == [
        dt.date(2024, 6, 30),
        None,
        dt.date(2024, 9, 30),
        dt.date(2024, 12, 31),
        None,
        dt.date(2024, 12, 31),
        dt.date(2024, 6, 30),
    ]
    assert items[1].ongoing and items[4].recurrence == "每季度"
    assert all(u.canonical for i in items for u in i.lead_units + i.support_units)
    assert items[0].lead_units[0].canonical == "县行政审批局"
    assert items[4].support_units[0].kind == "group"


def test_one_unit_column_first_listed_leads():
    result = extract("leping_units_column")
    assert result.metadata.title == "乐平市2024年城市功能品质提升行动责任分工"
    assert result.metadata.issuer == "乐平市城市功能品质提升行动领导小组办公室"
    items = result.items
    assert [u.canonical for u in items[0].lead_units] == ["市住房和城乡建设局"]
    assert [u.canonical for u in items[0].support_units] == ["市财政局", "各街道办事处"]
    assert [i.deadline for i in items] == [
        dt.date(2024, 11, 30),
        dt.date(2024, 10, 31),
        dt.date(2024, 12, 31),
        None,
        dt.date(2024, 9, 30),
    ]
    assert items[3].ongoing


def test_xlsx_with_title_rows_and_other_labels():
    result = extract("zhushan_tasks")
    assert result.reader == "xlsx"
    assert result.metadata.title == "珠山区2024年文旅融合发展重点任务表"
    items = result.items
    assert [i.section_path[0] for i in items] == ["一、打造文旅消费新场景"] * 3 + ["二、完善文旅服务设施"] * 2
    assert [i.deadline for i in items] == [
        dt.date(2024, 6, 30),
        dt.date(2024, 9, 30),
        None,
        dt.date(2024, 10, 31),
        dt.date(2024, 12, 31),
    ]
    assert items[2].ongoing
    # 责任部门 beside 协办单位: every 责任部门 unit leads
    assert [u.canonical for u in items[1].lead_units] == ["区文化广电新闻出版旅游局", "区商务局"]


def test_text_table_with_one_cell_per_line_and_no_blank_lines():
    result = extract("fuliang_untabbed")
    items = result.items
    assert items[2].support_units == []  # "/" is an empty cell, not a unit
    assert items[4].deadline_text == "汛前" and items[4].deadline is None  # no date guessed for 汛前
    assert all("办公室" not in (i.deadline_text or "") for i in items)  # the signature is not a cell
    assert [i.deadline for i in items[:2]] == [dt.date(2024, 6, 30), None]
    assert items[1].ongoing and items[2].recurrence == "每季度"
    assert result.metadata.title == "浮梁县2024年安全生产重点任务分工"


def test_action_plan_annotations_in_every_bracket_style():
    result = extract("leping_action_plan")
    items = result.items
    assert result.metadata.doc_number == "乐府办发〔2024〕9号"
    for item in items:
        assert "单位" not in item.text and "牵头" not in item.text, item.text  # annotation cut off
    assert items[0].deadline == dt.date(2025, 12, 31)
    assert items[4].deadline == dt.date(2024, 12, 31)
    assert [i.section_path for i in items[:3]] == [["一、主要任务", "（一）推进企业数字化改造"]] * 3
    assert items[5].section_path[-1] == "（三）强化人才支撑"


def test_emergency_groups():
    result = extract("fuliang_emergency")
    assert result.metadata.kind == "emergency"
    assert all(i.ongoing and i.deadline is None for i in result.items)
    assert all(not u.written.startswith("等") for i in result.items for u in i.support_units)


def test_work_points_with_year_less_deadlines():
    result = extract("zhushan_work_points")
    items = result.items
    assert result.metadata.kind == "work_points"
    assert [i.deadline for i in items] == [
        dt.date(2024, 6, 30),
        dt.date(2024, 9, 30),
        None,
        dt.date(2024, 12, 31),
        dt.date(2024, 9, 30),
        dt.date(2024, 9, 30),
        dt.date(2024, 6, 30),
    ]
    assert items[2].ongoing
    assert items[1].section_path == ["一、教育事业", "（一）扩充学位供给"]
    assert [u.canonical for u in items[1].lead_units] == ["区教育体育局"]
    assert not items[0].lead_units and not items[0].support_units  # left for review


@pytest.mark.parametrize("registry_name", ["own", "changjiang"])
def test_unknown_names_come_out_as_written(registry_name, changjiang):
    registry = changjiang if registry_name == "changjiang" else None
    items = extract("qingxi_unknown_units", registry).items
    by_written = {u.written: u for i in items for u in i.lead_units + i.support_units}
    for name in ("县城投公司", "县科协", "县红十字会", "松山乡", "青溪镇", "县供销社", "县邮政分公司"):
        assert by_written[name].canonical is None
    if registry_name == "own":
        assert by_written["县住建局"].canonical == "县住房和城乡建设局"
    assert _written(items[3].lead_units) == ["县红十字会", "县卫健委"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_two_header_rows_give_the_roles(fmt):
    """责任单位 merged over 牵头单位 | 配合单位: the second header row decides lead and support."""
    spec = _spec("zhushan_two_row_header", "docx")
    result = extract_file(BUILDERS[fmt](spec), f"a.{fmt}", _registry("珠山区"))
    items = result.items
    assert len(items) == 4
    assert [u.canonical for u in items[0].support_units] == ["各街道", "区住房和城乡建设局"]
    assert _written(items[3].lead_units) == ["各街道"]
    assert [i.deadline for i in items] == [dt.date(2024, 10, 31), dt.date(2024, 6, 30), dt.date(2024, 12, 31), None]
    assert items[3].ongoing


def test_a_unit_marked_as_lead_leads_wherever_it_is_listed(changjiang):
    """ "县财政局、县住建局（牵头）" in a 责任单位 column: the marked unit leads, the mark is dropped."""
    lines = [
        *["浮梁县2024年重点工作任务分工", "序号", "工作任务", "责任单位", "完成时限"],
        *["1", "推进县城供水管网改造。", "县财政局、县住建局（牵头）", "2024年9月底前"],
        *["2", "开展农村人居环境整治。", "县农业农村局（牵头单位）、各乡镇", "年底前"],
    ]
    text = "\n".join(lines)
    for registry in (_registry("浮梁县"), changjiang):
        items = extract_file(text.encode("utf-8"), "a.txt", registry).items
        assert _written(items[0].lead_units) == ["县住建局"] and _written(items[0].support_units) == ["县财政局"]
        assert _written(items[1].lead_units) == ["县农业农村局"] and _written(items[1].support_units) == ["各乡镇"]
