"""Every seed document, read from fixtures/, scores at or above the issue's thresholds
against its gold labels; the same documents written to .docx, .xlsx and tab-less text
score the same."""

import pytest

from documents.pipeline import extract_file
from documents.tests.seedtools import (
    SEED_NAMES,
    SEEDS,
    THRESHOLDS,
    score,
    seed_blocks,
    to_docx,
    to_untabbed_text,
    to_xlsx,
)
from units.resolver import Registry

TABLE_SEEDS = [n for n in SEED_NAMES if n.startswith(("000", "004"))]


@pytest.fixture(scope="module")
def registry():
    from units.resolver import Registry

    return Registry.from_fixture()


def _assert_scores(measures):
    for key, minimum in THRESHOLDS.items():
        assert measures[key] >= minimum, f"{key}={measures[key]}\n{measures['_report']}"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_txt_scores(name, registry, tmp_path):
    result = extract_file(SEEDS / f"{name}.txt", f"{name}.txt", registry)
    _assert_scores(score(result.to_json(), name, tmp_path))


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_as_docx_scores_the_same(name, registry, tmp_path):
    txt = score(extract_file(SEEDS / f"{name}.txt", "a.txt", registry).to_json(), name, tmp_path)
    docx = score(extract_file(to_docx(seed_blocks(name)), "a.docx", registry).to_json(), name, tmp_path)
    assert {k: docx[k] for k in THRESHOLDS} == {k: txt[k] for k in THRESHOLDS}, docx["_report"]


@pytest.mark.parametrize("name", TABLE_SEEDS)
def test_seed_tables_as_xlsx_score_the_same(name, registry, tmp_path):
    result = extract_file(to_xlsx(seed_blocks(name)), "a.xlsx", registry)
    assert result.reader == "xlsx"
    _assert_scores(score(result.to_json(), name, tmp_path))


@pytest.mark.parametrize("name", [n for n in SEED_NAMES if n.startswith("004")])
def test_division_table_without_tabs_scores_the_same(name, registry, tmp_path):
    result = extract_file(to_untabbed_text(seed_blocks(name)), "a.txt", registry)
    _assert_scores(score(result.to_json(), name, tmp_path))


def test_metadata_of_the_division_plan(registry):
    result = extract_file(SEEDS / f"{TABLE_SEEDS[-1]}.txt", "a.txt", registry)
    meta = result.metadata
    assert meta.doc_number == "昌府办字〔2021〕20号"
    assert meta.issued_date.isoformat() == "2021-07-01"
    assert meta.issuer == "昌江区人民政府办公室"
    assert meta.kind == "division"
    assert "分工" in meta.title
    # an annual plan without a deadline column: tasks are due at the end of the document's year
    assert {item.deadline.isoformat() for item in result.items} == {"2021-12-31"}


def test_items_point_at_their_lines_in_the_clean_text(registry):
    result = extract_file(SEEDS / f"{TABLE_SEEDS[-1]}.txt", "a.txt", registry)
    lines = result.text.splitlines()
    for item in result.items:
        assert item.source_start and item.source_end >= item.source_start
        assert item.text[:8] in lines[item.source_start - 1].replace(" ", "")


def test_roster_items_have_duty_windows(registry):
    result = extract_file(SEEDS / f"{TABLE_SEEDS[0]}.txt", "a.txt", registry)
    first = result.items[0].to_json()
    assert first["morning"] == "7:20-8:00" and first["afternoon"] == "17:20-18:00"
    assert first["recurrence"] == "每日" and first["ongoing"] is True
    assert result.metadata.kind == "roster"


def test_indicator_table_becomes_plan_indicators(registry):
    name = next(n for n in SEED_NAMES if n.startswith("002"))
    result = extract_file(SEEDS / f"{name}.txt", "a.txt", registry)
    by_name = {i["name"]: i for i in result.indicators}
    assert by_name["稻米"]["targets"] == {"2023": "1.55", "2024": "1.58", "2025": "1.61"}
    # The first row's category is merged down the first column and written above the table:
    # its numbers still land in the year columns, not one to the left.
    assert by_name["综合产值（七大产业和其它产业）"]["targets"] == {"2023": "17.2", "2024": "19.2", "2025": "21.2"}
    assert not any(name.replace(".", "").isdigit() for name in by_name)
    assert by_name["水稻机械化种植率（%）"]["unit"] == "%"
    assert all(item.deadline and item.deadline.year == 2025 for item in result.items)


def test_registry_file_resolves_without_database():
    assert Registry.from_fixture().lookup("区发改委") is not None


@pytest.mark.parametrize("name", TABLE_SEEDS)
def test_seed_tables_as_legacy_doc_score_the_same(name, registry, tmp_path):
    """A legacy .doc goes through LibreOffice headless and scores like the .docx it came from."""
    import subprocess

    from documents.readers.legacy import find_soffice

    soffice = find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: .doc/.wps are refused with a message instead")
    source = tmp_path / "seed.docx"
    source.write_bytes(to_docx(seed_blocks(name)))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "doc", "--outdir",
         str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    legacy = (tmp_path / "seed.doc").read_bytes()
    result = extract_file(legacy, "seed.doc", registry)
    _assert_scores(score(result.to_json(), name, tmp_path))
