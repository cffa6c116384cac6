"""Which column a piece of table text belongs to, when the layout no longer says.

Tables copied from web pages lose their structure: one cell per line, a cell spanning several
lines (one unit per line), a merged cell missing from a row, so a row has fewer cells than the
header. `align` puts a row's pieces back under the header's columns, in order, by what each
piece looks like (a bare number, a task sentence, unit names, a person, a date) — never by
position alone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .columns import DEADLINE, LEAD, LEADER, NUMBER, SUPPORT, TASK, UNITS

UNIT_KINDS = (LEAD, SUPPORT, UNITS)

_UNIT_END = re.compile(
    r"(局|委|办|部|处|院|队|所|站|厅|社|会|联|协|团|组|科|室|中心|公司|集团|街道|街办|镇|乡|政府|管委会|办事处"
    r"|单位|部门|专班|开发区|园区|新区|分局|支行|银行|医院|学校|委员会)$"
)
_SPLIT = re.compile(r"[、，,；;/\s]+")
_BRACKET = re.compile(r"[（(][^（()）]*[）)]")
_DATE_LIKE = re.compile(
    r"(19|20)\d{2}|[上下]半年|\d{1,2}\s*月|年底|年内|季度|长期|持续|常态|每[年月周季日]|前完成|底前|汛前"
)
_ROW_NUMBER = re.compile(r"^\d{1,3}\s*[*＊]?$")
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=8192)
def is_unit_like(text: str) -> bool:
    """Unit names only ("区农业农村局（区水利局）", "*区城管局", "市政局、相关街道")."""
    t = _BRACKET.sub("", _norm(text)).strip("*＊")
    if not t or len(t) > 120 or re.search(r"[。：:!?？！]", t):
        return False
    pieces = [p.strip("*＊") for p in _SPLIT.split(t) if p.strip("*＊")]
    if not pieces:
        return False
    good = sum(1 for p in pieces if len(p) <= 30 and _UNIT_END.search(re.sub(r"等.*$", "", p) or p))
    return good >= max(1, (len(pieces) + 1) // 2)


def is_person(text: str) -> bool:
    t = _norm(text)
    return bool(_PERSON.match(t)) and not _UNIT_END.search(t)


def _wraps(line: str) -> bool:
    """A short line that ends mid-phrase: the next line of the cell continues it."""
    t = _norm(line)
    return 0 < len(t) <= 12 and not re.search(r"[。；;！!？?]$", t)


def is_row_number(text: str) -> bool:
    return bool(_ROW_NUMBER.match(_norm(text)))


_PLACEHOLDER = re.compile(r"^[/／\\—–\-－~～·.。、无]*$")


MAX_PIECES = 60  # the alignment is cubic in the pieces of a row: cap what it is asked
SINK = "_sink"  # pieces that fit no column of the header (a note written under a cell)


def _fit(kind: str | None, group: list[str]) -> float:
    """How well the pieces in `group` fill one column of `kind` (higher is better)."""
    if kind == SINK:
        return -1.0 * len(group)
    if len(group) == 1 and _PLACEHOLDER.match(_norm(group[0])):
        return 0.0  # "/" or "—" written for an empty cell fits any column
    if not group:
        if kind in (NUMBER, TASK):
            return -1.5
        return -1.0 if kind in (LEAD, UNITS) else -0.5  # a missing lead is rarer than missing support
    first = group[0]
    extra = len(group) - 1
    if kind == NUMBER:
        return 3.0 if len(group) == 1 and is_row_number(first) else -6.0
    if kind in UNIT_KINDS:
        # a list that ends on "、" goes on in the next line of the same cell
        unfinished = 2.0 if re.search(r"[、，,]$", _norm(group[-1])) else 0.0
        return sum(1.5 if is_unit_like(p) else -3.0 for p in group) - unfinished
    if kind == LEADER:
        if len(group) == 1 and is_person(first):
            return 2.0
        return -2.0 * len(group)
    if kind == TASK:
        size = len(_norm("".join(group)))
        score = -3.0 if is_row_number(first) else (2.0 if size >= 4 else 0.5)
        if is_unit_like(first) or is_person(first):
            score -= 3.0
        # a short task name wrapped over lines ("完成2022年度" / "乡村振兴示范村建设") is one cell
        return score - sum(0.1 if _wraps(before) else 0.7 for before in group[:-1])
    if kind == DEADLINE:
        return sum(1.5 if _DATE_LIKE.search(_norm(p)) else -1.0 for p in group)
    # notes and columns of unknown meaning take anything, one piece preferred
    return -0.1 - 0.6 * extra - (1.0 if is_row_number(first) else 0.0)


def align(pieces: list[str], kinds: list[str | None]) -> list[list[str]]:
    """Split `pieces` (in order) into one group per column, best fit first.

    A column may get no piece (a merged or missing cell) or several (a cell written over
    several lines). Pieces that fit no column go to the last group.
    """
    n, m = len(pieces), len(kinds)
    if n > MAX_PIECES or m > MAX_PIECES:
        # not a table row anyone writes: one piece per column, the rest in the last
        groups = [[p] for p in pieces[: m - 1]] + [pieces[m - 1 :]]
        return groups + [[] for _ in range(m - len(groups))]
    neg = float("-inf")
    best = [[neg] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for j in range(1, m + 1):
        for i in range(n + 1):
            for k in range(i + 1):
                if best[j - 1][k] == neg:
                    continue
                score = best[j - 1][k] + _fit(kinds[j - 1], pieces[k:i])
                if score > best[j][i]:
                    best[j][i], back[j][i] = score, k
    groups: list[list[str]] = [[] for _ in range(m)]
    i = n
    for j in range(m, 0, -1):
        k = back[j][i]
        groups[j - 1] = pieces[k:i]
        i = k
    return groups


def alignment_score(groups: list[list[str]], kinds: list[str | None]) -> float:
    return sum(_fit(kind, group) for kind, group in zip(kinds, groups, strict=True))
