"""Turn unit names as people write them into units of the registry.

Pure logic over a `Registry` (built once, from the database or from the bundled fixture);
no request, no model writes. The rules, in the order they apply to one input string:

1. Characters are folded one by one (full/half-width brackets and punctuation, NFKC) and all
   whitespace is dropped inside a line; the text is cut into pieces on 、，,；;/ outside
   brackets (so 各街道（乡、镇） stays whole) and on line breaks.
2. Pieces separated only by a line break are joined again when the join reads as known names
   (a table cell wraps 区农业农村\\n水利局); the longest such join wins.
3. A piece is segmented into known names by the fewest unmatched characters, then the fewest
   names (区市场监督管理局各乡镇（街道） is two names). A bracketed note right after a name
   belongs to it (区政府办（外事办） is the 区政府办 unit).
4. A name is found by its written form: the full or short name ("exact"), a recorded alias
   ("alias"), the same after folding or with the 昌江区/区人民政府 spellings ("normalised"), a
   retired unit's name ("history", resolving to its successor), or a group phrase ("group").
5. What is left is tried as an abbreviation: every character in order inside one full name,
   same leading 区/市/县, same first character after it, same ending class (局, 委, 办, 镇 …),
   and exactly one unit qualifying ("abbreviation").
6. Anything else is a leftover. rapidfuzz only proposes suggestions for leftovers; it never
   decides a match. Unknown stays unknown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from .names import GroupRecord, Match, Resolution, UnitRecord, fold, fold_char

__all__ = ["GroupRecord", "Match", "Registry", "Resolution", "UnitRecord", "fold", "resolve"]

DEFAULT_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "units_changjiang.json"

# Mirrors units.models.UnitKind (kept here so the resolver imports no Django model;
# a test checks the two agree).
KIND_LABELS = {
    "department": "区直部门",
    "township": "乡镇",
    "subdistrict": "街道",
    "vertical": "垂直管理单位",
    "soe": "国有企业",
    "coordination": "议事协调机构",
    "other": "其他",
}
KIND_BY_LABEL = {label: value for value, label in KIND_LABELS.items()}
GROUP_KIND = "group"

SEPARATORS = frozenset("、,;/")  # after folding: ，→, ；→; ／→/
OPEN, CLOSE = "(", ")"
# Filler that carries no unit: dropped when it is all that is left of a piece.
FILLER = frozenset(
    {"等", "等单位", "等部门", "和", "及", "与", "以及", "牵头", "参加", "等参加", "配合", "负责", "协办", "主办"}
)
LEADING_LABEL = re.compile(r"^(?:由|(?:牵头|责任|配合|协办|参与|主办)?(?:单位|部门)[:])")
TRAILING_FILLER = re.compile(
    r"(?:等(?:有关|相关|其他|成员)?(?:单位|部门|参加)?|牵头|参加|参与|协助|配合(?:落实)?|负责)$"
)
ADMIN_PREFIXES = ("区", "市", "县")
# What may follow a name to say "its government": 各乡镇人民政府 is the group 各乡镇.
BODY_SUFFIX = re.compile(r"^(?:人民政府|政府|办事处|街道办事处|党委|党工委)$")
# A district or its party committee written before a name that carries no district of its own
# (县委 + 宣传部): when the registry does not know the qualifier, the name is another district's.
FOREIGN_QUALIFIER = re.compile(r"^(?:中共)?[\u4e00-\u9fff]{0,4}[省市县区]委?$")
ENDINGS = (  # longest first: the ending class of a name
    ("委员会", "委"),
    ("办公室", "办"),
    ("联合会", "会"),
    ("街道", "街道"),
    ("中心", "中心"),
    ("公司", "公司"),
    ("派出所", "所"),
    ("指挥部", "指挥部"),
    ("小组", "组"),
    ("局", "局"),
    ("委", "委"),
    ("办", "办"),
    ("部", "部"),
    ("镇", "镇"),
    ("乡", "乡"),
    ("队", "队"),
    ("所", "所"),
    ("联", "会"),
    ("会", "会"),
    ("院", "院"),
    ("站", "站"),
)
SUGGESTION_CUTOFF = 60  # rapidfuzz ratio (0-100) below which nothing is suggested
ABBREVIATION_SCORE = 0.9
MAX_JOINED_LINES = 4  # a table cell wraps one name over at most this many lines
NAME_LIKE_NOTE = 6  # a bracketed note this short without punctuation is a second name (外事办, 文明办)


# --- registry --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    name: str
    unit_id: int | None
    group_id: int | None
    kind: str


@dataclass(frozen=True)
class _Entry:
    target: _Target
    written_forms: frozenset[str]  # the stored spellings this key came from (whitespace removed)
    method: str  # method when written exactly as stored: exact / alias / history / group
    derived: bool  # a spelling variant made by the registry (→ "normalised")


def district_names(full_name: str) -> tuple[str, ...]:
    """The ways a deployment's own district is written, longest first.

    "景德镇市昌江区" gives ("景德镇市昌江区", "昌江区"): documents write either before a
    unit's name, and both mean the registry's "区…" units. Per deployment, never in code.
    """
    full_name = fold(full_name or "")
    if not full_name:
        return ()
    names = [full_name]
    for marker in ("市", "州", "盟"):
        _head, sep, tail = full_name.partition(marker)
        if sep and tail and tail[-1:] in ("区", "县") and len(tail) >= 2:
            names.append(tail)
            break
    return tuple(sorted(set(names), key=len, reverse=True))


def _strip_admin_prefix(name: str, districts: tuple[str, ...] = ()) -> tuple[str, str]:
    for prefix in districts:
        if name.startswith(prefix):
            return "区", name[len(prefix) :]
    if name[:1] in ADMIN_PREFIXES:
        return name[0], name[1:]
    return "", name


def _ending(name: str) -> str:
    for suffix, cls in ENDINGS:
        if name.endswith(suffix):
            return cls
    return ""


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _variants(form: str, kind: str, districts: tuple[str, ...] = ()) -> list[str]:
    """Spellings of the same name the registry accepts as "normalised"."""
    out = []
    short = districts[-1] if districts else ""
    if form.startswith("区"):
        rest = form[1:]
        out += [district + rest for district in districts]
        if rest.startswith("政府"):
            out += ["区人民政府" + rest[2:]] + [district + "人民政府" + rest[2:] for district in districts]
        if rest.startswith("委") and short:
            out += ["中共" + short + "委" + rest[1:]]
    if kind in ("township", "subdistrict"):
        out += [form + "人民政府", form + "办事处"]
        out += [district + form for district in districts] + [district + form + "人民政府" for district in districts]
    return out


class Registry:
    """Indexes over the registry's written forms, built once and reused for every resolve()."""

    def __init__(
        self, units: list[UnitRecord], groups: list[GroupRecord], source: str = "", district: str = ""
    ) -> None:
        self.source = source
        self.districts = district_names(district)
        # The prefix the deployment's own units carry (区 for a district, 县 for a county, 市 for
        # a city): a name written without any prefix ("教育局") is read as one of them.
        folded_district = fold(district or "")
        self.own_prefix = folded_district[-1] if folded_district[-1:] in ADMIN_PREFIXES else ""
        self.units = units
        self.groups = groups
        self._index: dict[str, _Entry] = {}
        self._abbrev: dict[tuple[str, str], list[tuple[str, str, _Target]]] = {}
        self._fuzzy_keys: list[str] = []
        self._fuzzy_targets: list[_Target] = []
        self._cache: dict[str, tuple[list[Match], list[str], int]] = {}
        self._suggestion_cache: dict[str, list[Match]] = {}
        self._build()

    # construction ----------------------------------------------------------------------

    def _add(self, form: str, target: _Target, method: str, derived: bool = False) -> None:
        written = "".join(form.split())
        key = fold(written)
        if not key:
            return
        existing = self._index.get(key)
        if existing is None:
            self._index[key] = _Entry(target, frozenset({written}), method, derived)
        elif existing.target == target and not derived:
            self._index[key] = _Entry(
                target, existing.written_forms | {written}, existing.method, existing.derived and derived
            )
        # else: a key already taken by another unit keeps its first owner (active units come first)

    def _build(self) -> None:
        by_name = {u.name: u for u in self.units}
        targets: dict[str, _Target] = {}
        for unit in self.units:
            targets[unit.name] = _Target(unit.name, unit.id, None, unit.kind)

        def current(unit: UnitRecord) -> UnitRecord:
            seen = {unit.name}
            while not unit.active and unit.successor in by_name and unit.successor not in seen:
                seen.add(unit.successor)
                unit = by_name[unit.successor]
            return unit

        active = [u for u in self.units if u.active]
        retired = [u for u in self.units if not u.active]
        # Exact spellings first, so a derived variant never steals a real name.
        for unit in active:
            target = targets[unit.name]
            self._add(unit.name, target, "exact")
            if unit.short_name:
                self._add(unit.short_name, target, "exact")
            for alias in unit.aliases:
                self._add(alias, target, "alias")
        for group in self.groups:
            target = _Target(group.name, None, group.id, GROUP_KIND)
            for form in [group.name, *group.aliases]:
                self._add(form, target, "group")
        for unit in retired:
            heir = current(unit)
            if not heir.active:
                continue  # retired without a living successor: its names resolve to nothing
            for form in [unit.name, unit.short_name, *unit.aliases]:
                if form:
                    self._add(form, targets[heir.name], "history")
        for unit in active:
            for form in [unit.name, unit.short_name, *unit.aliases]:
                for variant in _variants(form, unit.kind, self.districts) if form else []:
                    self._add(variant, targets[unit.name], "exact", derived=True)

        self.max_key_length = max((len(k) for k in self._index), default=0)
        # Segmentation only tries the lengths some key starting with that character has.
        lengths: dict[str, set[int]] = {}
        for k in self._index:
            lengths.setdefault(k[0], set()).add(len(k))
        self._lengths_by_first = {ch: sorted(v) for ch, v in lengths.items()}

        for unit in active:
            target = targets[unit.name]
            for form in {fold(f) for f in [unit.name, unit.short_name, *unit.aliases] if f}:
                prefix, core = _strip_admin_prefix(form, self.districts)
                if core:
                    self._abbrev.setdefault((prefix, _ending(core)), []).append((core, form, target))
        for key, entry in self._index.items():
            self._fuzzy_keys.append(key)
            self._fuzzy_targets.append(entry.target)

    @classmethod
    def from_records(
        cls, units: list[UnitRecord], groups: list[GroupRecord], source: str = "", district: str = ""
    ) -> Registry:
        return cls(units, groups, source, district)

    @classmethod
    def from_fixture(cls, path: str | Path | None = None) -> Registry:
        """The bundled registry file (see units/registry.py for its format); no database needed."""
        path = Path(path) if path else DEFAULT_FIXTURE
        data = json.loads(path.read_text(encoding="utf-8"))
        units = [
            UnitRecord(
                name=u["name"],
                short_name=u.get("short_name", ""),
                kind=kind_value(u.get("kind", "department")),
                aliases=list(u.get("aliases", [])),
                active=u.get("active", True),
                successor=u.get("successor", "") or "",
            )
            for u in data.get("units", [])
        ]
        groups = [GroupRecord(name=g["name"], aliases=list(g.get("aliases", []))) for g in data.get("groups", [])]
        return cls(units, groups, source=str(path), district=data.get("district", ""))

    # lookups ---------------------------------------------------------------------------

    def lookup(self, written: str) -> Match | None:
        """The one known name `written` is (whitespace ignored), or None."""
        written = "".join(written.split())
        entry = self._index.get(fold(written))
        if entry is None:
            return None
        return self._match(written, entry)

    def _match(self, written: str, entry: _Entry) -> Match:
        exact_spelling = written in entry.written_forms and not entry.derived
        method = entry.method if entry.method in ("group", "history") or exact_spelling else "normalised"
        t = entry.target
        return Match(written, t.name, t.unit_id, t.group_id, t.kind, method, 1.0)

    def abbreviation(self, written: str) -> Match | None:
        """The unique unit whose name keeps every character of `written` in order, or None."""
        key = fold(written)
        prefix, core = _strip_admin_prefix(key, self.districts)
        ending = _ending(core)
        if len(core) < 2 or not ending or len(core) == len(ending):
            return None
        found: dict[_Target, str] = {}
        for cand_core, _form, target in self._abbrev.get((prefix, ending), ()):
            if cand_core[0] == core[0] and len(cand_core) > len(core) and _is_subsequence(core, cand_core):
                found.setdefault(target, cand_core)
        if len(found) != 1:
            return None
        (target,) = found
        return Match(
            written, target.name, target.unit_id, target.group_id, target.kind, "abbreviation", ABBREVIATION_SCORE
        )

    def suggest(self, written: str, limit: int = 3) -> list[Match]:
        """Likely names for a leftover: abbreviation candidates, then rapidfuzz neighbours. Never a match."""
        key = fold(written)
        if not key:
            return []
        out: dict[_Target, Match] = {}
        prefix, core = _strip_admin_prefix(key, self.districts)
        if len(core) >= 2:
            for cand_core, _form, target in self._abbrev.get((prefix, _ending(core)), ()):
                if cand_core[0] == core[0] and _is_subsequence(core, cand_core) and target not in out:
                    out[target] = Match(
                        written, target.name, target.unit_id, target.group_id, target.kind, "abbreviation", 0.5
                    )
        for _key, score, i in process.extract(
            key, self._fuzzy_keys, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=SUGGESTION_CUTOFF
        ):
            target = self._fuzzy_targets[i]
            if target not in out:
                out[target] = Match(
                    written, target.name, target.unit_id, target.group_id, target.kind, "fuzzy", round(score / 100, 2)
                )
        return list(out.values())[:limit]

    def suggest_cached(self, written: str) -> list[Match]:
        found = self._suggestion_cache.get(written)
        if found is None:
            found = self.suggest(written)
            if len(self._suggestion_cache) < 100_000:
                self._suggestion_cache[written] = found
        return found

    # segmentation ----------------------------------------------------------------------

    def segment(self, key: str) -> tuple[list[tuple[int, int, _Entry | None]], int]:
        """Cut a folded string into known names: fewest unmatched characters, then fewest pieces.

        Returns spans (start, end, entry or None for an unmatched run) and the unmatched count.
        """
        n = len(key)
        inf = (n + 1, n + 1)
        best: list[tuple[int, int]] = [inf] * (n + 1)
        back: list[tuple[int, _Entry | None]] = [(0, None)] * (n + 1)
        best[0] = (0, 0)
        lengths_by_first = self._lengths_by_first
        for i in range(n):
            if best[i] == inf:
                continue
            unknown, pieces = best[i]
            # one unmatched character
            cand = (unknown + 1, pieces + 1)
            if cand < best[i + 1]:
                best[i + 1], back[i + 1] = cand, (i, None)
            for length in lengths_by_first.get(key[i], ()):
                j = i + length
                if j > n:
                    break
                entry = self._index.get(key[i:j])
                if entry is not None:
                    cand = (unknown, pieces + 1)
                    if cand < best[j]:
                        best[j], back[j] = cand, (i, entry)
        spans: list[tuple[int, int, _Entry | None]] = []
        j = n
        while j > 0:
            i, entry = back[j]
            if entry is None and spans and spans[-1][2] is None and spans[-1][0] == j:
                spans[-1] = (i, spans[-1][1], None)  # merge adjacent unmatched characters
            else:
                spans.append((i, j, entry))
            j = i
        spans.reverse()
        return spans, best[n][0]


