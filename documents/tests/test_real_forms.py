"""The forms of issue 11 one by one, on short passages (the real documents that carry them
are scored in test_extract_real.py): prose roles, prefix-less and carried names, groups with
a separator inside, "X等相关部门", the first-listed-leads statement, provenance guesses."""

from __future__ import annotations

import pytest

from documents.extract.prose import find_sentence_roles
from documents.pipeline import extract_file
from documents.readers.webtext import strip_furniture
from units.resolver import GroupRecord, Registry, UnitRecord, resolve


@pytest.fixture(scope="module")
def county():
    units = [
        ("县应急管理局", "县应急局"),
        ("县教育体育局", "县教体局"),
        ("县公安局", ""),
        ("县市场监督管理局", "县市场监管局"),
    ]
    return Registry.from_records(
        [UnitRecord(name=n, short_name=s) for n, s in units],
        [GroupRecord(name="13个街道、镇", aliases=[])],
        district="某某市青山县",
    )


@pytest.mark.parametrize(
    ("text", "lead", "support"),
    [
        ("由县应急管理局1名县级领导带队，2名专业人员参加，对各乡镇开展督导。", "县应急管理局", ""),
        ("开展校园周边整治，县教体局负责，县公安局、县市场监管局参与。", "县教体局", "县公安局、县市场监管局"),
        ("由区发改委牵头，区财政局、区住建局配合，完成项目储备。", "区发改委", "区财政局、区住建局"),
    ],
)
def test_prose_roles(text, lead, support):
    assert find_sentence_roles(text) == (lead, support)


def test_names_without_a_prefix_resolve_against_the_deployments_district(county):
    res = resolve("教体局、公安局", county)
    assert [m.name for m in res.matches] == ["县教育体育局", "县公安局"] and not res.leftover
    assert {m.method for m in res.matches} == {"prefixed"}


def test_a_lists_prefix_is_carried_onto_the_names_after_it():
    city = Registry.from_records(
        [
            UnitRecord(name="市发展和改革委员会", short_name="市发改委"),
            UnitRecord(name="市国土资源和房屋管理局", short_name="市国土房管局"),
        ],
        [],
        district="某某省某某区",  # a district deployment: its own prefix is 区, the list says 市
    )
    res = resolve("市发改委、国土房管局", city)
    assert [m.name for m in res.matches] == ["市发展和改革委员会", "市国土资源和房屋管理局"]
    assert res.matches[1].written == "国土房管局"


def test_groups_written_with_a_separator_stay_one_group(county):
    assert [m.name for m in resolve("县公安局、13个街道、镇", county).matches] == ["县公安局", "13个街道、镇"]
    unknown = resolve("各区、县(市)政府(管委会)", Registry.from_records([], []))
    assert unknown.leftover == ["各区、县(市)政府(管委会)"]


def test_x_and_related_departments_means_x(county):
    res = resolve("县应急局等相关部门", county)
    assert [m.name for m in res.matches] == ["县应急管理局"] and not res.leftover


TABLE = "\n".join(
    [
        "青山县2024年安全生产重点任务",
        "{statement}",
        "序号",
        "工作任务",
        "责任单位",
        "1",
        "开展校园周边安全整治。",
        "县教体局、县公安局",
    ]
)


def test_first_listed_lead_is_a_guess_unless_the_document_says_so(county):
    guessed = extract_file(TABLE.format(statement="").encode(), "a.txt", county).items[0]
    assert [u.written for u in guessed.lead_units] == ["县教体局"]
    assert any("排列顺序推定" in g for g in guessed.provenance["guesses"])
    stated = extract_file(TABLE.format(statement="（责任单位列第一位的为牵头单位）").encode(), "a.txt", county).items[0]
    assert [u.written for u in stated.lead_units] == ["县教体局"]
    assert stated.provenance["guesses"] == [] and stated.provenance["source"].startswith("表格第")


def test_page_furniture_goes_even_glued_to_a_title():
    lines = [
        "- 设为首页",
        "当前位置：首页 > 政务公开",
        "关于开展安全检查的通知发布日期：2024-05-01 来源：县政府办 点击数：",
        "第 1 页共 5 页下载后可任意编辑一、总体要求",
        "打印本页 关闭窗口",
    ]
    assert strip_furniture(lines) == ["关于开展安全检查的通知", "一、总体要求"]


