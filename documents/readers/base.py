"""The reader-neutral block model and the one error every reader raises."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class ReaderError(Exception):
    """A file that cannot be read. `message` is shown to the user as it is (Chinese)."""

    def __init__(self, message: str, *, code: str = "unreadable") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class Block:
    """One paragraph or one table, in document order.

    `rows` holds the cells of a table; a cell keeps its internal line breaks, because wrapped
    unit names ("区农业农村\\n水利局") are joined by the resolver, not here.
    `starts_document` is a reader hint that a new document begins here (a gazette that
    concatenates several documents marks each title, e.g. with a leading space in .txt).
    `line_start`/`line_end`/`row_lines` are filled by `render_text` and refer to lines of the
    clean text (1-based).
    """

    kind: str  # "paragraph" | "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    starts_document: bool = False
    line_start: int = 0
    line_end: int = 0
    row_lines: list[int] = field(default_factory=list)
    # Rows were rebuilt from flattened text and are whole: a short row is a row with a missing
    # cell, not the first half of a row split by a blank line (the seed exports' convention).
    complete_rows: bool = False

    @property
    def is_table(self) -> bool:
        return self.kind == "table"


@dataclass
class ReadResult:
    blocks: list[Block]
    reader: str
    warnings: list[str] = field(default_factory=list)


# Stray base64 from embedded images: a long run of base64 characters with mixed case and digits.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{24,}")


def _looks_like_base64(run: str) -> bool:
    return (
        any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and any(c.isdigit() for c in run)
        and not run.isalpha()
    )


def strip_noise(line: str) -> str:
    """Drop base64 noise and invisible characters from one line of text."""
    line = line.replace("\u3000", "　").replace("\ufeff", "").replace("\u200b", "").replace("\xa0", " ")
    if len(line) >= 24:
        line = _BASE64_RUN.sub(lambda m: "" if _looks_like_base64(m.group()) else m.group(), line)
    return line


_BOOKMARK = re.compile(r"\[(?:bookmark|image):[^\]]*\]")


def clean_paragraph(text: str) -> str:
    """Strip converter artefacts ("[bookmark: _GoBack]") and noise; keep the words."""
    return _BOOKMARK.sub("", strip_noise(text)).rstrip()


def clean_cell(text: str) -> str:
    lines = [clean_paragraph(x).strip() for x in text.replace("\r", "").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def render_text(blocks: list[Block]) -> str:
    """Lay the blocks out as clean text and record where each block and table row lives.

    A paragraph is one line; a table row is one line with its cells separated by " | "
    (a cell's own line breaks become spaces); a blank line follows each table.
    """
    out: list[str] = []
    for block in blocks:
        if block.is_table:
            block.line_start = len(out) + 1
            block.row_lines = []
            for row in block.rows:
                out.append(" | ".join(cell.replace("\n", " ") for cell in row))
                block.row_lines.append(len(out))
            block.line_end = max(len(out), block.line_start)
            out.append("")
        else:
            out.append(block.text.replace("\n", " "))
            block.line_start = block.line_end = len(out)
    return "\n".join(out) + ("\n" if out else "")
