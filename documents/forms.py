"""Forms of the documents screens: upload and the inline review edits."""

from django import forms
from django.conf import settings

from .models import ItemRole, ReportCycle
from .services import split_names

ACCEPTED_TYPES = ".txt,.docx,.xlsx,.pdf,.doc,.wps,.ofd"
UNIT_INPUT = {"list": "unit-options"}  # the review page's <datalist> of registry names


class UploadForm(forms.Form):
    file = forms.FileField(
        label="文件",
        help_text=f"支持 .txt、.docx、.xlsx、带文字的 .pdf（装有 LibreOffice 时另支持 .doc、.wps），"
        f"上限 {settings.MAX_UPLOAD_MB} MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
        error_messages={"required": "请选择要上传的文件", "empty": "文件是空的，请检查后重新上传"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = int(settings.MAX_UPLOAD_MB) * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(f"文件超过 {settings.MAX_UPLOAD_MB} MB，无法导入")
        if upload.size == 0:
            raise forms.ValidationError("文件是空的，请检查后重新上传")
        return upload


class ItemEditForm(forms.Form):
    text = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 4}))
    lead_names = forms.CharField(
        label="牵头单位",
        required=False,
        help_text="多个单位用“、”分隔",
        widget=forms.TextInput(attrs=UNIT_INPUT),
    )
    support_names = forms.CharField(label="责任/配合单位", required=False, widget=forms.TextInput(attrs=UNIT_INPUT))
    deadline = forms.DateField(
        label="完成时限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式应为 年-月-日"},
    )
    deadline_text = forms.CharField(label="时限（原文）", required=False, max_length=200)
    ongoing = forms.BooleanField(label="长期任务", required=False)
    responsible_leader = forms.CharField(label="责任领导", required=False, max_length=100)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("任务内容不能为空")
        return text

    def clean_lead_names(self):
        return split_names(self.cleaned_data["lead_names"])

    def clean_support_names(self):
        return split_names(self.cleaned_data["support_names"])


class AddUnitForm(forms.Form):
    written = forms.CharField(
        label="单位",
        max_length=200,
        widget=forms.TextInput(attrs={**UNIT_INPUT, "placeholder": "输入单位名称"}),
    )
    role = forms.ChoiceField(label="角色", choices=ItemRole.choices, initial=ItemRole.SUPPORT)


class FixUnitForm(forms.Form):
    """Choose the unit or group an unresolved written name means (by its exact registry name)."""

    name = forms.CharField(
        label="对应单位",
        max_length=200,
        widget=forms.TextInput(attrs={**UNIT_INPUT, "placeholder": "选择单位"}),
    )


class SplitForm(forms.Form):
    at = forms.IntegerField(label="在第几个字后拆分", required=False, min_value=1)
    line = forms.IntegerField(label="在第几行前拆分", required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("at") is None and cleaned.get("line") is None:
            raise forms.ValidationError("请指定拆分位置")
        return cleaned


class ScheduleForm(forms.Form):
    """The document's reporting schedule as data (cycle + due day)."""

    report_cycle = forms.ChoiceField(
        label="报送周期",
        choices=ReportCycle.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    report_due_day = forms.IntegerField(
        label="截止日",
        required=False,
        min_value=1,
        max_value=31,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "placeholder": "期末"}),
    )