WRAPPED = "\n".join(
    [
        "青山县2024年重点任务分工",
        "序号",
        "重点任务",
        "牵头",
        "部门",
        "配合单位",
        "完成时限",
        "1",
        "开展校园周边安全整治。",
        "县教体局",
        "县公安局",
        "县市场监管局",
        "2024年6月底前",
        "序号",
        "重点任务",
        "牵头",
        "部门",
        "配合单位",
        "完成时限",
        "2",
        "开展燃气安全隐患排查。",
        "县应急局",
        "2024年9月底前",
    ]
)


def test_wrapped_labels_repeated_headers_multi_line_cells_and_missing_cells(county):
    items = extract_file(WRAPPED.encode(), "a.txt", county).items
    assert [i.number for i in items] == ["1", "2"]
    assert [u.written for u in items[0].lead_units] == ["县教体局"]
    assert [u.written for u in items[0].support_units] == ["县公安局", "县市场监管局"]
    assert items[0].deadline_text == "2024年6月底前"
    assert [u.written for u in items[1].lead_units] == ["县应急局"] and items[1].support_units == []
    assert items[1].deadline_text == "2024年9月底前"


def test_a_group_whose_kinds_carry_their_body_stays_one_group():
    unknown = resolve("县公安局、各镇政府、街道办事处", Registry.from_records([], []))
    assert unknown.leftover == ["县公安局", "各镇政府、街道办事处"]
    two = resolve("各县(市)区政府、开发区管委会", Registry.from_records([], []))
    assert two.leftover == ["各县(市)区政府", "开发区管委会"]  # two different bodies


def test_a_stated_rule_bracketed_after_a_name_is_a_remark_not_part_of_the_name(county):
    text = "1.开展校园周边整治。\n责任单位:县教体局、县公安局(列第一位者为牵头或汇总单位,下同)\n"
    item = extract_file(("青山县2024年重点工作责任分解\n" + text).encode(), "a.txt", county).items[0]
    assert [u.written for u in item.lead_units] == ["县教体局"]
    assert [u.written for u in item.support_units] == ["县公安局"]
    assert item.provenance["guesses"] == []  # "列第一位者为牵头" said so


LABEL_LINES = "\n".join(
    [
        "具体任务",
        "开展燃气安全隐患排查。",
        "责任单位",
        "应急局、公安局",
        "配合单位",
        "各乡镇",
        "完成时限",
        "2024年9月底前",
    ]
)


def test_fields_written_as_a_label_line_and_a_value_line(county):
    item = extract_file(LABEL_LINES.encode(), "a.txt", county).items[0]
    assert item.text.startswith("开展燃气安全隐患排查")
    assert [u.canonical for u in item.lead_units] == ["县应急管理局"]
    assert [u.written for u in item.support_units] == ["公安局", "各乡镇"]  # 配合单位 is kept


STARRED = "\n".join(
    [
        "类别",
        "序号",
        "任务名称",
        "责任部门",
        "(加*号为牵头部门,",
        "其余为参与部门)",
        "责任街镇",
        "完成时间节点",
        "(一)",
        "安全",
        "整治",
        "1",
        "开展校园",
        "周边安全整治",
        "县公安局、",
        "县教体局*",
        "青山镇、",
        "绿水镇",
        "12月底",
    ]
)


def test_a_star_after_a_name_marks_the_lead_and_a_town_column_supports(county):
    item = extract_file(STARRED.encode(), "a.txt", county).items[0]
    assert item.text == "开展校园周边安全整治" and item.section_path == ["(一)安全整治"]
    assert [u.written for u in item.lead_units] == ["县教体局"]
    assert [u.written for u in item.support_units] == ["县公安局", "青山镇", "绿水镇"]


UNNUMBERED = "\n".join(
    [
        "序号",
        "目标与任务",
        "牵头责任单位",
        "责任单位",
        "开展校园周边安全整治,消除隐患。",
        "县教体局",
        "各乡镇",
        "开展燃气安全隐患排查。",
        "县应急局",
        "县公安局",
    ]
)


def test_rows_whose_number_cells_are_empty_start_at_the_next_task(county):
    items = extract_file(UNNUMBERED.encode(), "a.txt", county).items
    assert [i.text[:8] for i in items] == ["开展校园周边安全", "开展燃气安全隐患"]
    assert [u.written for u in items[1].lead_units] == ["县应急局"]
    assert [u.written for u in items[1].support_units] == ["县公安局"]
