"""Forms for the workflow screens. Each carries the assignment's version (optimistic locking)."""

from django import forms

from units.models import Unit

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


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportForm(VersionedForm):
    progress = forms.CharField(label="进展情况", widget=forms.Textarea(attrs=TEXTAREA))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    next_steps = forms.CharField(label="下一步计划", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    percent = forms.IntegerField(
        label="完成进度(%)", min_value=0, max_value=100, widget=forms.NumberInput(attrs={"class": "form-control"})
    )
    files = MultipleFileField(label="佐证材料（可选）", required=False)


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