def kind_value(kind: str) -> str:
    """A UnitKind value from either its value ("department") or its label ("区直部门")."""
    if kind in KIND_LABELS:
        return kind
    if kind in KIND_BY_LABEL:
        return KIND_BY_LABEL[kind]
    raise ValueError(f"unknown unit kind: {kind!r}")


# --- resolving -------------------------------------------------------------------------


def _split_line(line: str) -> list[str]:
    """Cut one line on separators outside brackets."""
    pieces, buf, depth = [], [], 0
    for ch in line:
        folded = fold_char(ch)
        if folded == OPEN:
            depth += 1
        elif folded == CLOSE and depth:
            depth -= 1
        if folded in SEPARATORS and depth == 0:
            pieces.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    pieces.append("".join(buf))
    return pieces


# A group written with a separator inside: 各区、县（市）政府（管委会）, 13个街道、镇, 各乡、镇.
# Each kind may carry its body: 各镇政府、街道办事处.
_GROUP_KIND = r"(?:区|县|市|乡镇|乡|镇|街道|街|园区)(?:[(（][^)）]{1,6}[)）])?(?:人民政府|政府|办事处|街道办)?"
_GROUP_WITH_SEPARATOR = re.compile(
    rf"(?:各|\d+个|[一二三四五六七八九十]+个){_GROUP_KIND}(?:、{_GROUP_KIND})+"
    r"(?:人民政府|政府|办事处)?(?:[(（][^)）]{1,8}[)）])?"
)
_PROTECTED = "\u2063"  # invisible separator standing in for 、 inside a group


