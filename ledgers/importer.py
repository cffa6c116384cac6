"""Progress back in: a unit's edited workbook (`ledgers.unit_workbook`) → preview → one transaction.

Reading (`read_workbook`) refuses a bad file as a whole with a Chinese message (ImportRefused):
not an .xlsx, a macro workbook, a zip or XML bomb (documents.readers.safety), a workbook not
exported by Duban, another unit's workbook, a sheet without its ID column. What it returns is
plain JSON (kept in a ProgressImport row between the preview and the confirmation, so nothing
re-posted by the browser is trusted).

Planning (`plan`) judges each row against Duban as it is now:
- rows match by the hidden ID column, so sorted, filtered or reordered sheets still work;
- a row whose yellow columns equal Duban's current values is unchanged (so importing the same
  file twice changes nothing the second time);
- a row nobody edited (equal to what was exported) is unchanged even if Duban moved on;
- an edited row whose share changed since the export (version) is a conflict, never overwritten;
- errors: a row of another unit, an unknown id, a percent outside 0–100, an empty 进展情况,
  a share that can no longer report (申请办结, 已办结);
- edits to the other columns are ignored and listed.
Applying (`apply`) reports each changed row through tasks.services.report_progress (the unit's
report, with its history row), all in one transaction: one failure and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from documents.readers.base import ReaderError
from documents.readers.safety import check_office_zip
from tasks import services
from tasks.models import Assignment, AssignmentState, ProgressReport
from units.models import Unit

from .unit_workbook import EDITABLE, FORMAT, HEADERS, META_SHEET, READ_ONLY, current_values

FIELD_LABELS = {
    "progress": "进展情况",
    "problems": "存在问题",
    "next_steps": "下一步计划",
    "percent": "完成比例",
    "number": "序号",
    "text": "工作任务和要求",
    "partners": "牵头/配合单位",
    "deadline": "完成时限",
    "state": "状态",
}
MACRO_MARKERS = ("vbaProject.bin", "macroEnabled")
HEADER_SCAN_ROWS = 10


class ImportRefused(Exception):
    """The whole file is refused; nothing was read into Duban."""


@dataclass
class Outcome:
    rows: int = 0
    changed: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)
    applied: bool = False

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "changed": [{"assignment": c["assignment"], "fields": c["fields"]} for c in self.changed],
            "conflicts": [
                {"row": c["row"], "sheet": c["sheet"], "assignment": c["assignment"], "message": c["message"]}
                for c in self.conflicts
            ],
            "errors": [{"row": e["row"], "sheet": e["sheet"], "message": e["message"]} for e in self.errors],
            "ignored": [
                {"row": i["row"], "sheet": i["sheet"], "assignment": i["assignment"], "fields": i["fields"]}
                for i in self.ignored
            ],
            "applied": self.applied,
        }


# ---------------------------------------------------------------- reading


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def _decoded(value):
    """Text as Excel reads it: Excel (and XlsxWriter) write a carriage return or another control
    character as _x000D_, which openpyxl leaves as it is."""
    return unescape(value) if isinstance(value, str) else value


def check_file(data: bytes, name: str = "") -> None:
    """Refuse what is not a plain .xlsx before openpyxl opens it."""
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if len(data) > limit:
        raise ImportRefused(f"文件超过 {settings.MAX_UPLOAD_MB} MB，无法导入。")
    lowered = name.lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise ImportRefused("含宏的工作簿（.xlsm）不予导入，请另存为 .xlsx 工作簿后重新上传。")
    if name and not lowered.endswith(".xlsx"):
        raise ImportRefused("请上传从督办下载的 .xlsx 进展填报表（不支持其他格式）。")
    try:
        archive = check_office_zip(data, "Excel")
    except ReaderError as exc:
        raise ImportRefused(str(exc)) from exc
    names = archive.namelist()
    content_types = (
        archive.read("[Content_Types].xml").decode("utf-8", "replace") if "[Content_Types].xml" in names else ""
    )
    if any(marker in part for part in names for marker in MACRO_MARKERS) or "macroEnabled" in content_types:
        raise ImportRefused("含宏的工作簿（.xlsm）不予导入，请另存为 .xlsx 工作簿后重新上传。")
    if "xl/workbook.xml" not in names:
        raise ImportRefused("文件不是有效的 Excel 工作簿（.xlsx），无法导入。")


def read_workbook(data: bytes, name: str = "") -> dict:
    """The workbook as JSON: {"unit": id, "exported_at", "rows": [...], "snapshot": {id: {...}}}."""
    check_file(data, name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportRefused("文件已损坏或不是有效的 Excel 工作簿，无法导入。") from exc
    try:
        if META_SHEET not in workbook.sheetnames:
            raise ImportRefused("该文件不是从督办下载的进展填报表（缺少校验信息），请先下载本单位的填报表再填写。")
        meta_rows = list(workbook[META_SHEET].iter_rows(values_only=True))
        meta = {row[0]: row[1] for row in meta_rows[:4] if row and len(row) > 1}
        if meta.get("format") != FORMAT or not str(meta.get("unit", "")).isdigit():
            raise ImportRefused("该文件不是从督办下载的进展填报表（校验信息不完整），请重新下载后填写。")
        keys = list(meta_rows[4]) if len(meta_rows) > 4 else []
        snapshot = {}
        for row in meta_rows[5:]:
            record = {key: _text(_decoded(value)) for key, value in zip(keys, row, strict=False)}
            if record.get("id", "").isdigit():
                snapshot[record["id"]] = record
        rows = []
        data_sheets = [title for title in workbook.sheetnames if title != META_SHEET]
        for title in data_sheets:
            rows.extend(_read_sheet(workbook[title], title))
    finally:
        workbook.close()
    return {
        "unit": int(meta["unit"]),
        "unit_name": _text(meta.get("unit_name")),
        "exported_at": _text(meta.get("exported_at")),
        "rows": rows,
        "snapshot": snapshot,
    }


def _cell_value(cell):
    """A cell's value; a percentage Excel stored as a fraction (60% typed → 0.6) comes back as 60."""
    value = _decoded(getattr(cell, "value", None))
    if isinstance(value, int | float) and "%" in (getattr(cell, "number_format", "") or ""):
        return round(value * 100, 6)
    return value


