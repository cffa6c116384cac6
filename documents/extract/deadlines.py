"""Deadlines as documents write them.

Rules:
- "2021年12月底前", "2021年12月31日前", "2021年底前", "2021年上半年" → that date (end of the
  month, day, year or half-year);
- "6月底前", "9月投入使用", "年底前", "三季度末", "上半年" → the same, in the document's year;
- "2024-06-30", "2024.12.31" (an Excel date cell, a dotted date) → that day;
- "到2025年", "至2025年底" → 31 December of that year;
- "长期坚持", "持续推进", "常态化" → ongoing, no date (inside a task sentence only as its
  closing clause: "…，长期坚持。");
- "每季度", "每月", "每年", "每周" → recurring, no single date;
- reporting cycles in a notice ("每季度末月20日前报送", "每月25日前报送") → the document's
  reporting schedule (see `find_reporting_schedule`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass(frozen=True)
class Deadline:
    text: str | None = None
    date: dt.date | None = None
    ongoing: bool = False
    recurrence: str = ""


NONE = Deadline()


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int | None) -> dt.date | None:
    if not (1900 < year < 2200 and 1 <= month <= 12):
        return None
    if day is None:
        return _month_end(year, month)
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(max(day, 1), last))


def _num(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + CN_DIGITS.get(text[1:], 0) if len(text) > 1 else 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return CN_DIGITS.get(tens, 0) * 10 + CN_DIGITS.get(ones, 0)
    return CN_DIGITS.get(text, 0)


_Y = r"((?:19|20)\d{2})\s*年"
_M = r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
_D = r"(\d{1,2})\s*日"

_FULL_DAY = re.compile(rf"{_Y}\s*{_M}\s*{_D}\s*(?:前|之前|以前|底前|完成|止)?")
_DONE = r"(?:前|之前|以前|完成|底|投入使用|交付使用|建成|交付|启动|开工)"
_YEAR_MONTH = re.compile(rf"{_Y}\s*{_M}\s*(?:底|末)?\s*{_DONE}?")
_YEAR_HALF = re.compile(rf"{_Y}\s*(上半年|下半年|第?[一二三四1-4]季度|年底|底|年内|末)\s*(?:前|之前)?")
_TARGET_YEAR = re.compile(rf"(?:到|至|截至|截止到?)\s*{_Y}\s*(?:底|末)?")
_YEAR_BEFORE = re.compile(rf"{_Y}\s*(?:前|之前|以前)")
_MONTH_ONLY = re.compile(
    rf"(?<![年\d]){_M}\s*(?:(\d{{1,2}})\s*日)?\s*(底|末|中旬|上旬|下旬)?\s*(?:前|之前|以前|完成|投入使用|建成|启动|开工|交付)"
)
_NO_YEAR_PERIOD = re.compile(
    r"(?<![年\d每])(上半年|下半年|第?[一二三四1-4]\s*季度)\s*(末|底)?\s*(?:前|之前|以前|完成|实现|建成|投入使用|启动|开工)?"
)
_NUMERIC_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-./／]\s*(\d{1,2})\s*[-./／]\s*(\d{1,2})(?!\d)")
_YEAR_END = re.compile(r"(?:年底前|年内|年底|年末)")
_YEAR_END_IN_SENTENCE = re.compile(r"(?<![\d年])(?:年底|年末)(?:前|之前)|(?<![\d年])年内(?:完成|建成|实现)")
_ONGOING_AT_END = re.compile(
    r"[，,；;（(]\s*(长期坚持|长期推进|持续推进|常态化推进|常态化开展)\s*[）)]?\s*[。.；;]?\s*$"
)
_ONGOING = re.compile(r"长期(?:坚持|推进|开展|执行)?|持续(?:推进|开展|实施|抓好)|常态化|久久为功")
_RECUR = [
    ("每日", re.compile(r"每日|每天|每个(?:上学|工作)日")),
    ("每周", re.compile(r"每周|每星期")),
    ("每月", re.compile(r"每月|每个月|按月")),
    ("每季度", re.compile(r"每季度?|每个季度|按季度?")),
    ("每半年", re.compile(r"每半年")),
    ("每年", re.compile(r"每年|每年度|按年度?")),
]


def _quarter_end(year: int, q: int) -> dt.date:
    return _month_end(year, q * 3)


def _period_end(year: int, period: str, tail: str | None) -> dt.date:
    """The last day of 上半年/下半年 or a quarter ("三季度末", "第二季度") in `year`."""
    if period == "上半年":
        return dt.date(year, 6, 30)
    if period == "下半年":
        return dt.date(year, 12, 31)
    q = _num(re.sub(r"[第季度\s]", "", period)) or 4
    return _quarter_end(year, min(max(q, 1), 4))


def parse_deadline(text: str | None, doc_year: int | None = None) -> Deadline:
    """Read a deadline from a 完成时限 cell or a task sentence."""
    if not text or not text.strip():
        return NONE
    t = text.strip()
    if doc_year:
        t = re.sub(r"今年|本年度?|当年", f"{doc_year}年", t)
    m = _FULL_DAY.search(t) or _NUMERIC_DATE.search(t)
    if m:
        date = _safe_date(int(m.group(1)), _num(m.group(2)), int(m.group(3)))
        if date:
            return Deadline(m.group(0).strip(), date)
    m = _YEAR_HALF.search(t)
    if m:
        year, what = int(m.group(1)), m.group(2)
        if what == "上半年":
            date = dt.date(year, 6, 30)
        elif "季度" in what:
            q = _num(re.sub(r"[第季度]", "", what)) or 4
            date = _quarter_end(year, min(max(q, 1), 4))
        else:
            date = dt.date(year, 12, 31)
        return Deadline(m.group(0).strip(), date)
    m = _YEAR_MONTH.search(t)
    if m and (re.search(rf"(末|{_DONE})$", m.group(0).strip()) or t.strip() == m.group(0).strip()):
        date = _safe_date(int(m.group(1)), _num(m.group(2)), None)
        if date:
            return Deadline(m.group(0).strip(), date)
    m = _TARGET_YEAR.search(t) or _YEAR_BEFORE.search(t)
    if m:
        return Deadline(m.group(0).strip(), dt.date(int(m.group(1)), 12, 31))
    m = _MONTH_ONLY.search(t)
    if m and doc_year:
        month = _num(m.group(1))
        day = int(m.group(2)) if m.group(2) else None
        if m.group(3) in ("上旬",):
            day = 10
        elif m.group(3) in ("中旬",):
            day = 20
        date = _safe_date(doc_year, month, day)
        if date:
            return Deadline(m.group(0).strip(), date)
    m = _NO_YEAR_PERIOD.search(t)
    if m and doc_year:
        return Deadline(m.group(0).strip(), _period_end(doc_year, m.group(1), m.group(2)))
    if _ONGOING.search(t) and len(t) <= 12:
        return Deadline(_ONGOING.search(t).group(0), None, ongoing=True)
    for label, pattern in _RECUR:
        m = pattern.search(t)
        if m and len(t) <= 30:
            return Deadline(m.group(0), None, ongoing=True, recurrence=label)
    m = _YEAR_END.search(t)
    if m and doc_year:
        return Deadline(m.group(0), dt.date(doc_year, 12, 31))
    if _ONGOING.search(t):
        return Deadline(_ONGOING.search(t).group(0), None, ongoing=True)
    return NONE


def find_deadline_in_sentence(text: str, doc_year: int | None = None) -> Deadline:
    """A deadline stated inside a task's text ("到2025年，…", "6月底前完成…").

    Only explicit time limits count; a year that merely names the plan ("2023年工作要点")
    or a recurring habit inside a long sentence is not the task's deadline.
    """
    if not text:
        return NONE
    for pattern in (_FULL_DAY, _YEAR_HALF, _YEAR_MONTH, _TARGET_YEAR, _YEAR_BEFORE, _MONTH_ONLY):
        for m in pattern.finditer(text):
            span = m.group(0).strip()
            if pattern is _YEAR_MONTH and not re.search(rf"(末|{_DONE})$", span):
                continue
            if pattern is _YEAR_HALF and not re.search(r"(前|底|末|年内|上半年|下半年|季度)", span):
                continue
            parsed = parse_deadline(span, doc_year)
            if parsed.date:
                return parsed
    if doc_year:
        for m in _NO_YEAR_PERIOD.finditer(text):
            if re.search(r"(末|底|前|完成|实现|建成|投入使用|启动|开工)$", m.group(0)):
                return parse_deadline(m.group(0), doc_year)
        m = _YEAR_END_IN_SENTENCE.search(text)
        if m:
            return Deadline(m.group(0), dt.date(doc_year, 12, 31))
    m = _ONGOING_AT_END.search(text)
    if m:
        return Deadline(m.group(1), None, ongoing=True)
    return NONE


_SCHEDULE = re.compile(
    r"每(?:个)?(?:月|季度|季|半年|年|周)(?:末月|末|底|初)?[^。；，,]{0,10}?"
    r"(?:\d{1,2}\s*日|末|底|周[一二三四五])(?:前|之前|以前)?"
    r"[^。；]{0,20}?(?:报送|上报|报至|报区|报市|报县|报给|报告)"
)


def find_reporting_schedule(text: str) -> str:
    """A reporting cycle stated in a notice, e.g. "每季度末月20日前报送" → that phrase."""
    m = _SCHEDULE.search(text or "")
    if not m:
        return ""
    return m.group(0).strip()[:200]


# Reporting cycles as tasks.states.ReportingCycle spells them (documents sit below tasks and
# cannot import it; documents/tests/test_reporting_schedule.py checks the two agree).
SCHEDULE_CYCLES = ("weekly", "biweekly", "monthly", "quarterly", "half_yearly", "yearly")
_SCHEDULE_CYCLE_WORDS = (
    ("半月", "biweekly"),
    ("周", "weekly"),
    ("星期", "weekly"),
    ("半年", "half_yearly"),
    ("季", "quarterly"),
    ("月", "monthly"),
    ("年", "yearly"),
)
_DUE_DAY = re.compile(r"(\d{1,2})\s*(?:日|号)")


def parse_reporting_schedule(text: str) -> tuple[str, int | None]:
    """A reporting phrase → (cycle, due day), the structured form of the document's schedule.

    "每季度末月20日前报送" → ("quarterly", 20): due by the 20th of the quarter's last month;
    "每月25日前报送" → ("monthly", 25); "每月底前报送" / "每季度末报送" → (cycle, None): the
    period's last day; "每年12月10日前" → ("yearly", 10). Weekly and half-monthly cycles carry no
    day. Text naming no cycle → ("", None).
    """
    text = (text or "").strip()
    m = re.search(r"每(?:个)?(半月|半年|季度|季|月|年|周|星期)", text)
    if not m:
        return "", None
    word = m.group(1)
    cycle = next(value for key, value in _SCHEDULE_CYCLE_WORDS if key in word)
    if cycle in ("weekly", "biweekly"):
        return cycle, None
    rest = text[m.end() :]
    days = [int(d) for d in _DUE_DAY.findall(rest)]
    day = days[-1] if days else None
    return cycle, day if day is not None and 1 <= day <= 31 else None
