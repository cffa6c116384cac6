"""The review screen's item rows, written in Python.

An 84-item document rendered 84 rows of a template with a dozen conditions and includes per
row and per unit chip: nine thousand template lookups, most of the review screen's time. The
same markup is written here with one f-string per part, every value escaped with the
standard library's html.escape (what Django's autoescape uses). documents/views._with_blockers
prepares the items (rows by role, blockers, action URLs) before they are written.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from .models import ItemRole, ReviewState

_STATE_BADGES = {
    ReviewState.ACCEPTED: "text-bg-success",
    ReviewState.REJECTED: "text-bg-dark",
    ReviewState.PUBLISHED: "text-bg-info",
}


def _e(value) -> str:
    return escape(str(value))


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_e(token)}">'


def _vals(**values: str) -> str:
    """An hx-vals attribute's JSON, as the template wrote it (inside single quotes)."""
    inner = ", ".join(f'"{key}": "{_e(value)}"' for key, value in values.items())
    return "{" + inner + "}"


def unit_chip(row, item, csrf_token: str) -> str:
    """templates/documents/_unit_chip.html: one unit, group or unresolved name of an item."""
    if not row.resolved:
        written = _e(row.written)
        chip = (
            '<span class="badge text-bg-danger me-1 mb-1 unit-chip unresolved-chip" data-testid="unresolved" '
            f'title="单位名录中未找到">{written}'
            f'<form class="d-inline-flex flex-wrap align-items-center gap-1 ms-1" method="post" '
            f'action="{_e(row.fix_url)}" hx-post="{_e(row.fix_url)}" hx-target="closest tr" hx-swap="outerHTML">'
            f"{_csrf(csrf_token)}"
            f'<input type="hidden" name="version" value="{_e(item.version)}">'
            f'<input name="name" list="unit-options" class="form-control form-control-sm py-0 unit-pick-input" '
            f'placeholder="选择对应单位" aria-label="{written} 对应单位" required>'
            '<button class="btn btn-light btn-sm py-0" type="submit" title="保存后作为别名，下次自动识别">确定</button>'
            "</form></span>"
        )
    else:
        group = row.group if row.group_id is not None else None
        if group is not None and group.needs_confirmation:
            colour = "text-bg-warning"
        elif row.role == ItemRole.LEAD:
            colour = "text-bg-primary"
        else:
            colour = "text-bg-secondary"
        title = f"原文：{row.written}" + (f"（{row.method}）" if row.method else "")
        if row.unit_id is not None:
            label = _e(row.unit)
            if not row.unit.active:
                label += f"（已撤并→{_e(row.current_unit)}）"
        else:
            label = _e(group.name) if group is not None else ""
            if group is not None and group.needs_confirmation:
                label += "（需确认成员）"
        chip = f'<span class="badge {colour} me-1 mb-1 unit-chip" title="{_e(title)}">{label}</span>'
    if item.editable:
        lead = row.role == ItemRole.LEAD
        role_vals = _vals(role="support" if lead else "lead", version=str(item.version))
        chip += (
            '<span class="unit-actions">'
            f'<button class="btn btn-link btn-sm p-0 text-decoration-none" hx-post="{_e(row.role_url)}" '
            f'hx-vals=\'{role_vals}\' hx-target="closest tr" hx-swap="outerHTML" '
            f'title="{"改为配合" if lead else "改为牵头"}">⇄</button>'
            f'<button class="btn btn-link btn-sm p-0 text-danger text-decoration-none me-2" '
            f"hx-post=\"{_e(row.remove_url)}\" hx-vals='{_vals(version=str(item.version))}' "
            'hx-target="closest tr" hx-swap="outerHTML" title="移除">×</button></span>'
        )
    return chip


def _chips(rows, item, csrf_token: str) -> str:
    if not rows:
        return '<span class="text-muted small">—</span>'
    return "".join(unit_chip(row, item, csrf_token) for row in rows)


def _provenance(item) -> str:
    provenance = item.provenance or {}
    source, guesses = provenance.get("source"), provenance.get("guesses")
    if not (source or guesses):
        return ""
    parts = ['<div class="provenance small mt-1" data-testid="provenance">']
    if source:
        parts.append(f'<span class="text-muted">读自：{_e(source)}</span>')
    for guess in guesses or ():
        parts.append(
            f'<div class="provenance-guess text-warning-emphasis" data-testid="guess">⚠ 推定：{_e(guess)}</div>'
        )
    parts.append("</div>")
    return "".join(parts)


