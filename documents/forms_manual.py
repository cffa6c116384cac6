"""Forms of the no-dead-ends screens: 粘贴文本 and an item made from a selected passage."""

from django import forms

from .actions.manual import MAX_PASTE_CHARS
from .forms import UNIT_INPUT
from .services import split_names


class PasteForm(forms.Form):
    title = forms.CharField(label="标题", required=False, max_length=200, help_text="可不填：默认取正文第一行")
    text = forms.CharField(
        label="正文",
        max_length=MAX_PASTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 18, "placeholder": "把网页或文件中的正文（含表格）复制后粘贴到这里"}),
        error_messages={"required": "请粘贴文件正文", "max_length": "粘贴的文字过长，请分段导入或上传文件"},
    )


class PassageItemForm(forms.Form):
    text = forms.CharField(label="任务内容", max_length=5000, error_messages={"required": "任务内容不能为空"})
    source_start = forms.IntegerField(required=False, min_value=1)
    source_end = forms.IntegerField(required=False, min_value=1)
    lead_names = forms.CharField(label="牵头单位", required=False, widget=forms.TextInput(attrs=UNIT_INPUT))
    support_names = forms.CharField(label="配合单位", required=False, widget=forms.TextInput(attrs=UNIT_INPUT))
    deadline = forms.DateField(
        label="完成时限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式应为 年-月-日"},
    )

    def clean_lead_names(self):
        return split_names(self.cleaned_data["lead_names"])

    def clean_support_names(self):
        return split_names(self.cleaned_data["support_names"])
