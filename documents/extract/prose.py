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


def outline(blocks: list[Block], start: int, end: int) -> list[Node]:
    """Numbered nodes of the paragraphs in blocks[start:end] (tables end a node)."""
    indexes = [i for i in range(start, end) if blocks[i].kind == "paragraph"]
    parsed = {i: parse_number(blocks[i].text) for i in indexes}
    has_decimal = any(n and n.style == "decimal" for n in parsed.values())
    nodes: list[Node] = []
    tracker = SectionTracker()
    current: Node | None = None
    for i in range(start, end):
        block = blocks[i]
        if block.kind != "paragraph":
            current = None
            continue
        n = parsed[i]
        if n is not None:
            rank = 3.0 if (n.style == "bare" and has_decimal) else n.rank
            current = Node(n, rank, [i], block.text.strip(), path=tracker.path_above(rank))
            tracker.push(rank, block.text.strip())
            nodes.append(current)
        elif current is not None:
            current.blocks.append(i)
            current.text += block.text.strip()
    for a, b in itertools.pairwise(nodes):
        if b.rank > a.rank:
            a.is_leaf = False
    return nodes


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


def find_sentence_roles(text: str) -> tuple[str, str] | None:
    """(lead text, support text) from "由X牵头，Y、Z等参加" / "X作为牵头单位", or None."""
    m = _LEAD_BY.search(text) or _LEAD_AS.search(text) or _LEAD_IS.search(text)
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
        item: ExtractedItem | None = None
        if annotation:
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
                used.add(item.kind)
        if item is not None:
            items.append(item)
    return items, used


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
