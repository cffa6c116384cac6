"""Split a file's blocks into the documents it holds, and read each one's heading.

A gazette issue or a scanned bundle holds several documents one after another: notices,
the plans they issue, meeting reports. A document starts at:
- a reader hint (`Block.starts_document`: a title line with a leading space in .txt);
- the title lines above a salutation ("各乡（镇）人民政府、街道办事处，区政府各部门：");
- a meeting report heading ("区政府第99次常务会议召开").
A plan issued by a notice ("关于印发《X方案》的通知" followed by "X方案") stays one document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from documents.models import DocumentKind
from documents.readers import Block

_SALUTATION = re.compile(r"^各.{2,80}[：:]$|^.{0,40}(人民政府|办事处|各部门|各单位|直属机构)[^。]{0,60}[：:]$")
_MEETING = re.compile(
    r"^(?:.{0,12}政府)?.{0,6}第\s*[\d一二三四五六七八九十百]+\s*次(?:常务|全体|党组)?(?:会议|常务会).{0,4}(召开|纪要)?\s*$"
)
DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*\d{1,4}\s*号")
DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_TITLE_WORDS = re.compile(
    r"(通知|决定|意见|方案|要点|预案|办法|规划|计划|纪要|报告|通报|批复|细则|规定|名单|清单|分工"
    r"|(?:任务|责任|分解|一览|汇总|台账|安排)表)"
)
_ATTACHMENT = re.compile(r"附件[\d一二三四五六七八九十]*[：:]?")
_TOC = re.compile(r"[…\.]{4,}|（\d+）$")


@dataclass
class Segment:
    start: int  # index of the first block
    end: int  # index after the last block
    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    issued_date: dt.date | None = None
    kind: str = DocumentKind.OTHER
    year: int | None = None
    is_meeting: bool = False


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


_PAGE_NUMBER = re.compile(r"^[—\-–]+\s*\d+\s*[—\-–]+$")


def _is_title_line(text: str) -> bool:
    t = text.strip()
    return (
        bool(t)
        and len(t) <= 60
        and not t.endswith(("。", "；", "：", ":"))
        and not _TOC.search(t)
        and not _PAGE_NUMBER.match(t)
        and not DATE.fullmatch(_norm(t))
    )


def _title_start_before(blocks: list[Block], salutation: int, floor: int) -> int | None:
    """Index of the first title line above a salutation, skipping 文号 and date lines."""
    i = salutation - 1
    while (
        i >= floor
        and blocks[i].kind == "paragraph"
        and (DOC_NUMBER.search(blocks[i].text) or DATE.fullmatch(_norm(blocks[i].text)))
    ):
        i -= 1
    first = None
    count = 0
    while i >= floor and blocks[i].kind == "paragraph" and _is_title_line(blocks[i].text) and count < 4:
        first = i
        count += 1
        if blocks[i].starts_document:
            break
        i -= 1
    return first


def document_kind(title: str) -> str:
    """DocumentKind from a title's words: 分工 → division, 要点 → work points, 预案 → emergency…"""
    t = _norm(title)
    if re.search(r"分工|责任清单|任务分解", t):
        return DocumentKind.DIVISION
    if "要点" in t:
        return DocumentKind.WORK_POINTS
    if "预案" in t:
        return DocumentKind.EMERGENCY
    if re.search(r"纪要|常务会议?|会议召开|全体会议", t):
        return DocumentKind.MEETING
    if re.search(r"值班表|执勤表|排班|护学岗", t):
        return DocumentKind.ROSTER
    if re.search(r"方案|计划|措施|规划", t):
        return DocumentKind.IMPLEMENTATION
    return DocumentKind.OTHER


def _inner_title(title: str) -> str:
    m = re.search(r"《(.+)》", title)
    return _norm(m.group(1)) if m else ""


def split_documents(blocks: list[Block]) -> list[Segment]:
    starts: set[int] = {0}
    for i, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        text = block.text.strip()
        if (block.starts_document and _is_title_line(text)) or (_MEETING.match(_norm(text)) and len(text) <= 30):
            starts.add(i)
        elif _SALUTATION.match(_norm(text)) and len(text) <= 80:
            first = _title_start_before(blocks, i, 0)
            if first is not None:
                starts.add(first)
    ordered = sorted(starts)
    segments = [Segment(s, e) for s, e in zip(ordered, [*ordered[1:], len(blocks)], strict=True)]
    for seg in segments:
        _read_heading(blocks, seg)
    return _merge_issued_plans(blocks, segments)


