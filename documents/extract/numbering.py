"""Outline numbers at the start of a paragraph: 一、 （一） 1. （1） ① 2.4.1 第一条.

Each style has a rank (一、 is above （一）, which is above 1.); a section path is built by
keeping, for every heading, the nearest preceding heading of each higher rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN = "一二三四五六七八九十百零〇两"

_PATTERNS: list[tuple[str, int, re.Pattern[str]]] = [
    ("chapter", 0, re.compile(rf"^\s*(第[{CN}\d]+[章部分篇])\s*(.*)$", re.S)),
    ("cn", 1, re.compile(rf"^\s*([{CN}]+)\s*[、.．，]\s*(.*)$", re.S)),
    ("paren_cn", 2, re.compile(rf"^\s*([（(]\s*[{CN}]+\s*[）)])\s*[、.．]?\s*(.*)$", re.S)),
    ("decimal", 3, re.compile(r"^\s*(\d{1,2}(?:[.．]\d{1,2}){1,3})(?![\d%])[.．、]?\s*(.*)$", re.S)),
    ("arabic", 4, re.compile(r"^\s*(\d{1,3})\s*[、.．](?!\d)\s*(.*)$", re.S)),
    ("bare", 4, re.compile(r"^\s*(\d{1,3})[ \t　]+(?=[^\d\s年月日时分%个项万亿元家人次])(.*)$", re.S)),
    ("paren_arabic", 5, re.compile(r"^\s*([（(]\s*\d{1,3}\s*[）)])\s*(.*)$", re.S)),
    ("circled", 6, re.compile(r"^\s*([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*(.*)$", re.S)),
    ("article", 7, re.compile(rf"^\s*(第[{CN}\d]+条)\s*(.*)$", re.S)),
]


@dataclass(frozen=True)
class Numbered:
    style: str
    rank: float
    number: str  # as written, e.g. "（一）", "2.4.1", "1"
    rest: str  # the text after the number


def parse_number(text: str) -> Numbered | None:
    """The outline number that starts `text`, or None."""
    for style, rank, pattern in _PATTERNS:
        m = pattern.match(text or "")
        if not m:
            continue
        number, rest = m.group(1).strip(), m.group(2).strip()
        if not rest:
            return None
        if style == "decimal":
            depth = number.replace("．", ".").count(".")
            return Numbered(style, 3 + depth / 10, number, rest)
        if style in ("arabic", "bare") and re.match(r"^\d", rest):
            return None
        return Numbered(style, rank, number, rest)
    return None


def item_number(n: Numbered) -> str:
    """The number without decoration: "（一）" → "(一)", "1、" → "1"."""
    return n.number.replace("（", "(").replace("）", ")").replace(" ", "")


class SectionTracker:
    """Keeps the current section path while walking headings in order."""

    def __init__(self) -> None:
        self.stack: list[tuple[float, str]] = []

    def push(self, rank: float, heading: str) -> None:
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self.stack.append((rank, heading))

    def path(self) -> list[str]:
        return [h for _, h in self.stack]

    def path_above(self, rank: float) -> list[str]:
        return [h for r, h in self.stack if r < rank]
