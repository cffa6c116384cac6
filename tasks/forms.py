"""Forms for the workflow screens. Each carries the assignment's version (optimistic locking)."""

import re

from django import forms
from django.conf import settings

from units.models import Unit

from . import evidence
from .models import AssignmentRole, ReportingCycle, Task

TEXTAREA = {"rows": 3, "class": "form-control"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several optional evidence files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# Versions are positive and fit the PositiveIntegerField they are compared with.
MAX_VERSION = 2**31 - 1


class VersionedForm(forms.Form):
    """Every workflow form carries the version it showed: without one the form is invalid (400)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)


class ReportForm(VersionedForm):
    progress = forms.CharField(label="进展情况", widget=forms.Textarea(attrs=TEXTAREA))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    next_steps = forms.CharField(label="下一步计划", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    percent = forms.IntegerField(
        label="完成进度(%)", min_value=0, max_value=100, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    files = MultipleFileField(
        label="佐证材料（可选）",
        required=False,
        help_text=f"{evidence.ALLOWED_TEXT}，每个不超过 {settings.MAX_EVIDENCE_MB} MB",
        widget=MultipleFileInput(attrs={"class": "form-control", "accept": evidence.accept_attribute()}),
    )

    def clean_files(self):
        """Each file checked by content (tasks/evidence.py); every refusal is listed."""
        files = self.cleaned_data.get("files") or []
        errors = []
        for upload in files:
            try:
                evidence.inspect(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


class CompletionForm(ReportForm):
    """The lead unit's consolidated report and, optionally, its completion request in one step."""

    request_completion = forms.BooleanField(
        label="同时申请办结",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label="办结说明", required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )


class ReviewForm(VersionedForm):
    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(
        label="审核意见",
        choices=[(APPROVE, "同意销号"), (RETURN, "退回修改")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(label="意见/退回理由", required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", "退回时须填写理由")
        return data


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(
        label="申请延至", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    reason = forms.CharField(label="申请理由", widget=forms.Textarea(attrs=TEXTAREA))


class DecideExtensionForm(forms.Form):
    APPROVE, REFUSE = "approve", "refuse"
    decision = forms.ChoiceField(
        label="审批意见",
        choices=[(APPROVE, "同意延期"), (REFUSE, "不同意")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REFUSE and not (data.get("comment") or "").strip():
            self.add_error("comment", "不同意时须说明理由")
        return data


class ReassignForm(VersionedForm):
    unit = forms.ModelChoiceField(
        label="改派至", queryset=Unit.objects.active(), widget=forms.Select(attrs={"class": "form-select"})
    )
    reason = forms.CharField(label="改派理由", widget=forms.Textarea(attrs=TEXTAREA))


class DeadlineForm(VersionedForm):
    deadline = forms.DateField(
        label="新的完成时限", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs=TEXTAREA))


# ---------------------------------------------------------------- correcting a published task

TAG_SEPARATORS = re.compile(r"[、，,；;\s]+")


class TaskEditForm(forms.Form):
    """修改任务 (督查室): the task's own fields, labelled as on the model, plus a required reason."""

    number = forms.CharField(label="序号", max_length=30, required=False)
    title = forms.CharField(label="标题", max_length=200, required=False)
    section = forms.CharField(label="所属章节", max_length=300, required=False)
    text = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 5}))
    deadline = forms.DateField(
        label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    deadline_text = forms.CharField(label="时限（原文）", max_length=200, required=False)
    ongoing = forms.BooleanField(
        label="长期任务（无完成时限）",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    reporting_cycle = forms.ChoiceField(label="报送周期", choices=ReportingCycle.choices)
    report_due_day = forms.IntegerField(
        label="报送截止日",
        required=False,
        min_value=1,
        max_value=31,
        help_text="每期最后一个月的几号前报送（如每季度末月20日）；空为期末最后一天；每周、每半月不用填",
    )
    responsible_leader = forms.CharField(label="分管领导", max_length=100, required=False)
    tags = forms.CharField(label="标签", required=False, help_text="多个标签用顿号、逗号或空格分隔")
    reason = forms.CharField(label="修改理由", widget=forms.Textarea(attrs=TEXTAREA))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if not isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
                widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    @classmethod
    def initial_for(cls, task: Task) -> dict:
        """The form's starting values: the task as it is now."""
        names = [name for name in cls.base_fields if name not in ("tags", "reason")]
        return {**{name: getattr(task, name) for name in names}, "tags": "、".join(task.tags or [])}

    def clean_tags(self) -> list[str]:
        return [tag for tag in TAG_SEPARATORS.split(self.cleaned_data["tags"] or "") if tag]

    def clean(self):
        data = super().clean()
        if data.get("deadline") and data.get("ongoing"):
            self.add_error("deadline", "长期任务不设完成时限：请清空时限或取消“长期任务”")
        return data


class AddAssignmentForm(forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.active())
    role = forms.ChoiceField(
        label="角色",
        choices=AssignmentRole.choices,
        initial=AssignmentRole.SUPPORT,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(label="增加理由", widget=forms.Textarea(attrs=TEXTAREA))


class RemoveAssignmentForm(VersionedForm):
    reason = forms.CharField(label="移除理由", widget=forms.Textarea(attrs=TEXTAREA))


class SetRoleForm(VersionedForm):
    role = forms.ChoiceField(choices=AssignmentRole.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label="调整理由", widget=forms.Textarea(attrs=TEXTAREA))


class PublishOverdueForm(forms.Form):
    """Before publishing items whose deadline has passed: a new deadline for all of them, or as they are."""

    NEW_DEADLINE, AS_IS = "new_deadline", "as_is"
    overdue_choice = forms.ChoiceField(
        label="已过期条目的处理",
        choices=[(NEW_DEADLINE, "统一设定新的完成时限后发布"), (AS_IS, "按原时限发布（发布后即为逾期）")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": "请选择已过期条目的处理方式"},
    )
    new_deadline = forms.DateField(
        label="新的完成时限", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    reason = forms.CharField(
        label="调整理由",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("overdue_choice") == self.NEW_DEADLINE:
            if not data.get("new_deadline"):
                self.add_error("new_deadline", "请填写新的完成时限")
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "请填写调整理由（记入每项任务的办理记录）")
        return data


def on_behalf_form(form_class: type[forms.Form]) -> type[forms.Form]:
    """The same workflow form with the reason 督查室 must give when acting for a unit (代为办理)."""
    reason = forms.CharField(
        label="代为办理理由",
        max_length=500,
        help_text="记入办理记录，注明由督查室代为办理。",
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "请填写代为办理的理由"},
    )
    return type(f"OnBehalf{form_class.__name__}", (form_class,), {"on_behalf_reason": reason})


class InstructionForm(forms.Form):
    text = forms.CharField(
        label="批示内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-draft": "instruction"}),
        error_messages={"required": "请填写批示内容"},
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label="发言",
        max_length=2000,
        help_text="输入“@单位简称”提醒承办单位，例如 @区发改委。",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-draft": "comment"}),
        error_messages={"required": "请填写发言内容"},
    )
