"""PDF with a text layer reads like Word: the seed documents written to Word with ruled tables
(as gazettes print them) and converted to PDF by LibreOffice score exactly as the .docx does.
A PDF without text (a scan) is refused with a message saying so; encrypted and corrupt PDFs
and OFD files are refused with a clear message."""

from __future__ import annotations

import io

import pytest

from documents.pipeline import extract_file
from documents.readers import ReaderError, read_document
from documents.readers.legacy import convert, find_soffice
from documents.tests.seedtools import SEED_NAMES, THRESHOLDS, score, seed_blocks, to_docx
from units.resolver import Registry

needs_soffice = pytest.mark.skipif(
    find_soffice() is None, reason="LibreOffice (soffice) is not installed: PDFs are made with it"
)


@pytest.fixture(scope="module")
def registry():
    return Registry.from_fixture()


def ruled_docx(data: bytes) -> bytes:
    """The same Word document with its tables ruled ("Table Grid"), as published documents are."""
    import docx

    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        table.style = document.styles["Table Grid"]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(docx_bytes: bytes) -> bytes:
    return convert(docx_bytes, ".docx", "pdf")


@needs_soffice
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_as_pdf_scores_like_docx(name, registry, tmp_path):
    docx_bytes = ruled_docx(to_docx(seed_blocks(name)))
    as_docx = score(extract_file(docx_bytes, "a.docx", registry).to_json(), name, tmp_path)
    result = extract_file(to_pdf(docx_bytes), "a.pdf", registry)
    assert result.reader == "pdf"
    as_pdf = score(result.to_json(), name, tmp_path)
    assert {k: as_pdf[k] for k in THRESHOLDS} == {k: as_docx[k] for k in THRESHOLDS}, as_pdf["_report"]
    for key, minimum in THRESHOLDS.items():
        assert as_pdf[key] >= minimum


def _pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws `content` (no font, so no text layer)."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<<>>>>",
        b"<</Length %d>>stream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_scanned_pdf_without_text_is_refused_with_a_reason():
    with pytest.raises(ReaderError) as info:
        read_document(_pdf(b"0 0 1 rg 100 100 300 500 re f"), "扫描件.pdf")
    assert info.value.code == "scanned"
    assert "扫描件" in info.value.message and "OCR" in info.value.message


def test_a_corrupt_pdf_is_refused():
    with pytest.raises(ReaderError) as info:
        read_document(b"%PDF-1.7\n" + b"\x00garbage" * 50, "坏.pdf")
    assert info.value.code == "corrupt"
    with pytest.raises(ReaderError):
        read_document(b"not a pdf at all", "假.pdf")


@needs_soffice
def test_an_encrypted_pdf_is_refused(tmp_path):
    import subprocess

    source = tmp_path / "secret.txt"
    source.write_text("加密文件\n", encoding="utf-8")
    export = (
        'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
        '"DocumentOpenPassword":{"type":"string","value":"x"}}'
    )
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            find_soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            export,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    with pytest.raises(ReaderError) as info:
        read_document(tmp_path / "secret.pdf", "secret.pdf")
    assert info.value.code == "encrypted"


def test_ofd_is_refused_with_what_to_do_instead():
    with pytest.raises(ReaderError) as info:
        read_document(b"PK\x03\x04 not read", "公文.ofd")
    assert info.value.code == "ofd"
    assert "PDF" in info.value.message and "粘贴文本" in info.value.message
