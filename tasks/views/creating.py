"""新建任务: a task made by hand from a 领导批示, a meeting decision or a notice (督查室 only)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from accounts.guards import require_supervisor
from documents.services import resolve_name, split_names
from tasks.actions.by_hand import SOURCE_KINDS, create_task_by_hand
from tasks.models import ReportingCycle

CONTROL = {"class": "form-control"}
UNITS = {"class": "form-control", "list": "unit-options", "placeholder": "输入单位名称，多个用“、”分隔"}


class HandTaskForm(forms.Form):
    source_kind = forms.ChoiceField(
        label="来源类别", choices=SOURCE_KINDS, widget=forms.Select(attrs={"class": "form-select"})
    )
    source_text = forms.CharField(
        label="任务来源",
        max_length=300,
        help_text="如：王区长9月20日在某某报告上的批示；区政府第12次常务会议决定；市应急局电话通知",
        widget=forms.TextInput(attrs=CONTROL),
        error_messages={"required": "请填写任务来源"},
    )
    source_file = forms.FileField(
        label="附件（可选）",
        required=False,
        help_text=f"批示件、会议纪要或通知的扫描件或文件，上限 {settings.MAX_UPLOAD_MB} MB",
        widget=forms.ClearableFileInput(attrs=CONTROL),
    )
    text = forms.CharField(
        label="任务内容",
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        error_messages={"required": "请填写任务内容"},
    )
    title = forms.CharField(label="简称（可选）", required=False, max_length=200, widget=forms.TextInput(attrs=CONTROL))
    lead_names = forms.CharField(
        label="牵头单位", widget=forms.TextInput(attrs=UNITS), error_messages={"required": "请至少填写一个牵头单位"}
    )
    support_names = forms.CharField(label="配合单位", required=False, widget=forms.TextInput(attrs=UNITS))
    deadline = forms.DateField(
        label="完成时限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式应为 年-月-日"},
    )
    ongoing = forms.BooleanField(
        label="长期任务（无完成时限）", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    reporting_cycle = forms.ChoiceField(
        label="报送周期",
        choices=ReportingCycle.choices,
        initial=ReportingCycle.NONE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    responsible_leader = forms.CharField(
        label="分管领导", required=False, max_length=100, widget=forms.TextInput(attrs=CONTROL)
    )

    def _units(self, field: str) -> list:
        units, unknown = [], []
        for name in split_names(self.cleaned_data.get(field, "")):
            placed = resolve_name(name)
            if placed.unit is not None:
                units.append(placed.unit)
            elif placed.group is not None and placed.group.member_units():
                units.extend(placed.group.member_units())
            else:
                unknown.append(name)
        if unknown:
            raise ValidationError("未识别的单位：" + "、".join(unknown) + "。请从下拉列表中选择登记的单位。")
        return units

    def clean_lead_names(self):
        units = self._units("lead_names")
        if not units:
            raise ValidationError("请至少填写一个牵头单位")
        return units

    def clean_support_names(self):
        return self._units("support_names")

    def clean_source_file(self):
        upload = self.cleaned_data.get("source_file")
        if upload and upload.size > int(settings.MAX_UPLOAD_MB) * 1024 * 1024:
            raise ValidationError(f"附件超过 {settings.MAX_UPLOAD_MB} MB")
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("ongoing") and not data.get("deadline") and not self.errors.get("deadline"):
            self.add_error("deadline", "请填写完成时限，或勾选长期任务")
        return data


@login_required
def create(request):
    require_supervisor(request.user)
    form = HandTaskForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = create_task_by_hand(
                request.user,
                text=data["text"],
                title=data["title"],
                source_kind=data["source_kind"],
                source_text=data["source_text"],
                source_file=data["source_file"],
                lead_units=data["lead_names"],
                support_units=data["support_names"],
                deadline=data["deadline"],
                ongoing=data["ongoing"],
                reporting_cycle=data["reporting_cycle"],
                responsible_leader=data["responsible_leader"],
            )
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, f"已新建任务，已分派给 {task.assignments.count()} 个单位。")
            return redirect("tasks:detail", task_id=task.pk)
    return render(request, "tasks/create.html", {"form": form}, status=400 if form.errors else 200)