def _merge_issued_plans(blocks: list[Block], segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in segments:
        prev = merged[-1] if merged else None
        if prev and not seg.is_meeting and not _SALUTATION_IN(blocks, seg):
            inner = _inner_title(prev.title)
            own = _norm(seg.title)
            if inner and own and (own in inner or inner in own):
                prev.end = seg.end
                prev.kind = document_kind(prev.title)
                continue
        merged.append(seg)
    return merged


def _SALUTATION_IN(blocks: list[Block], seg: Segment) -> bool:
    return any(
        blocks[i].kind == "paragraph" and _SALUTATION.match(_norm(blocks[i].text))
        for i in range(seg.start, min(seg.end, seg.start + 8))
    )


def _read_heading(blocks: list[Block], seg: Segment) -> None:
    """Title, 文号, date, issuer and kind from the first lines of a segment."""
    lines: list[int] = []
    i = seg.start
    while i < seg.end - 1 and blocks[i].kind == "paragraph" and _ATTACHMENT.fullmatch(_norm(blocks[i].text)):
        i += 1  # "附件" / "附件2：" above an attachment's title is not part of it
    while i < seg.end and blocks[i].kind == "paragraph" and len(lines) < 4:
        text = blocks[i].text.strip()
        if DOC_NUMBER.search(text) or _SALUTATION.match(_norm(text)) or not _is_title_line(text):
            break
        if DATE.fullmatch(_norm(text)):
            break
        if lines and blocks[i].starts_document:
            break
        if lines and _is_issuer_above_date(blocks, i, seg.end):
            break
        lines.append(i)
        i += 1
    if (
        lines
        and _TITLE_WORDS.search("".join(blocks[j].text for j in lines)) is None
        and not _MEETING.match(_norm(blocks[lines[0]].text))
    ):
        # Not a title (e.g. a gazette's cover): look no further.
        lines = lines if len(lines) == 1 and blocks[lines[0]].starts_document else []
    seg.is_meeting = bool(lines and _MEETING.match(_norm(blocks[lines[0]].text)))
    if seg.is_meeting:
        lines = lines[:1]
    seg.title = "".join(blocks[j].text.strip() for j in lines)
    head = [blocks[j] for j in range(seg.start, min(seg.end, seg.start + 12)) if blocks[j].kind == "paragraph"]
    for block in head:
        m = DOC_NUMBER.search(block.text)
        if m and not _TOC.search(block.text) and len(_norm(block.text)) <= 40:
            seg.doc_number = _norm(m.group(0))
            break
    dates = []
    for j in range(seg.start, min(seg.end, seg.start + 40)):
        b = blocks[j]
        if b.kind != "paragraph":
            continue
        m = DATE.search(b.text)
        if m and (len(_norm(b.text)) <= 40 or DOC_NUMBER.search(b.text)):
            try:
                dates.append(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
            except ValueError:
                continue
    if dates:
        seg.issued_date = dates[0]
    title = seg.title
    m = re.match(r"^(.{2,24}?(?:人民政府办公室|人民政府|办公室|委员会|局|政府))关于", _norm(title))
    if m:
        seg.issuer = m.group(1)
    seg.kind = document_kind(title)
    seg.year = seg.issued_date.year if seg.issued_date else _year_from(title)


_ISSUER = re.compile(r"(政府|办公室|委员会|局|办事处|指挥部|领导小组|管委会)$")


def _is_issuer_above_date(blocks: list[Block], i: int, end: int) -> bool:
    """An issuing body's name on its own line, right above the date, under a title."""
    name = _norm(blocks[i].text)
    return (
        i + 1 < end
        and blocks[i + 1].kind == "paragraph"
        and bool(DATE.fullmatch(_norm(blocks[i + 1].text)))
        and bool(_ISSUER.search(name))
        and len(name) <= 30
        and not _TITLE_WORDS.search(name)
    )


def _year_from(text: str) -> int | None:
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", text or "")
    return int(m.group(1)) if m else None


def find_signature_issuer(blocks: list[Block], seg: Segment) -> str:
    """The issuing body written above the date at the end of a notice ("昌江区人民政府办公室")."""
    for j in range(seg.start, seg.end - 1):
        a, b = blocks[j], blocks[j + 1]
        if a.kind == b.kind == "paragraph" and DATE.fullmatch(_norm(b.text)):
            name = _norm(a.text)
            if re.search(r"(政府|办公室|委员会|局|办事处|指挥部|领导小组)$", name) and len(name) <= 30:
                return name
    return ""
