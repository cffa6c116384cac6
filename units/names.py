"""The vocabulary of the resolver: what a matched name, a resolution and a registry record are,
and how names are folded into lookup keys. Pure: no Django, no registry."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache


@dataclass(frozen=True)
class Match:
    written: str  # the span of the input as written (whitespace/line breaks removed, note attached)
    name: str  # canonical name (unit full name, or group name)
    unit_id: int | None  # Unit pk, None for fixture-only registries or groups
    group_id: int | None
    kind: str  # Unit.kind value, or "group"
    method: str  # "exact" | "alias" | "normalised" | "abbreviation" | "history" | "fuzzy" | "group"
    score: float  # 1.0 for exact/alias; lower for fuzzy
    note: str = ""  # a bracketed note that followed the name, e.g. "（外事办）" or "（涉及以下各项任务，不再列出）"

    def as_dict(self) -> dict:
        return {
            "id": self.unit_id if self.unit_id is not None else self.group_id,
            "name": self.name,
            "written": self.written,
            "kind": self.kind,
            "method": self.method,
            "score": self.score,
            "note": self.note,
        }


@dataclass
class Resolution:
    input: str
    matches: list[Match]  # in order of appearance in the input
    leftover: list[str]  # pieces that matched nothing (never silently guessed)
    suggestions: dict[str, list[Match]] = field(default_factory=dict)

    @property
    def resolved(self) -> bool:
        """True when the input named something and nothing was left over."""
        return bool(self.matches) and not self.leftover

    def as_dict(self) -> dict:
        return {
            "input": self.input,
            "units": [m.as_dict() for m in self.matches],
            "leftover": list(self.leftover),
            "suggestions": {k: [m.as_dict() for m in v] for k, v in self.suggestions.items()},
        }


# --- folding ---------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        return ch
    return {"〔": "(", "〕": ")", "【": "[", "】": "]", "﹝": "(", "﹞": ")"}.get(folded, folded)


def fold(text: str) -> str:
    """The lookup key of a name: characters folded one by one, whitespace dropped."""
    return "".join(fold_char(ch) for ch in text if not ch.isspace())


@dataclass
class UnitRecord:
    name: str
    short_name: str = ""
    kind: str = "department"
    aliases: list[str] = field(default_factory=list)
    active: bool = True
    successor: str = ""  # successor's full name
    id: int | None = None


@dataclass
class GroupRecord:
    name: str
    aliases: list[str] = field(default_factory=list)
    id: int | None = None