def _protect_groups(line: str) -> str:
    def keep(m: re.Match) -> str:
        after = m.string[m.end() : m.end() + 1]
        whole = not after or after in "、,，;；/"
        return m.group(0).replace("、", _PROTECTED) if whole else m.group(0)

    return _GROUP_WITH_SEPARATOR.sub(keep, line)


def _pieces(text: str) -> list[tuple[str, bool]]:
    """(piece, follows a line break) for every non-empty piece of the input."""
    out: list[tuple[str, bool]] = []
    for line in text.splitlines():
        line = _protect_groups("".join(line.split()))
        for k, piece in enumerate(p.replace(_PROTECTED, "、") for p in _split_line(line)):
            piece = _clean(piece)
            if piece:
                out.append((piece, k == 0))
    return out


def _clean(piece: str) -> str:
    """Drop labels and filler around a name: 由…, [责任单位：…], …等单位."""
    piece = piece.strip("[]【】")
    folded = fold(piece)
    m = LEADING_LABEL.match(folded)
    if m:
        piece, folded = piece[m.end() :], folded[m.end() :]
    while True:
        m = TRAILING_FILLER.search(folded)
        if not m or m.start() == 0:
            break
        piece, folded = piece[: m.start()], folded[: m.start()]
    return piece.strip("[]【】")


