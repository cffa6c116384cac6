"""Readers: the seed .txt convention, .docx/.xlsx structure, and every kind of bad file."""

import contextlib
import io
import zipfile

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from documents.readers import ReaderError, read_document, render_text
from documents.readers.legacy import find_soffice
from documents.readers.txt_reader import parse_lines
from documents.tests.seedtools import SEEDS


def _docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- .txt -----------------------------------------------------------------------------


def test_txt_cells_rows_wraps_and_noise():
    lines = [
        " 关于印发的通知",
        "2023年4月18日ZUMoY14gcGUxYRAla2Hfc18xYBAgalPfc2AyOC83aVvfclUxb1kuaizhLR3vH",
        "",
        "\t序号",
        "\t任务",
        "\t牵头单位",
        "",
        "\t1",
        "\t做好工作",
        "\t区农业农村",
        "水利局",
        "",
        "正文段落",
    ]
    blocks = parse_lines(lines)
    assert blocks[0].starts_document and blocks[0].text == "关于印发的通知"
    assert blocks[1].text == "2023年4月18日"
    table = blocks[2]
    assert table.rows == [["序号", "任务", "牵头单位"], ["1", "做好工作", "区农业农村\n水利局"]]
    assert blocks[3].text == "正文段落"


def test_doubled_tab_is_an_empty_cell():
    blocks = parse_lines(["\t4", "\t任务", "\t\t区工信局", "\t区统计局"])
    assert blocks[0].rows == [["4", "任务", "", "区工信局", "区统计局"]]


def test_seed_reads_and_renders_line_numbers():
    result = read_document(SEEDS / "004_27fa458a6cee6f7a.txt", "004.txt")
    text = render_text(result.blocks)
    lines = text.splitlines()
    for block in result.blocks:
        assert block.line_start >= 1
        if block.is_table:
            for row, line in zip(block.rows, block.row_lines, strict=True):
                assert lines[line - 1].startswith(row[0].replace("\n", " "))


def test_txt_one_cell_per_paragraph_becomes_a_table():
    text = "\n".join(["序号", "工作任务", "牵头单位", "责任单位", "一、总体", "1", "做好工作", "区发改委", "区财政局"])
    blocks = read_document(text.encode(), "a.txt").blocks
    table = next(b for b in blocks if b.is_table)
    assert table.rows[0] == ["序号", "工作任务", "牵头单位", "责任单位"]
    assert table.rows[1:] == [["一、总体"], ["1", "做好工作", "区发改委", "区财政局"]]


def test_gbk_text_is_decoded():
    blocks = read_document("一、总体要求".encode("gb18030"), "a.txt").blocks
    assert blocks[0].text == "一、总体要求"


# --- .docx / .xlsx structure -------------------------------------------------------------


def test_docx_keeps_document_order_and_dedupes_merged_cells():
    def build(document):
        document.add_paragraph("标题")
        table = document.add_table(rows=3, cols=3)
        for i, label in enumerate(["序号", "工作任务", "牵头单位"]):
            table.rows[0].cells[i].text = label
        merged = table.rows[1].cells[0].merge(table.rows[1].cells[2])
        merged.text = "一、总体"
        for i, text in enumerate(["1", "做好工作", "区发改委"]):
            table.rows[2].cells[i].text = text
        document.add_paragraph("结尾")

    blocks = read_document(_docx_bytes(build), "a.docx").blocks
    assert [b.kind for b in blocks] == ["paragraph", "table", "paragraph"]
    assert blocks[1].rows == [["序号", "工作任务", "牵头单位"], ["一、总体"], ["1", "做好工作", "区发改委"]]


