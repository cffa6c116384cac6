import json
from io import StringIO

from django.core.management import call_command

from units.models import Unit
from units.registry import load_registry

from .gold import gold_unit_strings


def run(*args) -> str:
    out = StringIO()
    call_command("resolve_units", *args, stdout=out)
    return out.getvalue()


def test_json_shape_from_fixture(db):
    payload = json.loads(run("--json", "区发改委", "区市场监督管理局各乡镇（街道）", "区航天局"))
    assert [p["input"] for p in payload] == ["区发改委", "区市场监督管理局各乡镇（街道）", "区航天局"]
    first = payload[0]
    assert set(first) == {"input", "units", "leftover"}
    (unit,) = first["units"]
    assert {"id", "name", "kind", "method", "score"} <= set(unit)
    assert (unit["name"], unit["kind"], unit["method"], unit["score"]) == (
        "区发展和改革委员会",
        "department",
        "exact",
        1.0,
    )
    assert [u["name"] for u in payload[1]["units"]] == ["区市场监督管理局", "各乡镇（街道）"]
    assert payload[1]["units"][1]["kind"] == "group"
    assert payload[2] == {"input": "区航天局", "units": [], "leftover": ["区航天局"]}


def test_every_gold_string_resolves_against_the_database(db):
    load_registry()
    names = gold_unit_strings()
    payload = json.loads(run("--json", *names))
    assert len(payload) == len(names)
    for entry in payload:
        assert entry["leftover"] == [], entry
        assert len(entry["units"]) == 1, entry
        assert entry["units"][0]["id"] is not None
    ids = {entry["input"]: entry["units"][0]["id"] for entry in payload}
    assert (
        ids["区市监局"]
        == ids["区市场监督局"]
        == ids["区市场监督管理局"]
        == Unit.objects.get(name="区市场监督管理局").pk
    )


def test_text_output_names_leftovers_and_suggestions(db):
    out = run("区发改局", "吕蒙乡")
    assert "未识别：区发改局" in out and "区发展和改革委员会" in out
    assert "吕蒙街道" in out and "history" in out
