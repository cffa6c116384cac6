"""extract_file: any source (path, file object, bytes), a JSON-ready result, no database writes."""

import io
import json

import pytest

from documents.pipeline import ReaderError, extract_file
from documents.tests.seedtools import SEEDS

SEED = SEEDS / "002_5dcddffe22301220.txt"


@pytest.fixture(scope="module")
def registry():
    from units.resolver import Registry

    return Registry.from_fixture()


def test_path_file_object_and_bytes_give_the_same_items(registry):
    by_path = extract_file(SEED, SEED.name, registry)
    by_file = extract_file(io.BytesIO(SEED.read_bytes()), SEED.name, registry)
    by_bytes = extract_file(SEED.read_bytes(), SEED.name, registry)
    assert [i.text for i in by_path.items] == [i.text for i in by_file.items] == [i.text for i in by_bytes.items]


def test_result_is_json_ready_and_keeps_resolution_details(registry):
    result = extract_file(SEED, SEED.name, registry)
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert data["reader"] == "txt" and "annotation" in data["extractors"]
    lead = data["items"][0]["lead_units"][0]
    assert lead["name"] == "区农业农村水利局" and lead["canonical"] == "区农业农村水利局" and lead["method"]
    assert data["indicators"] and result.metadata.kind == "implementation"
    for item in result.items:
        assert all(not key.startswith("_") for key in item.extra)
        json.dumps(item.extra, ensure_ascii=False)


def test_source_lines_point_into_the_clean_text(registry):
    result = extract_file(SEED, SEED.name, registry)
    lines = result.text.splitlines()
    for item in result.items:
        assert item.text[:10] in lines[item.source_start - 1]


@pytest.mark.django_db
def test_extraction_writes_nothing(registry, django_assert_num_queries):
    with django_assert_num_queries(0):
        extract_file(SEED, SEED.name, registry)


def test_size_limit_is_passed_to_the_reader(registry):
    with pytest.raises(ReaderError):
        extract_file(SEED, SEED.name, registry, max_bytes=100)
