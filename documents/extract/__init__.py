"""Extractors: blocks in, draft work items out (no database writes).

    extraction = extract_blocks(blocks, registry)
    extraction.items, extraction.main (the document the items come from), extraction.indicators

Which extractor applies is decided per document inside the file (see `segments`):
tables with a recognised header (division table, duty roster) give the items of their
document; otherwise numbered paragraphs with unit annotations or "由X牵头" sentences do; a
工作要点 document gives every numbered point. Meeting reports, notices without units and
tables that are not task tables (company lists, covers) give nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from documents.models import DocumentKind
from documents.readers import Block

from .assign import UnitRef, is_generic, resolve_units
from .deadlines import find_deadline_in_sentence, find_reporting_schedule, parse_deadline
from .items import ExtractedItem
from .numbering import SectionTracker, parse_number
from .prose import extract_prose
from .segments import Segment, find_signature_issuer, split_documents
from .tables import (
    DIVISION,
    INDICATORS,
    ROSTER,
    extract_division,
    extract_indicators,
    extract_roster,
    is_indicator_continuation,
    layout_of,
)

__all__ = ["ExtractedItem", "Extraction", "UnitRef", "extract_blocks"]


@dataclass
class Extraction:
    items: list[ExtractedItem] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    main: Segment | None = None
    indicators: list[dict] = field(default_factory=list)
    extractors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reporting_schedule: str = ""


def _table_title(blocks: list[Block], index: int, floor: int) -> list[str]:
    for j in range(index - 1, max(floor, index - 3) - 1, -1):
        b = blocks[j]
        if b.kind == "paragraph":
            text = b.text.strip()
            if len(text) <= 40 and parse_number(text) is None and not text.endswith("。"):
                return [text]
            return []
    return []


def _is_annual(seg: Segment) -> bool:
    """An annual plan: its title names one year and no span ("2021年…分工方案", "2022年…工作要点")."""
    years = set(re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", seg.title))
    if len(years) != 1 or re.search(r"\d{4}\s*[-—–至到~]\s*\d{4}", seg.title):
        return False
    return seg.kind in (DocumentKind.DIVISION, DocumentKind.WORK_POINTS, DocumentKind.IMPLEMENTATION)


def _extract_segment(blocks: list[Block], seg: Segment, registry, out: Extraction) -> list[ExtractedItem]:
    items: list[ExtractedItem] = []
    tracker = SectionTracker()
    i = seg.start
    while i < seg.end:
        block = blocks[i]
        if not block.is_table:
            i += 1
            continue
        layout = layout_of(block)
        if layout is None:
            i += 1
            continue
        if layout.kind == DIVISION:
            items += extract_division(block, layout, tracker, [])
            out.extractors.append(DIVISION)
        elif layout.kind == ROSTER:
            items += extract_roster(block, layout, _table_title(blocks, i, seg.start))
            out.extractors.append(ROSTER)
        elif layout.kind == INDICATORS:
            parts = [(block, "")]
            category = ""
            j = i + 1
            while j < seg.end:
                nxt = blocks[j]
                if nxt.kind == "paragraph" and len(nxt.text) <= 40:
                    category = nxt.text.strip()
                elif nxt.is_table and layout_of(nxt) is None and is_indicator_continuation(nxt, layout):
                    parts.append((nxt, category))
                elif nxt.is_table and not any(c.strip() for r in nxt.rows for c in r):
                    pass
                else:
                    break
                j += 1
            out.indicators += extract_indicators(parts, layout)
            out.extractors.append(INDICATORS)
            i = j
            continue
        i += 1
    if not items:
        prose, used = extract_prose(
            blocks, seg.start, seg.end, registry, work_points=seg.kind == DocumentKind.WORK_POINTS
        )
        items = prose
        out.extractors += sorted(used)
    return items


_FIRST_LISTED_LEADS = re.compile(
    r"(?:列|排|排在|排名|列在)(?:第一位|首位|第一)(?:的|者)?(?:责任)?(?:单位|部门)?(?:为|是)牵头"
    r"|第一个?(?:责任)?(?:单位|部门)(?:为|是)牵头"
)


def _first_listed_leads(blocks: list[Block], seg: Segment) -> bool:
    """The document says the first listed unit leads ("列第一位的为牵头单位")."""
    for i in range(seg.start, seg.end):
        b = blocks[i]
        texts = [b.text] if not b.is_table else [c for r in b.rows[:3] for c in r]
        if any(_FIRST_LISTED_LEADS.search(re.sub(r"\s", "", t)) for t in texts):
            return True
    return False


def _same(a: UnitRef, b: UnitRef) -> bool:
    return (a.canonical and a.canonical == b.canonical) or a.written == b.written


_LEAD_MARK = re.compile(r"\s*[（(](?:牵头|牵头单位|牵头部门|主办|主责)[）)]\s*$")


def _without_mark(ref: UnitRef) -> UnitRef:
    m = _LEAD_MARK.search(ref.written)
    return replace(ref, written=ref.written[: m.start()]) if m else ref


def _marked_leads(refs: list[UnitRef]) -> tuple[list[UnitRef], list[UnitRef]]:
    """Units written with a role mark ("县住建局（牵头）") and the rest; the mark is dropped."""
    marked = [_without_mark(r) for r in refs if _LEAD_MARK.search(r.written)]
    return marked, [r for r in refs if not _LEAD_MARK.search(r.written)]


def assign_units(item: ExtractedItem, registry, *, first_listed_leads_stated: bool = False) -> None:
    """Lead and supporting units of an item. A unit marked "（牵头）" or "*" in a list leads; in a
    list without roles or marks, the first listed unit leads — a guess, recorded as one, unless
    the document says so ("列第一位的为牵头单位")."""
    first_is_lead = item.extra.pop("_first_is_lead", False)
    carried: list[UnitRef] = item.extra.pop("_carried", [])
    drop_generic = item.extra.pop("_drop_generic", False)
    guesses: list[str] = item.provenance.setdefault("guesses", [])
    if first_is_lead:
        refs = resolve_units(item.support_text, registry)
        marked, others = _marked_leads(refs)
        starred = [r for r in refs if r.marked_lead]
        if marked:
            lead, support = marked, others
        elif starred:
            lead, support = starred, [r for r in refs if not r.marked_lead]
        else:
            lead, support = refs[:1], refs[1:]
            if len(refs) > 1 and not first_listed_leads_stated:
                guesses.append("牵头单位按排列顺序推定（列第一位），文件未注明，请确认")
    else:
        lead = resolve_units(item.lead_text, registry)
        support = resolve_units(item.support_text, registry)
        marked, support = _marked_leads(support)
        lead = [_without_mark(u) for u in lead] + marked
        if any(u.marked_lead for u in lead + support) and not all(u.marked_lead for u in lead):
            # units where a star marks the lead ("加*号为牵头部门"): the others support
            everyone = lead + support
            lead = [u for u in everyone if u.marked_lead]
            support = [u for u in everyone if not u.marked_lead]
    if drop_generic:
        lead = [u for u in lead if not is_generic(u)]
        support = [u for u in support if not is_generic(u)]
    for ref in carried:
        if not any(_same(ref, u) for u in lead + support):
            support.append(ref)
            guesses.append(f"“{ref.written}”由前文“不再列出”的说明带入")
    for ref in lead + support:
        if ref.method == "prefixed":
            guesses.append(f"“{ref.written}”未写前缀，按{ref.canonical}识别")
    item.lead_units, item.support_units = lead, support


def _assign_deadline(item: ExtractedItem, seg: Segment) -> None:
    year = seg.year
    if item.kind == ROSTER:
        return
    if item.deadline_text:
        parsed = parse_deadline(item.deadline_text, year)
        item.deadline, item.ongoing, item.recurrence = parsed.date, parsed.ongoing, parsed.recurrence
    else:
        parsed = find_deadline_in_sentence(item.text, year)
        if parsed.date or parsed.ongoing:
            item.deadline_text, item.deadline, item.ongoing = parsed.text, parsed.date, parsed.ongoing
    if seg.kind == DocumentKind.EMERGENCY and not item.deadline:
        item.ongoing = True
    if item.deadline_text and not item.deadline and not item.ongoing and not item.recurrence:
        # a time limit written in words we cannot date ("汛前"): a person sets the date
        item.extra["deadline_rule"] = "时限未能识别为日期，请审核时填写"
        item.provenance.setdefault("guesses", []).append("时限“" + item.deadline_text + "”未能识别为日期")
        return
    if not item.deadline and not item.ongoing and not item.recurrence and year and _is_annual(seg):
        item.deadline = dt.date(year, 12, 31)
        item.extra["deadline_rule"] = "年度计划未写时限，默认当年年底"
        item.provenance.setdefault("guesses", []).append("未写时限，按年度计划默认当年12月31日")


def extract_blocks(blocks: list[Block], registry=None) -> Extraction:
    """Items of every document in `blocks` (which must already carry line numbers)."""
    out = Extraction()
    out.segments = split_documents(blocks)
    for seg in out.segments:
        if seg.is_meeting:
            continue
        indicators_before = len(out.indicators)
        items = _extract_segment(blocks, seg, registry, out)
        stated = _first_listed_leads(blocks, seg)
        for item in items:
            assign_units(item, registry, first_listed_leads_stated=stated)
            _assign_deadline(item, seg)
        if items and out.main is None:
            out.main = seg
        if len(out.indicators) > indicators_before and out.main is None:
            out.main = seg
        out.items += items
    if out.main is None:
        out.main = next((s for s in out.segments if s.title and not s.is_meeting), None)
    if out.main is not None:
        if not out.main.issuer:
            out.main.issuer = find_signature_issuer(blocks, out.main)
        text = "\n".join(blocks[i].text for i in range(out.main.start, out.main.end) if blocks[i].kind == "paragraph")
        out.reporting_schedule = find_reporting_schedule(text)
    out.extractors = list(dict.fromkeys(out.extractors))
    if not out.items:
        out.warnings.append("没有识别出工作任务：文件中没有分工表、责任单位标注或编号的工作要点，请人工补录。")
    unresolved = sorted({u.written for it in out.items for u in it.lead_units + it.support_units if not u.canonical})
    if unresolved:
        out.warnings.append("以下单位名称未能识别，请在审核时确认：" + "、".join(unresolved[:30]))
    return out
