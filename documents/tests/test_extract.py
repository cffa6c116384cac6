"""Extractors on small documents written the way other governments write them."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.extract import extract_blocks
from documents.extract.deadlines import find_deadline_in_sentence, find_reporting_schedule, parse_deadline
from documents.extract.numbering import parse_number
from documents.extract.prose import find_annotation, find_sentence_roles, parse_annotation
from documents.pipeline import extract_file
from documents.readers import ReaderError, read_document, render_text


@pytest.fixture(scope="module")
def registry():
    from units.resolver import Registry

    return Registry.from_fixture()


def _extract(text: str, registry, filename="a.txt"):
    return extract_file(text.encode("utf-8"), filename, registry)


def _names(refs):
    return [r.written for r in refs]


# --- deadlines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "date", "ongoing", "recurrence"),
    [
        ("2021年12月底前", None, dt.date(2021, 12, 31), False, ""),
        ("2021年6月30日前", None, dt.date(2021, 6, 30), False, ""),
        ("2022年底前", None, dt.date(2022, 12, 31), False, ""),
        ("2023年上半年", None, dt.date(2023, 6, 30), False, ""),
        ("2023年第三季度", None, dt.date(2023, 9, 30), False, ""),
        ("6月底前", 2021, dt.date(2021, 6, 30), False, ""),
        ("9月投入使用", 2022, dt.date(2022, 9, 30), False, ""),
        ("10月中旬前", 2022, dt.date(2022, 10, 20), False, ""),
        ("年底前", 2021, dt.date(2021, 12, 31), False, ""),
        ("预计今年12月交付使用", 2023, dt.date(2023, 12, 31), False, ""),
        ("到2025年", None, dt.date(2025, 12, 31), False, ""),
        ("至2025年底", None, dt.date(2025, 12, 31), False, ""),
        ("长期坚持", 2021, None, True, ""),
        ("持续推进", 2021, None, True, ""),
        ("常态化", 2021, None, True, ""),
        ("每季度", 2021, None, True, "每季度"),
        ("每月", 2021, None, True, "每月"),
        ("每年", 2021, None, True, "每年"),
        ("按要求", 2021, None, False, ""),
        ("", 2021, None, False, ""),
        ("6月底前", None, None, False, ""),
    ],
)
def test_parse_deadline(text, year, date, ongoing, recurrence):
    parsed = parse_deadline(text, year)
    assert (parsed.date, parsed.ongoing, parsed.recurrence) == (date, ongoing, recurrence)


def test_deadline_inside_a_task_sentence():
    parsed = find_deadline_in_sentence("加快发展。到2025年，省级龙头企业达到3家以上。", 2023)
    assert parsed.text == "到2025年" and parsed.date == dt.date(2025, 12, 31)
    assert find_deadline_in_sentence("2023年全区工作要点", 2023).date is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("各责任单位于每季度末月20日前报送工作进展。", "每季度末月20日前报送"),
        ("请每月25日前将进展情况报区政府督查室。", "每月25日前将进展情况报区"),
        ("主要负责同志每年至少听取1次工作情况汇报。", ""),
    ],
)
def test_reporting_schedule(text, expected):
    assert find_reporting_schedule(text) == expected


# --- numbering and annotations ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "style", "number"),
    [
        ("一、总体要求", "cn", "一"),
        ("（十六）抓好落实", "paren_cn", "（十六）"),
        ("(六)全面巩固", "paren_cn", "(六)"),
        ("3.多样化促加工", "arabic", "3"),
        ("2.4.1　指挥协调组。", "decimal", "2.4.1"),
        ("（2）加强值守", "paren_arabic", "（2）"),
    ],
)
def test_parse_number(text, style, number):
    parsed = parse_number(text)
    assert (parsed.style, parsed.number) == (style, number)


@pytest.mark.parametrize("text", ["2023年昌江区", "1.55", "1万户", "12小时报告：", "2023—2025年每年"])
def test_not_an_outline_number(text):
    assert parse_number(text) is None


def test_annotation_with_roles_and_leader():
    text = "推进某项工作。（责任领导：张三；牵头单位：区发改委；责任单位：区财政局、区商务局）"
    start, end, inner = find_annotation(text)
    assert text[start:end].startswith("（责任领导")
    assert parse_annotation(inner) == {"leader": "张三", "lead": "区发改委", "support": "区财政局、区商务局"}


def test_sentence_roles():
    assert find_sentence_roles("由区应急管理局牵头，区消防救援大队等参加。负责…") == ("区应急管理局", "区消防救援大队")
    assert find_sentence_roles("由区发展改革委牵头，视损毁种类，由区交通运输局、昌江供电公司等参加。") == (
        "区发展改革委",
        "区交通运输局、昌江供电公司",
    )
    assert find_sentence_roles("区政府政务公开办公室作为牵头单位，要加大指导力度。") == ("区政府政务公开办公室", "")


# --- whole documents in other layouts -----------------------------------------------------

DIVISION_OTHER_ORDER = """关于印发2022年重点工作责任分工方案的通知
各乡镇人民政府，区直各单位：
现将方案印发给你们。
\t序号
\t工作任务
\t完成时限
\t牵头部门
\t配合单位

\t一、稳增长

\t1
\t推进项目建设，完成投资目标。
\t2022年6月底前
\t区发改委
\t区财政局、区工信局