def test_docx_vertical_merge_reads_empty_below():
    def build(document):
        table = document.add_table(rows=3, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "学校名称", "责任单位"
        table.rows[1].cells[0].text, table.rows[1].cells[1].text = "甲校", "某派出所"
        table.rows[2].cells[0].text = "乙校"
        table.rows[1].cells[1].merge(table.rows[2].cells[1])

    rows = read_document(_docx_bytes(build), "a.docx").blocks[0].rows
    assert rows[2] == ["乙校", ""]


def test_xlsx_finds_header_below_title_rows():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2021年重点工作责任分工表"])
    sheet.append([])
    sheet.append(["责任单位", "序号", "工作任务", "完成时限"])
    sheet.append(["区发改委", 1, "做好工作", "2021年12月底前"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    blocks = read_document(buffer.getvalue(), "a.xlsx").blocks
    assert blocks[0].text == "2021年重点工作责任分工表"
    assert blocks[1].rows[0] == ["责任单位", "序号", "工作任务", "完成时限"]
    assert blocks[1].rows[1] == ["区发改委", "1", "做好工作", "2021年12月底前"]


# --- bad input ----------------------------------------------------------------------------


def _zip(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            # A fixed timestamp keeps the bytes (and so the test ids) the same in every xdist worker.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2021, 7, 1, 0, 0, 0)), data, compress_type=compression)
    return buffer.getvalue()


XML_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b"<document>&lol2;</document>"
)
EXTERNAL_ENTITY = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "a.txt", "empty"),
        (b"   \n\n", "a.txt", "empty"),
        (b"", "a.docx", "empty"),
        (b"PK\x03\x04 not really a zip", "a.docx", "corrupt"),
        (b"this is not excel", "a.xlsx", "corrupt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.docx", "encrypted"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xlsx", "encrypted"),
        (b"%PDF-1.4", "a.pdf", "corrupt"),
        (b"anything", "a.ofd", "ofd"),
        (b"data", "noextension", "unsupported"),
        (b"\x00\x01\x02binary" * 10, "a.txt", "binary"),
        (_zip({"word/document.xml": XML_BOMB, "[Content_Types].xml": b"<Types/>"}), "a.docx", "xml_bomb"),
        (_zip({"xl/workbook.xml": EXTERNAL_ENTITY}), "a.xlsx", "xml_bomb"),
        (_zip({"word/document.xml": b"<unclosed"}), "a.docx", "corrupt"),
        (_zip({"[Content_Types].xml": b"<Types/>"}), "a.docx", "corrupt"),
    ],
)
def test_bad_files_raise_reader_error_with_a_message(data, filename, code):
    with pytest.raises(ReaderError) as info:
        read_document(data, filename)
    assert info.value.code == code
    assert info.value.message and any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_zip_bomb_is_refused():
    bomb = _zip({"word/document.xml": b"<a>" + b" " * (210 * 1024 * 1024) + b"</a>"})
    with pytest.raises(ReaderError) as info:
        read_document(bomb, "a.docx")
    assert info.value.code == "bomb"


@pytest.mark.parametrize("filename", ["a.txt", "a.docx", "a.xlsx"])
def test_oversized_files_are_refused_before_reading(filename, tmp_path):
    path = tmp_path / filename
    path.write_bytes(b"x" * 2048)
    with pytest.raises(ReaderError) as info:
        read_document(path, filename, max_bytes=1024)
    assert info.value.code == "too_large"
    with pytest.raises(ReaderError):
        read_document(io.BytesIO(b"x" * 2048), filename, max_bytes=1024)


def test_missing_file():
    with pytest.raises(ReaderError) as info:
        read_document("/nonexistent/a.txt", "a.txt")
    assert info.value.code == "missing"


@pytest.mark.parametrize("filename", ["a.doc", "a.wps", "a.xls"])
def test_legacy_formats_without_libreoffice_say_so(filename, monkeypatch):
    # A server without LibreOffice: nothing on PATH answers to soffice or libreoffice.
    monkeypatch.setenv("PATH", "/nonexistent")
    assert find_soffice() is None
    with pytest.raises(ReaderError) as info:
        read_document(b"\xd0\xcf\x11\xe0 legacy", filename)
    assert "LibreOffice" in info.value.message and info.value.code == "unsupported"


# --- property: arbitrary text never crashes a reader --------------------------------------

TEXTISH = st.text(
    alphabet=st.sampled_from(list("\t\n \u3000一二三、（）()1234.。：:[]【】序号工作任务牵头责任单位区局由等参加A=")),
    max_size=400,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTISH)
def test_arbitrary_text_never_crashes_the_txt_reader(text):
    try:
        blocks = read_document(text.encode("utf-8"), "a.txt").blocks
    except ReaderError:
        return
    render_text(blocks)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_blocks_or_reader_error(data):
    for name in ("a.txt", "a.docx", "a.xlsx"):
        with contextlib.suppress(ReaderError):
            read_document(data, name)