def _with_note(match: Match, note: str) -> Match:
    """Attach a bracketed note to the name before it.

    A short name-like note (a second name the unit carries: 区政府办（外事办）) is part of
    what was written; a remark (（涉及以下各项任务，不再列出）) is kept in `note` only.
    """
    key = fold(note)
    inner = key[1:-1]
    name_like = len(inner) <= NAME_LIKE_NOTE and not any(ch in SEPARATORS or ch in ".:。" for ch in inner)
    written = match.written + note if name_like else match.written
    return replace(match, written=written, note=match.note + note)


def _is_note(key: str) -> bool:
    return len(key) >= 3 and key[0] == OPEN and key[-1] == CLOSE and OPEN not in key[1:-1]


def _read(registry: Registry, written: str) -> tuple[list[Match], list[str], int]:
    """Matches and leftovers of one piece (already joined); third value counts unmatched characters."""
    key = fold(written)
    if len(key) != len(written):  # cannot happen: fold keeps one character per character
        written = key
    spans, _unknown = registry.segment(key)
    matches: list[Match] = []
    leftover: list[str] = []
    unmatched = 0
    last_was_match = False
    skip_next = False
    for index, (start, end, entry) in enumerate(spans):
        if skip_next:
            skip_next = False
            continue
        part = written[start:end]
        if entry is not None:
            matches.append(registry._match(part, entry))
            last_was_match = True
            continue
        if last_was_match and _is_note(key[start:end]):
            matches[-1] = _with_note(matches[-1], part)
            continue
        if last_was_match and BODY_SUFFIX.match(key[start:end]):
            # 各乡镇人民政府: "its government" belongs to the name before it.
            matches[-1] = replace(matches[-1], written=matches[-1].written + part)
            continue
        following = spans[index + 1] if index + 1 < len(spans) else None
        if (
            following is not None
            and following[2] is not None
            and following[0] == end
            and FOREIGN_QUALIFIER.match(key[start:end])
            and not key[following[0] : following[1]].startswith((*ADMIN_PREFIXES, "各", "省", "中共"))
        ):
            # 县委宣传部 in another district's document: "县委" is not ours, so neither is the
            # 宣传部 written against it. The whole name stays unknown rather than half-matched.
            leftover.append(part + written[following[0] : following[1]])
            unmatched += following[1] - start
            last_was_match = False
            skip_next = True
            continue
        last_was_match = False
        if fold(part) in FILLER:
            continue
        abbreviated = registry.abbreviation(part)
        if abbreviated is not None:
            matches.append(abbreviated)
            last_was_match = True
            continue
        leftover.append(part)
        unmatched += len(part)
    return matches, leftover, unmatched