\t2
\t开展专项整治。
\t长期坚持
\t区市场监管局
\t各乡镇（街道）
"""


def test_division_table_with_other_columns_and_order(registry):
    result = _extract(DIVISION_OTHER_ORDER, registry)
    assert [i.text for i in result.items] == ["推进项目建设，完成投资目标。", "开展专项整治。"]
    first, second = result.items
    assert _names(first.lead_units) == ["区发改委"] and _names(first.support_units) == ["区财政局", "区工信局"]
    assert first.deadline == dt.date(2022, 6, 30) and first.section_path == ["一、稳增长"]
    assert second.ongoing and second.deadline is None
    assert result.metadata.kind == "division"


def test_one_unit_column_first_listed_is_lead(registry):
    text = "\n".join(["\t序号", "\t工作内容", "\t责任单位", "", "\t1", "\t做好工作。", "\t区林业局、区商务局", ""])
    item = _extract("2022年工作分工方案\n" + text, registry).items[0]
    assert _names(item.lead_units) == ["区林业局"] and _names(item.support_units) == ["区商务局"]


def test_inline_annotations_and_carry_forward(registry):
    text = """关于印发《某行动方案》的通知
各乡镇人民政府，区直有关单位：
一、重点任务
1.第一项。到2025年完成。[责任单位：区农业农村水利局、各乡镇（街道）（涉及以下各项任务，不再列出）]
2.第二项。（牵头单位：区商务局；责任单位：区林业局）
3.第三项。[责任部门：区科技局、区林业局]
4.第四项没有标注。
"""
    items = _extract(text, registry).items
    assert [i.number for i in items] == ["1", "2", "3"]
    assert _names(items[0].lead_units) == ["区农业农村水利局"]
    assert items[0].deadline == dt.date(2025, 12, 31)
    assert _names(items[1].lead_units) == ["区商务局"]
    assert _names(items[1].support_units) == ["区林业局", "各乡镇（街道）"]
    assert _names(items[2].lead_units) == ["区科技局"]
    assert _names(items[2].support_units) == ["区林业局", "各乡镇（街道）"]
    assert "责任单位" not in items[0].text


def test_generic_department_sentence_is_not_an_item(registry):
    text = """关于印发《游泳教育实施方案》的通知
各乡镇人民政府：
1. 多方式培养师资。由教育体育部门牵头，相关部门配合，分期培训。
2. 建设场馆。由区教体局牵头，区财政局等配合，建成场馆。
"""
    items = _extract(text, registry).items
    assert len(items) == 1
    assert _names(items[0].lead_units) == ["区教体局"] and _names(items[0].support_units) == ["区财政局"]


def test_work_points_are_items_even_without_units(registry):
    text = """2022年政务公开工作要点
一、信息公开
(一)做好数据公开。持续做好。
(二)做好决策公开。由区政府办公室、区司法局牵头梳理目录。
二、组织保障
(三)加强统筹。
"""
    result = _extract(text, registry)
    assert [i.number for i in result.items] == ["(一)", "(二)", "(三)"]
    assert result.items[0].lead_units == [] and _names(result.items[1].lead_units) == ["区政府办公室", "区司法局"]
    assert result.items[2].section_path == ["二、组织保障"]
    assert result.items[0].deadline == dt.date(2022, 12, 31)  # annual plan: end of its year


def test_notice_without_units_and_meeting_reports_give_no_items(registry):
    text = """关于持续推进为基层减负工作的通知
各乡镇人民政府，区政府各部门：
1.加强发文计划管理。
2.严控会议。
 区政府第23次常务会议召开
会议强调，要抓好落实。
"""
    result = _extract(text, registry)
    assert result.items == []
    assert result.warnings and "没有识别出工作任务" in result.warnings[0]


def test_company_list_table_is_not_work(registry):
    text = "\n".join(["\t序号", "\t企业名称", "", "\t1", "\t某某有限公司", ""])
    assert _extract("表彰名单\n" + text, registry).items == []


# --- property: arbitrary text never crashes the extractors ---------------------------------

PIECES = st.sampled_from(
    [
        "\t",
        "\n",
        "\n\n",
        " ",
        "一、",
        "（一）",
        "1.",
        "2.4.1　",
        "序号",
        "工作任务",
        "牵头单位",
        "责任单位",
        "完成时限",
        "学校名称",
        "上学值勤时间",
        "2023年",
        "2024年",
        "[责任单位：",
        "]",
        "（牵头单位：",
        "）",
        "由区发改委牵头，",
        "区财政局等参加。",
        "作为牵头单位",
        "各乡镇（街道）",
        "（涉及以下各项任务，不再列出）",
        "关于印发《工作要点》的通知",
        "各乡镇人民政府：",
        "区政府第1次常务会议召开",
        "6月底前",
        "7:30-8:00",
        "做好工作。",
        "",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=60), st.text(max_size=40))
def test_arbitrary_documents_never_crash_the_extractors(registry, pieces, noise):
    text = "".join(pieces) + noise
    if not text.strip():
        return
    try:
        blocks = read_document(text.encode("utf-8"), "a.txt").blocks
    except ReaderError:
        return  # binary noise (NUL bytes) is refused with a message, which is fine
    render_text(blocks)
    extraction = extract_blocks(blocks, registry)
    for item in extraction.items:
        item.to_json()
