"""Column labels of the tables governments publish, shared by readers and extractors.

A header is recognised by its labels, never by position: other districts order columns
differently and name them differently (牵头部门, 配合单位, 完成时间…).
"""

from __future__ import annotations

import re
import unicodedata

NUMBER = "number"
TASK = "task"
LEAD = "lead"
SUPPORT = "support"
UNITS = "units"  # one unit column without roles (责任单位 alone)
DEADLINE = "deadline"
NAME = "name"  # roster: the place on duty (学校名称)
MORNING = "morning"
AFTERNOON = "afternoon"
TIME = "time"
ADDRESS = "address"
NOTE = "note"
YEAR = "year"
INDICATOR = "indicator"
LEADER = "leader"

_LABELS: list[tuple[str, re.Pattern[str]]] = [
    (NUMBER, re.compile(r"^(序号|编号|序列|排序|No\.?)$", re.I)),
    (LEADER, re.compile(r"^(区政府|县政府|市政府)?(责任|分管|牵头|联系|包保)(市|县|区)?领导$")),
    (LEAD, re.compile(r"^(牵头(责任)?(单位|部门)|主办(单位|部门)|主责(单位|部门)|牵头)$")),
    (
        SUPPORT,
        re.compile(
            r"^((相关|其他)?(责任|配合|协办|协助|参与|协同|会办)(单位|部门)|配合|协办|相关(单位|部门)|参与单位"
            r"|责任主体(与|和|及)协同单位|协同(单位|部门)|配合(单位|部门)及?职责"
            r"|(责任|涉及|相关|参与)(街镇|镇街|乡镇|镇\(?街道\)?|街道))$"
        ),
    ),
    (
        DEADLINE,
        re.compile(r"^(完成|办结|时间|整改)?(时限|期限|时间|日期|时限要求|时间节点|完成时间|进度安排|时间进度)$"),
    ),
    (MORNING, re.compile(r"^.{0,6}(上学|上午|早).{0,4}(值勤|执勤|值班|上岗)?时间?$")),
    (AFTERNOON, re.compile(r"^.{0,6}(放学|下午|晚).{0,4}(值勤|执勤|值班|下岗)?时间?$")),
    (TIME, re.compile(r"^(值勤|执勤|值班|上岗)时间$")),
    (NAME, re.compile(r"^(学校|点位|岗位|场所|地点|执勤点|值班点)(名称)?$")),
    (ADDRESS, re.compile(r"^(地址|详细地址|所在地|位置)$")),
    (
        NOTE,
        re.compile(
            r"^(备注|说明|完成标准|工作目标|目标|责任人|联系人|联系电话|进展情况|监督电话|监督方式|实施步骤|工作举措.{0,6}"
            r"|是否.{1,4}|.{0,10}(推进|进展|完成|落实|办理)情况.{0,10}|.{0,10}(取得成效|序时进度|形象进度|工作指标))$"
        ),
    ),
    (YEAR, re.compile(r"^(19|20)\d{2}年?(度|目标|指标)?$")),
    (INDICATOR, re.compile(r"^(指标|指标名称|年度指标|主要指标|指标内容|目标任务)$")),
    (
        TASK,
        re.compile(
            r"^(工作|重点|主要|具体|目标)?(任务|内容|事项|措施|举措)(和|及|与)?(要求|内容|措施|目标|名称)?$"
            r"|^(工作|重点)?任务(分解|清单)?$|^工作(任务|事项|内容|要点|措施)(和|及|与)?(要求|目标|措施)?$"
            r"|^项目(名称|内容)?$|^(改革|重点)?(事项|任务)名称$|^具体(工作|举措)$|^工作要点$"
            r"|^重点工作(任务|事项|内容)?$|^(民生|实事)?(实事|事项)(项目|名称|内容)$|^民生事项名称$|^考核(指标|内容)$"
        ),
    ),
]

# Generic 责任单位 is a unit column whose role depends on the other columns.
_GENERIC_UNITS = re.compile(
    r"^(区|县|市)?(责任(单位|部门)|(承办|实施|执行|落实|主体)(单位|部门)|负责(单位|部门)|单位|主要责任单位)$"
)


def normalise_label(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"[(（][^)）]*[)）]", "", text)  # "上学值勤时间（上午）" keeps its bracket below
    return re.sub(r"[\s:：*＊]", "", text)


def classify_label(text: str) -> str | None:
    """The column kind of one header cell, or None when it is not a known label."""
    raw = unicodedata.normalize("NFKC", text or "")
    label = normalise_label(text)
    if not label or len(label) > 14:
        return None
    flat = re.sub(r"\s", "", raw)
    if ("上午" in flat or "上学" in flat) and ("时间" in flat or "值勤" in flat or "执勤" in flat):
        return MORNING
    if ("下午" in flat or "放学" in flat) and ("时间" in flat or "值勤" in flat or "执勤" in flat):
        return AFTERNOON
    if _GENERIC_UNITS.match(label):
        return UNITS
    for kind, pattern in _LABELS:
        if pattern.match(label):
            return kind
    return None


_TASK_LIKE_LABEL = re.compile(r"目标|内容|事项|任务|项目|指标")


def with_task_column(kinds: list[str | None], labels: list[str]) -> list[str | None]:
    """Column kinds where a unit table without a task label gets one: "工作目标", "目标与任务"
    or "年度目标" holds the task when no other column does (序号 | 年度目标 | 责任单位)."""
    if TASK in kinds or not any(k in (LEAD, SUPPORT, UNITS) for k in kinds) or kinds.count(YEAR) >= 2:
        return kinds
    for i, (kind, label) in enumerate(zip(kinds, labels + [""] * len(kinds), strict=False)):
        if kind in (NOTE, None) and _TASK_LIKE_LABEL.search(label or "") and not re.search(r"情况|进度", label):
            return [*kinds[:i], TASK, *kinds[i + 1 :]]
    return kinds


def classify_header(cells: list[str]) -> list[str | None] | None:
    """Column kinds of a header row, or None when the row is not a header.

    A header has at least two known labels and most of its non-empty cells are labels.
    """
    kinds = [classify_label(c) for c in cells]
    filled = [c for c in cells if c.strip()]
    known = [k for k in kinds if k]
    if len(known) < 2 or len(known) < (0.6 if len(filled) < 6 else 0.5) * max(len(filled), 1):
        return None
    return kinds
