"""Written unit text → resolved lead and supporting units.

The resolver (`units.resolver`) splits and names the units; this module decides roles:
- text from a 牵头单位 column or a "牵头单位：" / "由X牵头" phrase → lead;
- text from a 责任单位/配合单位 column or phrase next to a lead → support;
- a unit list with no roles at all (one 责任单位 column, "[责任单位：A、B、C]") → the first
  listed unit is the lead and the rest support, the common convention in these documents;
- units carried forward by a note such as "（涉及以下各项任务，不再列出）" join every later task
  as support.
Names that match nothing are kept with canonical None, for a person to fix in review.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from units.resolver import resolve

_GENERIC = re.compile(r"^(?:各|相关|有关|其他|其它)?.{0,6}(?:部门|单位)$|^(?:相关|有关|各级|各有关).*$")


@dataclass
class UnitRef:
    written: str
    canonical: str | None = None
    unit_id: int | None = None
    group_id: int | None = None
    kind: str = ""
    method: str = ""
    score: float | None = None
    marked_lead: bool = False

    def as_json(self) -> dict:
        data = asdict(self)
        data["name"] = data.pop("written")
        data.pop("marked_lead")
        return data


_SPLIT = re.compile(r"[、，,；;/\s]+")


def _fallback_pieces(text: str) -> list[str]:
    pieces: list[str] = []
    for line in (text or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        if pieces and re.fullmatch(r"[（(][^）)]*[）)]", line):
            pieces[-1] += line
            continue
        depth = 0
        current = ""
        for ch in line:
            if ch in "（(":
                depth += 1
            elif ch in "）)":
                depth = max(depth - 1, 0)
            if depth == 0 and _SPLIT.match(ch):
                if current:
                    pieces.append(current)
                current = ""
            else:
                current += ch
        if current:
            pieces.append(current)
    return pieces


def _clean_role_text(text: str) -> str:
    text = re.sub(r"^\s*(?:牵头|责任|配合|协办|协助|参与)?(?:单位|部门)\s*[：:]\s*", "", text or "")
    text = re.sub(r"[。.]\s*$", "", text.strip())
    text = re.sub(r"等(?:有关|相关|其他|成员)?(?:(?:单位|部门)(?:和|及|与|、)?){0,2}$", "", text.strip())
    return text.strip()


_PLACEHOLDER = re.compile(r"^\s*(?:[/／\\—–\-－~～·.。、]+|无|暂无)?\s*$")
_SPACED = re.compile(r"(?<=\S)[ \t\u3000]+(?=\S)")


def _spaces_as_separators(text: str) -> str:
    """Names written side by side with spaces ("县住建局 县生态环境局") are separate names.

    A line is cut at its spaces only when every part is at least two characters long, so a
    name spaced out letter by letter ("县 委 办") stays one name.
    """
    lines = []
    for line in text.split("\n"):
        parts = _SPACED.split(line.strip())
        if len(parts) > 1 and all(len(p) >= 2 for p in parts):
            line = "、".join(parts)
        lines.append(line)
    return "\n".join(lines)


def resolve_units(text: str, registry) -> list[UnitRef]:
    """Every unit `text` names, in written order, resolved where the registry knows it.

    Placeholders for an empty cell ("/", "—", "无") name nothing.
    """
    text = _spaces_as_separators(_clean_role_text(text))
    if not text or _PLACEHOLDER.match(text):
        return []
    marked = _lead_marks(text)
    text = _MARK.sub("", text)
    if registry is None:
        pieces = [_REMARK.sub("", p) for p in _fallback_pieces(text)]
        refs = [UnitRef(p) for p in pieces if p.strip() and not _BARE_PREFIX.match(p.strip())]
        for ref in refs:
            ref.marked_lead = any(ref.written.startswith(m) for m in marked)
        return refs
    res = resolve(text, registry)
    flat = re.sub(r"\s", "", text)
    placed: list[tuple[int, UnitRef]] = []
    cursor = 0
    for m in res.matches:
        written = m.written
        pos = flat.find(written, cursor)
        if pos < 0:
            pos = flat.find(written)
        if pos >= 0:
            cursor = pos + len(written)
        placed.append(
            (
                pos if pos >= 0 else cursor,
                UnitRef(
                    written=written,
                    canonical=m.name,
                    unit_id=m.unit_id,
                    group_id=m.group_id,
                    kind=m.kind,
                    method=m.method,
                    score=m.score,
                ),
            )
        )
    for piece in res.leftover:
        piece = _without_long_note(_REMARK.sub("", _clean_role_text(piece)))
        if not piece or re.fullmatch(r"[\W_等]+", piece):
            continue
        pos = flat.find(re.sub(r"\s", "", piece))
        placed.append((pos if pos >= 0 else len(flat), UnitRef(written=piece, method="unresolved")))
    placed.sort(key=lambda pair: pair[0])
    refs = [ref for _, ref in placed if not _BARE_PREFIX.match(ref.written)]
    for ref in refs:
        if marked and any(ref.written.startswith(m) or m.startswith(ref.written) for m in marked):
            ref.method = ref.method or "marked"
            ref.marked_lead = True
    return refs


# a remark bracketed after a name: "工商联（列第一位者为牵头或汇总单位，下同）"
_REMARK = re.compile(r"[（(][^（）()]*[，,。；;：:][^（）()]*[）)]\s*$")

# "*区城管局": a unit marked as the lead in a list (the mark goes, the unit leads).
_MARK = re.compile(r"[*＊]")
_BARE_PREFIX = re.compile(r"^[区县市省]$")  # a name cut off after its prefix ("责任单位：区")


def _lead_marks(text: str) -> list[str]:
    """Names marked with a star before ("*区城管局") or after ("区农业农村委*") them."""
    names = []
    for piece in re.split(r"[、，,；;\n]+", text):
        piece = piece.strip()
        if piece[:1] in "*＊" or piece[-1:] in "*＊":
            name = re.sub(r"[\s*＊]", "", piece)
            if name:
                names.append(name)
    return names


_LONG_NOTE = re.compile(r"^(?P<name>.{2,30}?[局委办处院队所站中心])[（(](?P<note>[^（）()]{7,30})[）)]$")


def _without_long_note(piece: str) -> str:
    """ "市商务局（市粮食和物资储备局）" unknown to the registry: the name is the part before the
    second name in brackets (a short bracket such as "（外事办）" stays part of the name)."""
    m = _LONG_NOTE.match(piece)
    return m.group("name") if m else piece


def is_generic(ref: UnitRef) -> bool:
    """A phrase that names no particular unit ("教育体育部门", "相关部门")."""
    return ref.canonical is None and bool(_GENERIC.match(ref.written))
