import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from units.models import UnitKind
from units.registry import current_registry
from units.resolver import KIND_LABELS, Registry, resolve

from .gold import EXPECTED, FAMILIES, GROUPS, gold_unit_strings

_REGISTRY = Registry.from_fixture()


@pytest.fixture
def registry():
    return _REGISTRY


def names(resolution):
    return [m.name for m in resolution.matches]


def test_kind_labels_mirror_the_model():
    assert dict(UnitKind.choices) == KIND_LABELS


@pytest.mark.parametrize("written", gold_unit_strings())
def test_every_gold_unit_string_resolves_to_one_name(registry, written):
    resolution = resolve(written, registry)
    assert resolution.leftover == []
    assert len(resolution.matches) == 1
    match = resolution.matches[0]
    assert match.name == EXPECTED.get(written, written)
    assert match.written == written
    assert (match.kind == "group") == (written in GROUPS)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f[0])
def test_each_family_lands_on_one_unit(registry, family):
    targets = {tuple(names(resolve(written, registry))) for written in family}
    assert len(targets) == 1
    assert len(next(iter(targets))) == 1


def test_methods(registry):
    def method(written):
        (match,) = resolve(written, registry).matches
        return match.method

    assert method("区市场监督管理局") == "exact"
    assert method("区市场监管局") == "exact"  # the short name
    assert method("区市监局") == "alias"
    assert method("昌江区教体局") == "normalised"
    assert method("区市场监督管理局 ") == "exact"
    assert method("吕蒙乡") == "history"
    assert method("各乡镇(街道)") == "group"
    assert method("区文广局") == "abbreviation"


def test_wrapped_lines_join_when_the_join_is_a_known_name(registry):
    resolution = resolve("区农业农村\n水利局", registry)
    assert names(resolution) == ["区农业农村水利局"]
    assert resolution.matches[0].written == "区农业农村水利局"
    resolution = resolve("区常态长效创建\n全国文明城市工作\n指挥部", registry)
    assert names(resolution) == ["区常态长效创建全国文明城市工作指挥部"]
    assert resolution.leftover == []


def test_table_cell_with_one_unit_per_line(registry):
    cell = "区委宣传部\n（文明办）\n区常态长效创建\n全国文明城市工作\n指挥部\n区财政局\n\t各乡镇（街道）"
    resolution = resolve(cell, registry)
    assert [m.written for m in resolution.matches] == [
        "区委宣传部（文明办）",
        "区常态长效创建全国文明城市工作指挥部",
        "区财政局",
        "各乡镇（街道）",
    ]
    assert resolution.leftover == []


def test_note_on_next_line_attaches_to_unit_before(registry):
    resolution = resolve("区文广新旅局\n区政府办\n（外事办）\n区委组织部", registry)
    assert [m.written for m in resolution.matches] == ["区文广新旅局", "区政府办（外事办）", "区委组织部"]
    assert names(resolution)[1] == "区政府办公室"


def test_run_together_names_split(registry):
    resolution = resolve("区市场监督管理局各乡镇（街道）", registry)
    assert names(resolution) == ["区市场监督管理局", "各乡镇（街道）"]
    assert resolution.matches[1].kind == "group"
    assert names(resolve("区发改委区工信局", registry)) == ["区发展和改革委员会", "区工业和信息化局"]


def test_bracket_comma_does_not_split_group(registry):
    resolution = resolve("区农业农村水利局、各街道（乡、镇）", registry)
    assert names(resolution) == ["区农业农村水利局", "各乡镇（街道）"]


def test_separators_and_filler(registry):
    resolution = resolve("由区应急管理局牵头，市自然资源和规划局昌江分局、区消防救援大队等参加", registry)
    assert names(resolution) == ["区应急管理局", "市自然资源和规划局昌江分局", "区消防救援大队"]
    assert resolution.leftover == []
    resolution = resolve("[责任单位：区文广新旅局；区发展改革委/区教体局等单位]", registry)
    assert names(resolution) == ["区文化广电新闻出版旅游局", "区发展和改革委员会", "区教育体育局"]


def test_unknown_stays_unknown(registry):
    resolution = resolve("区航天局", registry)
    assert resolution.matches == []
    assert resolution.leftover == ["区航天局"]
    resolution = resolve("区发改委、区宇宙开发署", registry)
    assert names(resolution) == ["区发展和改革委员会"]
    assert resolution.leftover == ["区宇宙开发署"]