def resolve(text: str, registry: Registry) -> Resolution:
    """The units and groups `text` names, in order, with what could not be placed.

    See the module docstring for the rules. Results for each piece are cached on the registry,
    so resolving the same cell strings again is a dictionary lookup.
    """
    pieces = _pieces(text or "")
    matches: list[Match] = []
    leftover: list[str] = []
    carried = ""  # the 市/区/县 written on an earlier name of the list
    i = 0
    while i < len(pieces):
        # How far the pieces run on across line breaks only.
        run_end = i
        while run_end + 1 < len(pieces) and pieces[run_end + 1][1] and run_end + 1 - i < MAX_JOINED_LINES:
            run_end += 1
        chosen = None
        for j in range(run_end, i, -1):
            joined = "".join(p for p, _ in pieces[i : j + 1])
            found, left, _ = _read_cached(registry, joined)
            if not left and found:
                chosen = (j, found, left)
                break
        if chosen is None:
            piece, after_break = pieces[i]
            key = fold(piece)
            if after_break and matches and _is_note(key) and _ends_previous(pieces, i, matches):
                matches[-1] = _with_note(matches[-1], piece)
                i += 1
                continue
            found, left, _ = _read_cached(registry, piece)
            chosen = (i, found, left)
        j, found, left = chosen
        if left and not found and j == i:
            found, left = _with_prefix(registry, pieces[i][0], carried, found, left)
        matches.extend(found)
        leftover.extend(left)
        for m in found:
            head = fold(m.written)[:1]
            if head in ADMIN_PREFIXES and m.method != "prefixed":
                carried = head
        i = j + 1
    suggestions = {piece: registry.suggest_cached(piece) for piece in leftover}
    return Resolution(
        input=text, matches=matches, leftover=leftover, suggestions={k: v for k, v in suggestions.items() if v}
    )