def _read_sheet(ws, title: str) -> list[dict]:
    lines = ([_cell_value(cell) for cell in row] for row in ws.iter_rows())
    header_at, columns = None, {}
    for index, line in enumerate(lines, start=1):
        names = [_text(value) for value in line]
        if "ID" in names:
            header_at = index
            columns = {HEADERS[name]: position for position, name in enumerate(names) if name in HEADERS}
            break
        if index >= HEADER_SCAN_ROWS:
            break
    if header_at is None:
        raise ImportRefused(f"工作表「{title}」缺少 ID 列（用于匹配事项），请使用督办下载的填报表，不要删除隐藏列。")
    missing = [FIELD_LABELS[key] for key in (*EDITABLE,) if key not in columns]
    if "version" not in columns or missing:
        what = "、".join(missing + ([] if "version" in columns else ["版本"]))
        raise ImportRefused(f"工作表「{title}」缺少以下列：{what}。请使用督办下载的填报表。")
    rows = []
    for number, line in enumerate(lines, start=header_at + 1):
        values = {key: (line[position] if position < len(line) else None) for key, position in columns.items()}
        if all(_text(value) == "" for value in values.values()):
            continue
        if all(_text(values.get(key)) == "" for key in ("id", *EDITABLE)):
            continue  # a section or note row someone typed below the table
        rows.append({"sheet": title, "row": number, **{key: _text(value) for key, value in values.items()}})
    return rows


# ---------------------------------------------------------------- judging


def parse_percent(value: str) -> int:
    text = value.strip().rstrip("%％").strip()
    if text == "":
        raise ValidationError("完成比例不能为空，请填写0到100之间的整数")
    try:
        number = float(text)
    except ValueError:
        raise ValidationError(f"完成比例“{value}”不是数字，请填写0到100之间的整数") from None
    if not number.is_integer() or not 0 <= number <= 100:
        raise ValidationError(f"完成比例“{value}”超出范围，请填写0到100之间的整数")
    return int(number)


def importable_units(user) -> set[int]:
    """Whose workbooks the person may import: their own units; the supervision office any unit's."""
    if user.is_supervisor:
        return set(Unit.objects.values_list("pk", flat=True))
    return set(user.memberships.values_list("unit_id", flat=True))


def check_owner(user, parsed: dict) -> None:
    if parsed["unit"] not in importable_units(user):
        mine = "、".join(str(u) for u in Unit.objects.filter(pk__in=importable_units(user))) or "无"
        raise ImportRefused(
            f"这是「{parsed['unit_name'] or parsed['unit']}」的进展填报表，您所在单位为「{mine}」，不能导入。"
        )