def test_persons_are_not_units(registry):
    resolution = resolve("区委常委、副区长 张三", registry)
    assert resolution.matches == []
    assert resolution.leftover == ["区委常委", "副区长张三"]


def test_near_misses_are_suggested_not_matched(registry):
    resolution = resolve("区发改局", registry)  # ending 局 ≠ 委: not an abbreviation
    assert resolution.matches == []
    assert "区发展和改革委员会" in [m.name for m in resolution.suggestions["区发改局"]]


def test_abbreviation_needs_a_unique_candidate(registry):
    # 区委部 fits 区委宣传部 and 区委组织部 alike: no guess.
    resolution = resolve("区委部", registry)
    assert resolution.matches == []


def test_empty_input(registry):
    resolution = resolve("", registry)
    assert resolution.matches == [] and resolution.leftover == []
    assert not resolution.resolved


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8")) | st.text("区市县局委办（）()、，,;\n 乡镇街道各发改"))
def test_arbitrary_text_never_crashes(text):
    resolution = resolve(text, _REGISTRY)
    for match in resolution.matches:
        assert match.name


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@settings(max_examples=300, deadline=None)
@given(st.text(CJK, min_size=1, max_size=12))
def test_random_cjk_text_never_resolves(text):
    """Random text matches nothing, unless a span of it really is a registry name or a true
    in-order abbreviation of one (hypothesis draws both: it mines literals such as
    区工业和信息化局 from the code, and once drew 区发委 for 区发展和改革委员会)."""
    resolution = resolve(text, _REGISTRY)
    for match in resolution.matches:
        assert match.written in text.replace(" ", "") or match.note, match
        if _REGISTRY.lookup(match.written) is None:
            assert match.method == "abbreviation", match
            remaining = iter(match.name)
            assert all(ch in remaining for ch in match.written), match


def test_remark_in_brackets_is_kept_as_note_not_written(registry):
    text = "[责任单位：区农业农村水利局、区林业局、各街道（乡、镇）（涉及以下各项任务，不再列出）]"
    resolution = resolve(text, registry)
    assert [m.written for m in resolution.matches] == ["区农业农村水利局", "区林业局", "各街道（乡、镇）"]
    assert resolution.matches[2].note == "（涉及以下各项任务，不再列出）"
    assert resolution.matches[2].name == "各乡镇（街道）"
    assert resolution.leftover == []


def test_name_like_note_is_part_of_written(registry):
    (match,) = resolve("区政府办\n（外事办）", registry).matches
    assert (match.written, match.note, match.name) == ("区政府办（外事办）", "（外事办）", "区政府办公室")


def test_registry_that_cannot_be_read_raises(django_db_blocker):
    """No silent fallback to the bundled file: a database that refuses access raises."""
    with django_db_blocker.block(), pytest.raises(RuntimeError):
        current_registry()


def test_district_spellings_come_from_the_registry_not_code():
    """Another deployment's district prefix works; 昌江区 means nothing to it."""
    from units.resolver import GroupRecord, Registry, UnitRecord, district_names, resolve

    assert district_names("景德镇市昌江区") == ("景德镇市昌江区", "昌江区")
    assert district_names("浮梁县") == ("浮梁县",)
    registry = Registry.from_records(
        [UnitRecord(name="县教育体育局", short_name="县教体局", kind="department")],
        [GroupRecord(name="各乡镇")],
        district="景德镇市浮梁县",
    )
    assert [m.name for m in resolve("浮梁县教育体育局", registry).matches] == ["县教育体育局"]
    assert resolve("昌江区教育体育局", registry).leftover == ["昌江区教育体育局"]


def test_government_suffix_stays_with_the_name_before_it():
    resolution = resolve("各乡镇人民政府、区发改委", _REGISTRY)
    written = [(m.written, m.kind) for m in resolution.matches]
    assert written == [("各乡镇人民政府", "group"), ("区发改委", "department")]
    assert resolution.leftover == []


def test_another_districts_qualifier_keeps_the_whole_name_unknown():
    """县委宣传部 is a county's propaganda department, not half of ours."""
    resolution = resolve("县委宣传部、区发改委", _REGISTRY)
    assert resolution.leftover == ["县委宣传部"]
    assert [m.name for m in resolution.matches] == ["区发展和改革委员会"]
    # Our own district's spellings still resolve whole.
    assert [m.name for m in resolve("昌江区委宣传部", _REGISTRY).matches] == ["区委宣传部"]
