"""The 审计 page's filters: every value in the URL, each one checked."""

from django import forms
from django.contrib.auth import get_user_model

from units.models import Unit

from .models import SecurityEventKind

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}
BIGINT_MAX = 2**63 - 1


class AuditFilterForm(forms.Form):
    view = forms.ChoiceField(
        label="查看",
        choices=[("security", "安全事件"), ("history", "办理记录")],
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    user = forms.ModelChoiceField(
        label="用户",
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label="全部",
        widget=forms.Select(attrs=SELECT),
    )
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.order_by("sort_order", "name"), required=False, empty_label="全部",
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    task = forms.IntegerField(
        label="任务编号", min_value=1, max_value=BIGINT_MAX, required=False, widget=forms.NumberInput(attrs=INPUT)
    )
    kind = forms.ChoiceField(
        label="事件", choices=[("", "全部"), *SecurityEventKind.choices], required=False,
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={**INPUT, "type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data
