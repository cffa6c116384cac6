"""File → items: reading, extraction and unit resolution, with no database writes.

    result = extract_file(path_or_file, "方案.docx")
    result.metadata   # title, doc_number, issuer, issued_date, kind, reporting_schedule
    result.text       # clean text; items' source_start/source_end are line numbers in it
    result.items      # ExtractedItem list (documents.extract.items)
    result.to_json()  # the JSON `manage.py extract --json` prints (the shape testing/gold/score.py.txt scores)

Raises `documents.readers.ReaderError` (Chinese message) for files that cannot be read.
The upload screen and `import_document` store the result as DraftItems.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from typing import BinaryIO

from documents.extract import ExtractedItem, extract_blocks
from documents.models import DocumentKind
from documents.readers import ReaderError, read_document, render_text
from units.registry import current_registry

__all__ = ["DocumentMetadata", "ExtractionResult", "ReaderError", "extract_file"]


@dataclass
class DocumentMetadata:
    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    issued_date: dt.date | None = None
    kind: str = DocumentKind.OTHER
    reporting_schedule: str = ""

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issued_date": self.issued_date.isoformat() if self.issued_date else None,
            "kind": str(self.kind),
            "kind_label": DocumentKind(self.kind).label if self.kind in DocumentKind.values else "",
            "reporting_schedule": self.reporting_schedule,
        }


@dataclass
class ExtractionResult:
    metadata: DocumentMetadata
    text: str
    items: list[ExtractedItem]
    indicators: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reader: str = ""
    extractors: list[str] = field(default_factory=list)
    duration_ms: int = 0

    @property
    def unresolved_count(self) -> int:
        return sum(len(item.unresolved) for item in self.items)

    def to_json(self) -> dict:
        return {
            "metadata": self.metadata.to_json(),
            "reader": self.reader,
            "extractors": self.extractors,
            "warnings": self.warnings,
            "indicators": self.indicators,
            "items": [item.to_json() for item in self.items],
        }


def extract_file(
    source: str | os.PathLike | BinaryIO | bytes,
    filename: str,
    registry=None,
    *,
    max_bytes: int | None = None,
) -> ExtractionResult:
    """Read `source` (path, file object or bytes; `filename` gives the type) and extract its items."""
    started = time.monotonic()
    read = read_document(source, filename, max_bytes=max_bytes)
    text = render_text(read.blocks)
    if registry is None:
        registry = current_registry()
    extraction = extract_blocks(read.blocks, registry)
    main = extraction.main
    metadata = DocumentMetadata()
    if main is not None:
        metadata = DocumentMetadata(
            title=main.title,
            doc_number=main.doc_number,
            issuer=main.issuer,
            issued_date=main.issued_date,
            kind=main.kind,
            reporting_schedule=extraction.reporting_schedule,
        )
        if metadata.kind == DocumentKind.IMPLEMENTATION and any(i.kind == "roster" for i in extraction.items):
            metadata.kind = DocumentKind.ROSTER
        if metadata.kind == DocumentKind.OTHER and any(i.kind == "division_table" for i in extraction.items):
            metadata.kind = DocumentKind.DIVISION
    for item in extraction.items:
        item.indicators = item.indicators or []
    return ExtractionResult(
        metadata=metadata,
        text=text,
        items=extraction.items,
        indicators=extraction.indicators,
        warnings=read.warnings + extraction.warnings,
        reader=read.reader,
        extractors=extraction.extractors,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