def _text_cell(item, error: str) -> str:
    parts = ['<td class="item-text">']
    if error:
        parts.append(f'<div class="alert alert-danger py-1 px-2 mb-1 small" role="alert">{_e(error)}</div>')
    if item.section_path:
        path = item.section_path
        title = " / ".join(_e(p) for p in path)
        parts.append(f'<div class="small text-muted text-truncate" title="{title}">{_e(path[-1])}</div>')
    parts.append(f'<div class="clamp pre-wrap" title="点击展开并定位原文">{_e(item.text)}</div>')
    parts.append(_provenance(item))
    if item.responsible_leader:
        parts.append(f'<div class="small text-muted">责任领导：{_e(item.responsible_leader)}</div>')
    if item.blocker_list and item.state != ReviewState.REJECTED:
        blockers = "；".join(_e(b) for b in item.blocker_list)
        parts.append(f'<div class="small text-danger mt-1" data-testid="blockers">{blockers}</div>')
    parts.append("</td>")
    return "".join(parts)


def _units_cell(item, csrf_token: str) -> str:
    cell = (
        '<td><div class="small text-muted">牵头</div>'
        f"<div>{_chips(item.lead_rows, item, csrf_token)}</div>"
        '<div class="small text-muted mt-1">配合</div>'
        f"<div>{_chips(item.support_rows, item, csrf_token)}</div>"
    )
    if item.editable:
        url = _e(item.add_unit_url)
        cell += (
            f'<form class="d-flex flex-wrap gap-1 mt-1" method="post" action="{url}" hx-post="{url}" '
            'hx-target="closest tr" hx-swap="outerHTML">'
            f"{_csrf(csrf_token)}"
            f'<input type="hidden" name="version" value="{_e(item.version)}">'
            '<input name="written" list="unit-options" class="form-control form-control-sm unit-add-input" '
            'placeholder="添加单位" aria-label="添加单位" required>'
            '<select name="role" class="form-select form-select-sm unit-role-select" aria-label="角色">'
            '<option value="support">配合</option><option value="lead">牵头</option></select>'
            '<button class="btn btn-outline-secondary btn-sm" type="submit">添加</button></form>'
        )
    return cell + "</td>"


def _deadline_cell(item) -> str:
    if item.ongoing:
        when = "长期"
    elif item.deadline:
        when = f"{item.deadline:%Y-%m-%d}"
    else:
        when = "—"
    cell = f'<td class="small deadline-cell"><span class="text-nowrap">{when}</span>'
    if item.deadline_text:
        cell += f'<div class="text-muted">{_e(item.deadline_text)}</div>'
    if item.recurrence:
        cell += f'<div class="text-muted">{_e(item.recurrence)}</div>'
    return cell + "</td>"


def _actions_cell(item) -> str:
    if not item.editable:
        return '<td class="text-nowrap"></td>'
    version = _vals(version=str(item.version))
    swap = 'hx-target="closest tr" hx-swap="outerHTML"'
    buttons = []
    for shown, url, style, label in (
        (item.state != ReviewState.ACCEPTED, item.accept_url, "btn-outline-success", "确认"),
        (item.state != ReviewState.REJECTED, item.reject_url, "btn-outline-dark", "排除"),
        (item.state != ReviewState.PENDING, item.reopen_url, "btn-outline-secondary", "撤回"),
    ):
        if shown:
            buttons.append(
                f'<button class="btn {style}" hx-post="{_e(url)}" hx-vals=\'{version}\' {swap}>{label}</button>'
            )
    edit = _e(item.edit_url)
    buttons.append(f'<a class="btn btn-outline-primary" href="{edit}" hx-get="{edit}" {swap}>编辑</a>')
    return f'<td class="text-nowrap"><div class="btn-group-vertical btn-group-sm">{"".join(buttons)}</div></td>'


def item_row(item, csrf_token: str, error: str = "") -> SafeString:
    """templates/documents/_item_row.html's <tr> for one prepared item."""
    number = _e(item.number or item.position)
    start, end = _e(item.source_start or ""), _e(item.source_end or "")
    check = ""
    if item.editable:
        check = (
            f'<input type="checkbox" class="form-check-input" name="items" value="{item.pk}" form="merge-form" '
            f'aria-label="选择第{_e(item.number)}项">'
            f'<input type="hidden" name="version-{item.pk}" value="{_e(item.version)}" form="merge-form">'
        )
    badge = _STATE_BADGES.get(item.state, "text-bg-light border")
    return mark_safe(  # noqa: S308 - every value above is escaped
        f'<tr id="item-{item.pk}" class="item-row state-{_e(item.state)}" data-item="{item.pk}" '
        f'data-start="{start}" data-end="{end}" data-testid="item-row">'
        f"<td>{check}</td>"
        '<td><button type="button" class="btn btn-link p-0 fw-bold locate" data-locate aria-pressed="false" '
        f'aria-controls="source" title="在右侧原文中定位" aria-label="定位第{number}项的原文">{number}</button></td>'
        f"{_text_cell(item, error)}{_units_cell(item, csrf_token)}{_deadline_cell(item)}"
        f'<td class="text-nowrap"><span class="badge {badge}" data-testid="item-state">'
        f"{_e(item.get_state_display())}</span></td>"
        f"{_actions_cell(item)}</tr>"
    )