def _with_prefix(
    registry: Registry, piece: str, carried: str, found: list[Match], left: list[str]
) -> tuple[list[Match], list[str]]:
    """A name written without 市/区/县 ("国土房管局" after "市发改委", "教育局" in a district's
    own document): read with the prefix the list carries, else with the deployment's own.
    The match keeps what was written; its method says a prefix was supplied ("prefixed") and
    its note which one."""
    written, remark = _split_remark(_clean(piece))
    key = fold(written)
    if not key or key[0] in ADMIN_PREFIXES or key.startswith(("各", "省", "中共")) or len(key) < 2:
        return found, left
    for prefix in dict.fromkeys(p for p in (carried, registry.own_prefix) if p):
        got, rest, _ = _read_cached(registry, prefix + written)
        if len(got) == 1 and not rest:
            m = got[0]
            m = replace(m, written=written, method="prefixed", note=m.note + f"前缀“{prefix}”")
            return [_with_note(m, remark) if remark else m], []
    return found, left


_REMARK = re.compile(r"^(?P<name>.+?)(?P<note>[(（][^()（）]*[，,。；;：:][^()（）]*[)）])$")


def _split_remark(written: str) -> tuple[str, str]:
    """A name and the remark bracketed after it: "工商联(列第一位者为牵头或汇总单位,下同)"."""
    m = _REMARK.match(written)
    return (m.group("name"), m.group("note")) if m else (written, "")


def _ends_previous(pieces: list[tuple[str, bool]], i: int, matches: list[Match]) -> bool:
    """A note on its own line belongs to the name that ended the line before."""
    return i > 0 and pieces[i - 1][0].endswith(matches[-1].written)


def _read_cached(registry: Registry, written: str) -> tuple[list[Match], list[str], int]:
    cached = registry._cache.get(written)
    if cached is None:
        cached = _read(registry, written)
        if len(registry._cache) < 100_000:
            registry._cache[written] = cached
    return cached