def _message(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def plan(user, parsed: dict) -> Outcome:
    """Judge every row against Duban now (see the module docstring); changes nothing."""
    check_owner(user, parsed)
    outcome = Outcome(rows=len(parsed["rows"]))
    ids = [int(row["id"]) for row in parsed["rows"] if row.get("id", "").isdigit()]
    reports = ProgressReport.objects.order_by("-created", "-id")
    shares = {
        a.pk: a
        for a in Assignment.objects.filter(pk__in=ids)
        .select_related("unit", "task")
        .prefetch_related(Prefetch("reports", queryset=reports))
    }
    editable = set(Assignment.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))
    seen: set[int] = set()
    for row in parsed["rows"]:
        where = {"row": row["row"], "sheet": row["sheet"]}
        if not row.get("id", "").isdigit():
            outcome.errors.append(
                {**where, "assignment": None, "message": "缺少 ID，无法匹配事项（请勿删除或改动隐藏的 ID 列）"}
            )
            continue
        share = shares.get(int(row["id"]))
        if share is None:
            outcome.errors.append(
                {**where, "assignment": int(row["id"]), "message": f"ID {row['id']} 对应的事项不存在"}
            )
            continue
        where["assignment"] = share.pk
        where["task"] = share.task.display_title
        if share.unit_id != parsed["unit"] or share.pk not in editable:
            outcome.errors.append({**where, "message": f"该行属于其他单位（{share.unit.name}），不予导入"})
            continue
        if share.pk in seen:
            outcome.errors.append({**where, "message": "同一事项出现了两次，只导入第一次出现的行"})
            continue
        seen.add(share.pk)
        exported = parsed["snapshot"].get(str(share.pk), {})
        ignored = [
            FIELD_LABELS[key] for key in READ_ONLY if key in row and key in exported and row[key] != exported[key]
        ]
        if ignored:
            outcome.ignored.append({**where, "fields": ignored})
        try:
            percent = parse_percent(row["percent"])
        except ValidationError as exc:
            outcome.errors.append({**where, "message": _message(exc)})
            continue
        new = {
            "progress": row["progress"],
            "problems": row["problems"],
            "next_steps": row["next_steps"],
            "percent": percent,
        }
        old = current_values(share)
        old_text = {key: _text(value) for key, value in old.items()}
        new_text = {key: _text(value) for key, value in new.items()}
        if new_text == old_text:
            outcome.unchanged.append(where)
            continue
        if exported and all(new_text[key] == exported.get(key, "") for key in EDITABLE):
            outcome.unchanged.append(where)  # nobody edited it; Duban moved on since the export
            continue
        fields = [FIELD_LABELS[key] for key in EDITABLE if new_text[key] != old_text[key]]
        diff = [
            {"field": FIELD_LABELS[key], "old": old_text[key], "new": new_text[key]}
            for key in EDITABLE
            if new_text[key] != old_text[key]
        ]
        version = int(row["version"]) if row.get("version", "").isdigit() else None
        if version != share.version:
            outcome.conflicts.append(
                {
                    **where,
                    "diff": diff,
                    "message": (
                        f"导出后该事项已在督办中被修改（版本 {row.get('version') or '?'} → {share.version}），"
                        "未覆盖；请重新下载填报表"
                    ),
                }
            )
            continue
        if share.state not in (AssignmentState.PENDING, AssignmentState.IN_PROGRESS):
            outcome.errors.append({**where, "message": f"事项{share.get_state_display()}，不能报送进展"})
            continue
        if not new["progress"]:
            outcome.errors.append({**where, "message": "请填写进展情况"})
            continue
        outcome.changed.append({**where, "fields": fields, "diff": diff, "values": new, "version": version})
    return outcome


@transaction.atomic
def apply(user, parsed: dict, *, now: dt.datetime | None = None) -> Outcome:
    """Report every changed row as the unit's progress, in one transaction.

    The plan is made again inside the transaction; report_progress locks each share and checks
    its version, so a save made since the preview refuses the whole import (nothing is saved).
    """
    now = now or timezone.now()
    outcome = plan(user, parsed)
    for change in outcome.changed:
        share = Assignment.objects.get(pk=change["assignment"])
        values = change["values"]
        try:
            services.report_progress(
                user,
                share,
                progress=values["progress"],
                problems=values["problems"],
                next_steps=values["next_steps"],
                percent=values["percent"],
                version=change["version"],
                now=now,
            )
        except services.StaleVersion as exc:
            raise ImportRefused(
                f"第{change['row']}行（{change['sheet']}）的事项在预览后被他人修改，已全部取消，请重新上传。"
            ) from exc
        except (ValidationError, PermissionDenied) as exc:
            detail = _message(exc) if isinstance(exc, ValidationError) else str(exc)
            raise ImportRefused(f"第{change['row']}行（{change['sheet']}）无法导入：{detail}。已全部取消。") from exc
    outcome.applied = bool(outcome.changed)
    return outcome
