"""Prose extractors: numbered paragraphs with unit annotations, "由X牵头" sentences, work points.

The paragraphs of one document are read as an outline (see `numbering`). A node is a
numbered paragraph plus the unnumbered paragraphs after it, up to the next numbered one.
- Annotation: a node ending in "[责任单位：…]", "（牵头单位：…；责任单位：…）",
  "（责任领导：X；牵头单位：…）" is an item with those units.
- Sentence: a leaf node saying "由X牵头，Y、Z等参加" or "X作为牵头单位" is an item when X
  names a unit (a generic "教育部门" does not).
- Work points: in a 工作要点 document every leaf node is an item, with units when a sentence
  names them, otherwise none (assigned in review).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from documents.readers import Block

from .assign import UnitRef, is_generic, resolve_units
from .items import ExtractedItem
from .numbering import Numbered, SectionTracker, item_number, parse_number

ANNOTATION = "annotation"
FIELDS = "field_lines"
SENTENCE = "sentence"
WORK_POINT = "work_point"

_ROLE_WORDS = (
    "(?:责任领导|分管领导|牵头领导|牵头单位|牵头部门|主办单位|责任单位|责任部门|主责单位|配合单位|配合部门"
    "|协办单位|协助单位|参与单位)"
)
_ROLE_LABEL = re.compile(rf"^\s*({_ROLE_WORDS})\s*[：:]")
_OPEN = "[【［（(〔"
_CLOSE = "]】］）)〕"
CARRY_FORWARD = re.compile(
    r"[（(]\s*(?:涉及|适用于?|参与)?\s*以下(?:各项|所有|全部)?(?:任务|工作|事项)?[^）)]{0,8}不再(?:一一|重复)?列出\s*[）)]"
)


@dataclass
class Node:
    number: Numbered | None
    rank: float
    blocks: list[int]  # block indexes
    text: str
    path: list[str] = field(default_factory=list)
    is_leaf: bool = True


# Several items run together in one paragraph ("…(一)X…牵头领导:A责任部门:B(二)Y…"): a
# numbered marker inside the text starts a new part when the paragraph holds several fields.
_INLINE_MARKER = re.compile(r"(?<=[^\s（(])(?=[（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)])")


def _parts(text: str) -> list[str]:
    text = text.strip()
    if len(FIELD.findall(text)) < 2:
        return [text]
    parts = [p for p in _INLINE_MARKER.split(text) if p.strip()]
    return parts if len(parts) > 1 else [text]


def outline(blocks: list[Block], start: int, end: int) -> list[Node]:
    """Numbered nodes of the paragraphs in blocks[start:end] (tables end a node)."""
    units: list[tuple[int, str]] = []
    for i in range(start, end):
        if blocks[i].kind != "paragraph":
            units.append((i, ""))
            continue
        units += [(i, part) for part in _parts(blocks[i].text)]
    parsed = [parse_number(text) if text else None for _, text in units]
    has_decimal = any(n and n.style == "decimal" for n in parsed)
    nodes: list[Node] = []
    tracker = SectionTracker()
    current: Node | None = None
    for (i, text), n in zip(units, parsed, strict=True):
        if blocks[i].kind != "paragraph":
            current = None
            continue
        if n is not None:
            rank = 3.0 if (n.style == "bare" and has_decimal) else n.rank
            current = Node(n, rank, [i], text, path=tracker.path_above(rank))
            tracker.push(rank, _heading_text(text))
            nodes.append(current)
        elif current is not None:
            if i not in current.blocks:
                current.blocks.append(i)
            current.text += text
    for a, b in itertools.pairwise(nodes):
        if b.rank > a.rank:
            a.is_leaf = False
    return nodes


def _heading_text(text: str) -> str:
    """A heading as the section path shows it: without the fields of an item it also is."""
    m = FIELD.search(text)
    return text[: m.start()].rstrip() if m and m.start() > 0 else text


# Field labels written after an item, on their own lines or run on in the paragraph.
_FIELD_WORDS = (
    "牵头单位|牵头部门|主办单位|主责单位|责任单位|责任部门|配合单位|配合部门|协办单位|协助单位|参与单位|协同单位"
    "|牵头领导|责任领导|分管领导|配合领导|包保领导|项目责任人|责任人|完成时限|完成时间|时间节点|办结时限"
)
FIELD = re.compile(rf"(?<![各由与和及、])({_FIELD_WORDS})\s*[：:]")
_VERB_TAIL = re.compile(r"(?<=[局委办科处站所队院心司团会联社部镇乡])(?:配合|协助)?(?:做好|开展|推进|抓好|落实)\S*$")
_PROSE_VALUE = re.compile(
    r"^(?P<lead>[^，,；;。]{2,80}?)(?:牵头|负责)(?:[，,；;]\s*(?P<support>[^；;。]{2,200}?)(?:配合|参与|协助|协办|参加))?\s*$"
)


def find_fields(text: str) -> tuple[int, dict[str, str]] | None:
    """(where the fields start, {"lead"|"support"|"units"|"leader"|"deadline": value}) when
    `text` carries role fields ("牵头单位：A 责任单位：B、C", "责任部门：X牵头，Y配合"), else None."""
    matches = list(FIELD.finditer(text))
    if not matches:
        return None
    roles: dict[str, str] = {}
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        label, value = m.group(1), text[m.end() : end].strip(" \t。；;，,.")
        if label.endswith("领导"):
            roles.setdefault("leader", value)
        elif label.endswith("责任人"):
            continue
        elif label.startswith(("完成", "时间", "办结")):
            roles.setdefault("deadline", value)
        elif label.startswith(("牵头", "主办", "主责")):
            roles["lead"] = _VERB_TAIL.sub("", value)
        elif label.startswith("责任"):
            roles["units"] = _VERB_TAIL.sub("", value)
        else:
            roles["support"] = (roles.get("support", "") + "、" if roles.get("support") else "") + _VERB_TAIL.sub(
                "", value
            )
    if not any(k in roles for k in ("lead", "units", "support")):
        return None
    units = roles.get("units", "")
    prose = _PROSE_VALUE.match(units) if units else None
    if prose and "lead" not in roles:
        roles.pop("units")
        roles["lead"] = prose.group("lead").strip()
        if prose.group("support"):
            roles["support"] = prose.group("support").strip() + (
                "、" + roles["support"] if roles.get("support") else ""
            )
    if "lead" in roles and "units" in roles:
        roles["support"] = roles.pop("units") + ("、" + roles["support"] if roles.get("support") else "")
    return matches[0].start(), roles


# "（县人社局牵头，县教体局、县财政局配合）": roles said with verbs instead of labels.
_BRACKET_ROLES = re.compile(
    r"^\s*由?(?P<lead>[^，,；;。（）()：:]{2,60}?)(?:共同)?牵头(?:负责)?"
    r"(?:[，,；;]\s*(?P<support>[^；;。（）()：:]{2,160}?)(?:配合|参与|协助|协办|参加|共同负责|负责))?\s*[。.]?\s*$"
)


def find_annotation(text: str) -> tuple[int, int, str] | None:
    """(start, end, inner text) of the last bracketed role annotation in `text`.

    An annotation starts with a role label ("牵头单位：", "责任单位：") or, when it ends the
    text, says the roles with verbs ("X牵头，Y、Z配合").
    """
    best = None
    for m in re.finditer(rf"[{re.escape(_OPEN)}]", text):
        inner_start = m.end()
        labelled = bool(_ROLE_LABEL.match(text[inner_start:]))
        if not labelled and "牵头" not in text[inner_start:]:
            continue
        depth = 1
        j = inner_start
        while j < len(text) and depth:
            if text[j] in _OPEN:
                depth += 1
            elif text[j] in _CLOSE:
                depth -= 1
            j += 1
        if depth == 0:
            inner = text[inner_start : j - 1]
            at_end = not re.sub(r"[\s。.；;]", "", text[j:])
            if labelled or (at_end and _BRACKET_ROLES.match(inner)):
                best = (m.start(), j, inner)
    return best


def parse_annotation(inner: str) -> dict[str, str]:
    """{"lead"|"support"|"units"|"leader": text} from "牵头单位：A；责任单位：B、C"."""
    verbs = None if _ROLE_LABEL.match(inner) else _BRACKET_ROLES.match(inner)
    if verbs:
        return {"lead": verbs.group("lead").strip(), "support": (verbs.group("support") or "").strip()}
    # roles separated by ；, ， or only a space: "牵头单位：A 配合单位：B"
    parts = re.split(rf"(?:[；;，,]\s*|\s+)(?={_ROLE_WORDS}\s*[：:])", inner)
    roles: dict[str, str] = {}
    for part in parts:
        m = _ROLE_LABEL.match(part)
        if not m:
            if roles:
                last = list(roles)[-1]
                roles[last] += "；" + part
            continue
        label, value = m.group(1), part[m.end() :].strip()
        if label in ("责任领导", "分管领导", "牵头领导"):
            roles["leader"] = value
        elif label.startswith(("牵头", "主办")):
            roles["lead"] = value
        elif label.startswith(("责任", "主责")):
            roles["units"] = value
        else:
            roles["support"] = roles.get("support", "") + ("、" if roles.get("support") else "") + value
    if "lead" in roles and "units" in roles:
        roles["support"] = roles.pop("units") + ("、" + roles["support"] if roles.get("support") else "")
    return roles


_LEAD_BY = re.compile(r"由([^，。；,;：:由]{2,80}?)(?:共同|负责)?牵头")
_LEAD_AS = re.compile(r"([^，。；,;：:]{2,60}?)(?:作为|为|是)牵头(?:单位|部门)")
_LEAD_IS = re.compile(r"牵头(?:单位|部门)(?:为|是)([^，。；,;：:]{2,60})")
_JOIN = re.compile(r"(?:参加|配合|参与|协助|协同|组成)")
_PEOPLE = re.compile(r"^[\d一二两三四五六七八九十]+名")
# "由县应急局1名县级领导带队，2名专业人员参加": the unit leads; the people are not units.
_LEAD_LED = re.compile(
    r"由([^，。；,;：:由\d]{2,40}?)(?:[\d一二两三四五]+名)?(?:[县区市]级)?(?:领导|负责同志|同志)?带队"
)
# "县教体局负责，县财政局、县卫健委参与": responsibility said with 负责 … 参与/配合.
_LEAD_RESPONSIBLE = re.compile(
    r"(?:^|[，,；;。])\s*(?:由)?([^，,；;。由]{2,40}?)负责[，,]\s*([^；;。]{2,120}?)(?:等(?:单位|部门))?(?:参与|配合|协助)"
)


def find_sentence_roles(text: str) -> tuple[str, str] | None:
    """(lead text, support text) from "由X牵头，Y、Z等参加" / "X作为牵头单位", or None."""
    r = _LEAD_RESPONSIBLE.search(text)
    if r and not _LEAD_BY.search(text):
        return r.group(1).strip(), r.group(2).strip()
    m = _LEAD_BY.search(text) or _LEAD_LED.search(text) or _LEAD_AS.search(text) or _LEAD_IS.search(text)
    if not m:
        return None
    lead = m.group(1).strip()
    rest = text[m.end() :]
    sentence = re.split(r"[。；;]", rest, maxsplit=1)[0]
    support = ""
    j = _JOIN.search(sentence)
    if j:
        clause = sentence[: j.start()]
        if "由" in clause:
            clause = clause[clause.rindex("由") + 1 :]
        clause = re.sub(r"等(?:单位|部门)?\s*$", "", clause.strip())
        support = clause.strip("，,、 ")
        if _PEOPLE.match(support):
            support = ""  # "2名专业人员参加": people, not units
    return lead, support


def _units(text: str, registry) -> list[UnitRef]:
    return [u for u in resolve_units(text, registry) if not is_generic(u)]


def extract_prose(
    blocks: list[Block], start: int, end: int, registry, *, work_points: bool
) -> tuple[list[ExtractedItem], set[str]]:
    items: list[ExtractedItem] = []
    used: set[str] = set()
    carried: list[UnitRef] = []
    carried_rank: float | None = None
    for node in outline(blocks, start, end):
        if carried_rank is not None and node.rank < carried_rank:
            carried, carried_rank = [], None
        text = node.text
        annotation = find_annotation(text)
        fields = find_fields(text) if annotation is None else None
        item: ExtractedItem | None = None
        if fields is not None and fields[0] > 0 and len(text[: fields[0]].strip()) >= 2:
            f_start, roles = fields
            item = _item(blocks, node, text[:f_start], FIELDS)
            item.responsible_leader = roles.get("leader", "")
            item.deadline_text = roles.get("deadline") or None
            _set_field_roles(item, roles)
            item.provenance["source"] = "字段行（" + "、".join(_field_names(text[f_start:])) + "）"
            used.add(FIELDS)
        elif annotation:
            a_start, a_end, inner = annotation
            note = CARRY_FORWARD.search(inner)
            new_carried: list[UnitRef] = []
            if note:
                before = inner[: note.start()]
                refs = resolve_units(re.split(r"[：:]", before, maxsplit=1)[-1], registry)
                if refs:
                    new_carried = [refs[-1]]
                inner = inner[: note.start()] + inner[note.end() :]
            roles = parse_annotation(inner)
            item = _item(blocks, node, text[:a_start] + text[a_end:], ANNOTATION)
            item.extra["annotation"] = text[a_start:a_end]
            item.provenance["source"] = "括注" + text[a_start:a_end][:40]
            item.responsible_leader = roles.get("leader", "")
            if "lead" in roles:
                item.lead_text = roles["lead"]
                item.support_text = roles.get("support", "")
            else:
                item.support_text = "、".join(v for k, v in roles.items() if k in ("units", "support") and v)
                item.extra["_first_is_lead"] = True
            item.extra["_carried"] = list(carried)
            if new_carried:
                carried, carried_rank = new_carried, node.rank
            used.add(ANNOTATION)
        elif node.is_leaf:
            roles_s = find_sentence_roles(text)
            leads = _units(roles_s[0], registry) if roles_s else []
            if leads or work_points:
                item = _item(blocks, node, text, SENTENCE if leads else WORK_POINT)
                if leads and roles_s:
                    item.lead_text = roles_s[0]
                    item.support_text = roles_s[1]
                    item.extra["_drop_generic"] = True
                    item.provenance["source"] = "句子（由…牵头）"
                else:
                    item.provenance["source"] = "工作要点编号段落，未写单位"
                used.add(item.kind)
        if item is not None:
            items.append(item)
    records = extract_records(blocks, start, end)
    if records:
        items += records
        used.add(FIELDS)
    return items, used


_RECORD_TASK = re.compile(
    r"^\s*(?:重点工作|工作任务|重点任务|主要任务|具体任务|工作事项|任务内容|工作内容|事项名称|任务名称)\s*[：:]\s*(\S.*)$"
)


def extract_records(blocks: list[Block], start: int, end: int) -> list[ExtractedItem]:
    """Items laid out as a record of labelled lines: "重点工作：…" then "牵头单位：…", "责任单位：…"."""
    items: list[ExtractedItem] = []
    i = start
    while i < end:
        block = blocks[i]
        m = _RECORD_TASK.match(block.text) if block.kind == "paragraph" else None
        if not m:
            i += 1
            continue
        j = i + 1
        field_texts: list[str] = []
        while j < end and j - i <= 8 and blocks[j].kind == "paragraph" and not _RECORD_TASK.match(blocks[j].text):
            if FIELD.match(blocks[j].text.strip()):
                field_texts.append(blocks[j].text.strip())
            j += 1
        found = find_fields("".join(field_texts)) if field_texts else None
        if found is not None:
            roles = found[1]
            value = m.group(1).strip()
            n = parse_number(value)
            item = ExtractedItem(
                text=(n.rest if n else value),
                number=item_number(n) if n else None,
                kind=FIELDS,
                source_start=block.line_start or None,
                source_end=blocks[j - 1].line_end or None,
            )
            item.responsible_leader = roles.get("leader", "")
            item.deadline_text = roles.get("deadline") or None
            _set_field_roles(item, roles)
            item.provenance["source"] = "字段行（" + "、".join(_field_names("".join(field_texts))) + "）"
            items.append(item)
        i = j
    return items


def _set_field_roles(item: ExtractedItem, roles: dict[str, str]) -> None:
    """Units of an item from its fields. Without a 牵头单位 field the 责任单位 list is read with
    the first listed leading (a guess unless the document says so), and a 配合单位 field adds
    its units after them as support."""
    if "lead" in roles:
        item.lead_text, item.support_text = roles["lead"], roles.get("support", "")
    elif "units" in roles:
        item.support_text = "、".join(v for v in (roles["units"], roles.get("support", "")) if v)
        item.extra["_first_is_lead"] = True
    else:
        item.support_text = roles.get("support", "")
    item.extra["_drop_generic"] = True


def _field_names(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in FIELD.finditer(text)))


def _item(blocks: list[Block], node: Node, text: str, kind: str) -> ExtractedItem:
    full = text.strip()
    n = parse_number(full) if node.number is not None else None
    return ExtractedItem(
        text=(n.rest if n else full).strip(),
        number=item_number(node.number) if node.number else None,
        section_path=list(node.path),
        kind=kind,
        source_start=blocks[node.blocks[0]].line_start or None,
        source_end=blocks[node.blocks[-1]].line_end or None,
    )
