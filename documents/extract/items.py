"""The draft work item every extractor produces."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .assign import UnitRef


@dataclass
class ExtractedItem:
    text: str
    number: str | None = None
    section_path: list[str] = field(default_factory=list)
    kind: str = ""  # extractor: division_table | roster | annotation | sentence | work_point
    lead_text: str = ""
    support_text: str = ""
    lead_units: list[UnitRef] = field(default_factory=list)
    support_units: list[UnitRef] = field(default_factory=list)
    responsible_leader: str = ""
    deadline_text: str | None = None
    deadline: dt.date | None = None
    ongoing: bool = False
    recurrence: str = ""
    indicators: list[dict] = field(default_factory=list)
    source_start: int | None = None
    source_end: int | None = None
    extra: dict = field(default_factory=dict)
    # What the item was read from ("表格第3行", "括注", "句子", "字段行") and what was guessed
    # ("牵头单位按排列顺序推定", "前缀沿用“市”"…): shown in review so a person checks exactly those.
    provenance: dict = field(default_factory=lambda: {"source": "", "guesses": []})

    @property
    def section(self) -> str:
        return " / ".join(self.section_path)

    @property
    def unresolved(self) -> list[UnitRef]:
        return [u for u in self.lead_units + self.support_units if u.canonical is None]

    def to_json(self) -> dict:
        data = {
            "number": self.number,
            "section": self.section_path[0] if self.section_path else None,
            "section_path": list(self.section_path),
            "text": self.text,
            "kind": self.kind,
            "lead_text": self.lead_text,
            "support_text": self.support_text,
            "lead_units": [u.as_json() for u in self.lead_units],
            "support_units": [u.as_json() for u in self.support_units],
            "responsible_leader": self.responsible_leader or None,
            "deadline_text": self.deadline_text,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "ongoing": self.ongoing,
            "recurrence": self.recurrence or None,
            "indicators": self.indicators,
            "source_start": self.source_start,
            "source_end": self.source_end,
            "provenance": {
                "source": self.provenance.get("source", ""),
                "guesses": list(self.provenance.get("guesses", [])),
            },
        }
        if len(self.section_path) > 1:
            data["subsection"] = self.section_path[-1]
        data.update(self.extra)
        return data


_CJK_EDGE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’]")


def join_lines(text: str) -> str:
    """Join a wrapped cell's lines: no space between Chinese characters, one between Latin words."""
    parts = [p.strip() for p in (text or "").split("\n") if p.strip()]
    out = ""
    for part in parts:
        if out and not (_CJK_EDGE.match(out[-1]) or _CJK_EDGE.match(part[0])):
            out += " "
        out += part
    return out
