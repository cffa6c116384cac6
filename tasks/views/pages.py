"""The page every workflow and task-editing form shares: GET shows the form; POST validates,
calls one action, and answers with the outcome (accounts.guards.run_action)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.guards import StaleVersion, run_action

from ..actions.on_behalf import act_on_behalf, needs_on_behalf
from ..forms import on_behalf_form


def form_page(request, assignment, form, *, title, action, conflict=None, extra=None, status=200):
    ctx = {"assignment": assignment, "task": assignment.task, "form": form, "title": title, "action": action}
    ctx["conflict"] = conflict
    ctx.update(extra or {})
    return render(request, "tasks/assignment_form.html", ctx, status=status)


def keep_input_with_current_version(form_class, request, stale: StaleVersion):
    """Keep what the user typed, with the current version, so a second submit is a decision."""
    data = request.POST.copy()
    data["version"] = stale.current_version
    form = form_class(data)
    form.is_valid()
    return form


def assignment_form_view(
    request,
    assignment,
    form_class,
    *,
    title,
    action,
    call,
    success,
    initial=None,
    extra=None,
    files=False,
    unit_work=False,
):
    """One workflow form on one share: GET shows it; POST validates, calls the action with the
    cleaned data, and goes back to the task with the success message.

    A refusal becomes a form error (400) and keeps what the person typed. A stale version
    re-renders their input with the current version and what changed (409), so a second
    submit is a decision, not an accident. `unit_work`: the unit's own work; 督查室 doing it
    for the unit gets the form with a required 代为办理理由 and the action is recorded as such.
    """
    if unit_work and needs_on_behalf(request.user, assignment):
        form_class = on_behalf_form(form_class)
        unit_call = call

        def call(data):
            return act_on_behalf(
                request.user, assignment, reason=data["on_behalf_reason"], perform=lambda: unit_call(data)
            )

        extra = {**(extra or {}), "on_behalf_unit": assignment.unit}
    page = {"title": title, "action": action, "extra": extra}
    if request.method != "POST":
        return form_page(request, assignment, form_class(initial=initial), **page)
    form = form_class(request.POST, request.FILES) if files else form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = run_action(lambda: call(data), form)
        if outcome.stale:
            form = keep_input_with_current_version(form_class, request, outcome.stale)
            return form_page(request, assignment, form, conflict=outcome.stale, status=409, **page)
        if outcome.ok:
            messages.success(request, success(data) if callable(success) else success)
            return redirect("tasks:detail", assignment.task_id)
    return form_page(request, assignment, form, status=400, **page)
