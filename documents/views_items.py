"""The review screen's row actions: one item or one of its units changed in place.

Each action answers an htmx request with the re-rendered row (and the page's counters, out of
band) and a plain form post with a redirect back to the review screen. Every form and button
carries the item's `version`; a stale one re-renders the row as it is now with a message
(`_row_action`), so nothing is overwritten silently. The document pages are in views.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.guards import StaleVersion, run_action
from units.models import Unit, UnitGroup

from . import services
from .forms import AddUnitForm, FixUnitForm, ItemEditForm, SplitForm
from .models import DraftItem, DraftItemUnit, ItemRole, ReviewState
from .rows import item_row as row_html
from .views import (
    MAX_UNIT_QUERY,
    _conflict_text,
    _current_units,
    _error_text,
    _get_rw_item,
    _get_rw_item_unit,
    _is_htmx,
    _posted_version,
    _require_supervisor,
    _review_counts,
    _review_url,
    _units_prefetch,
    _with_blockers,
)


def _row(request, item: DraftItem, *, error: str = "", status: int = 200) -> HttpResponse:
    """The item's row, followed by the page's counters as an out-of-band swap (in a <template>,
    which htmx accepts beside a <tr>)."""
    item = DraftItem.objects.prefetch_related(_units_prefetch()).get(pk=item.pk)
    _with_blockers([item])
    context = {"row": row_html(item, get_token(request), error), "counts": _review_counts(item.document_id)}
    return render(request, "documents/_item_row_response.html", context, status=status)


def _after_change(request, item: DraftItem, *, error: str = "") -> HttpResponse:
    if _is_htmx(request):
        return _row(request, item, error=error)
    if error:
        messages.error(request, error)
    return redirect(_review_url(item))


@login_required
def item_row(request, item_id: int):
    item = _get_rw_item(request, item_id)
    return _row(request, item)


_EDIT_FIELDS = (
    ("text", "任务内容"),
    ("lead_names", "牵头单位"),
    ("support_names", "配合单位"),
    ("deadline", "完成时限"),
    ("deadline_text", "时限（原文）"),
    ("ongoing", "长期任务"),
    ("responsible_leader", "责任领导"),
)


def _edit_values(item: DraftItem, rows=None) -> dict:
    """The item as the edit form shows it (the form's initial values)."""
    rows = list(item.units.order_by("role", "position", "id")) if rows is None else rows
    return {
        "text": item.text,
        "lead_names": "、".join(r.written for r in rows if r.role == ItemRole.LEAD),
        "support_names": "、".join(r.written for r in rows if r.role == ItemRole.SUPPORT),
        "deadline": item.deadline.isoformat() if item.deadline else "",
        "deadline_text": item.deadline_text,
        "ongoing": item.ongoing,
        "responsible_leader": item.responsible_leader,
    }


def _conflict_rows(conflict: StaleVersion, posted) -> list[dict]:
    """Each field's current value beside what the person typed, marking the ones that differ."""
    current = _edit_values(conflict.current, _current_units(conflict.current))
    typed = {name: posted.get(name, "") for name, _label in _EDIT_FIELDS}
    typed["ongoing"] = bool(posted.get("ongoing"))
    typed["lead_names"] = "、".join(services.split_names(typed["lead_names"]))
    typed["support_names"] = "、".join(services.split_names(typed["support_names"]))

    def shown(name, value):
        if name == "ongoing":
            return "是" if value else "否"
        return str(value).strip() or "—"

    return [
        {
            "label": label,
            "current": shown(name, current[name]),
            "typed": shown(name, typed[name]),
            "differs": shown(name, current[name]) != shown(name, typed[name]),
        }
        for name, label in _EDIT_FIELDS
    ]


@login_required
def item_edit(request, item_id: int):
    item = _get_rw_item(request, item_id)
    version = item.version
    conflict = None
    status = 200
    if request.method == "POST":
        form = ItemEditForm(request.POST)
        version = _posted_version(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_item(
                    request.user,
                    item,
                    text=data["text"],
                    deadline=data["deadline"],
                    deadline_text=data["deadline_text"],
                    ongoing=data["ongoing"],
                    responsible_leader=data["responsible_leader"],
                    lead_names=data["lead_names"],
                    support_names=data["support_names"],
                    version=version,
                )
            except StaleVersion as exc:
                # Keep what the person typed; carry the current version, so saving again is a decision.
                conflict = {"text": _conflict_text(exc), "rows": _conflict_rows(exc, request.POST)}
                version = exc.current.version
                item = exc.current
                # htmx swaps only 2xx answers; a full page says 409 Conflict.
                status = 200 if _is_htmx(request) else 409
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                return _after_change(request, item)
    else:
        form = ItemEditForm(initial=_edit_values(item))
    template = "documents/_item_edit.html" if _is_htmx(request) else "documents/item_edit_page.html"
    context = {"item": item, "form": form, "split_form": SplitForm(), "version": version, "conflict": conflict}
    return render(request, template, context, status=status)


def _row_action(request, item: DraftItem, call, *, refresh_page: bool = False) -> HttpResponse:
    """Run one row action through accounts.guards.run_action: a stale version or a refusal
    re-renders the row as it is now with the reason; success re-renders the changed item (and,
    with `refresh_page`, asks htmx to reload the page, when the change reached other rows too)."""
    outcome = run_action(call)
    if outcome.stale:
        return _after_change(request, item, error=_conflict_text(outcome.stale))
    if outcome.errors:
        return _after_change(request, item, error="；".join(outcome.errors))
    response = _after_change(request, outcome.result if isinstance(outcome.result, DraftItem) else item)
    if refresh_page and _is_htmx(request):
        response["HX-Refresh"] = "true"
    return response


def _state_action(request, item_id: int, action) -> HttpResponse:
    item = _get_rw_item(request, item_id)
    return _row_action(request, item, lambda: action(request.user, item, version=_posted_version(request)))


@login_required
@require_POST
def item_accept(request, item_id: int):
    return _state_action(request, item_id, services.accept)


@login_required
@require_POST
def item_reject(request, item_id: int):
    return _state_action(request, item_id, services.reject)


@login_required
@require_POST
def item_reopen(request, item_id: int):
    return _state_action(request, item_id, services.reopen)


@login_required
@require_POST
def item_split(request, item_id: int):
    item = _get_rw_item(request, item_id)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(_review_url(item))
    line = form.cleaned_data.get("line")
    try:
        new = services.split(
            request.user,
            item,
            at=form.cleaned_data.get("at"),
            line=(line - 1) if line else None,
            version=_posted_version(request),
        )
    except StaleVersion as conflict:
        messages.warning(request, _conflict_text(conflict))
        return redirect(_review_url(item))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(_review_url(item))
    messages.success(request, "已拆分为两个条目。")
    return redirect(_review_url(new))


@login_required
@require_POST
def item_add_unit(request, item_id: int):
    item = _get_rw_item(request, item_id)
    form = AddUnitForm(request.POST)
    if not form.is_valid():
        return _after_change(request, item, error="请填写单位名称并选择角色")
    data = form.cleaned_data
    return _row_action(
        request,
        item,
        lambda: services.add_item_unit(
            request.user, item, data["written"], data["role"], version=_posted_version(request)
        ),
    )


@login_required
@require_POST
def unit_fix(request, pk: int):
    """Fix an unresolved (or wrong) name inline: the chosen unit or group gets the name as an alias."""
    item_unit = _get_rw_item_unit(request, pk)
    item = item_unit.item
    form = FixUnitForm(request.POST)
    name = form.data.get("name", "").strip() if not form.is_valid() else form.cleaned_data["name"].strip()
    unit = Unit.objects.filter(Q(name=name) | Q(short_name=name)).order_by("-active", "pk").first()
    group = None if unit else UnitGroup.objects.filter(name=name).first()
    if not name or not (unit or group):
        return _after_change(
            request, item, error=f"单位名录中没有“{name}”，请从下拉列表中选择" if name else "请选择单位"
        )
    others = DraftItemUnit.objects.filter(
        item__document=item.document, written=item_unit.written, unit__isnull=True, group__isnull=True
    ).exclude(pk=item_unit.pk)
    # The same name fixed on other rows too: the whole page is reloaded to show them.
    refresh = others.exclude(item__state__in=(ReviewState.PUBLISHED, ReviewState.MERGED)).exists()
    return _row_action(
        request,
        item,
        lambda: services.set_item_unit(
            request.user, item_unit, unit=unit, group=group, version=_posted_version(request)
        ),
        refresh_page=refresh,
    )


@login_required
@require_POST
def unit_remove(request, pk: int):
    item_unit = _get_rw_item_unit(request, pk)
    return _row_action(
        request,
        item_unit.item,
        lambda: services.remove_item_unit(request.user, item_unit, version=_posted_version(request)),
    )


@login_required
@require_POST
def unit_role(request, pk: int):
    item_unit = _get_rw_item_unit(request, pk)
    role = request.POST.get("role", "")
    return _row_action(
        request,
        item_unit.item,
        lambda: services.set_unit_role(request.user, item_unit, role, version=_posted_version(request)),
    )


@login_required
def unit_options(request):
    """Autocomplete for unit names: <option>s for a <datalist>, or JSON with ?format=json."""
    _require_supervisor(request)
    query = request.GET.get("q", "").strip()
    units = Unit.objects.active()
    groups = UnitGroup.objects.all()
    if len(query) > MAX_UNIT_QUERY:
        # No unit or group name is this long; the database is never asked to match it.
        units, groups = units.none(), groups.none()
    elif query:
        units = units.filter(
            Q(name__contains=query) | Q(short_name__contains=query) | Q(aliases__alias__contains=query)
        )
        groups = groups.filter(Q(name__contains=query) | Q(aliases__alias__contains=query))
    units = list(units.distinct()[:500])
    groups = list(groups.distinct()[:100])
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "units": [{"id": u.pk, "name": u.name, "short_name": u.short_name} for u in units],
                "groups": [{"id": g.pk, "name": g.name} for g in groups],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "documents/_unit_options.html", {"units": units, "groups": groups})
