from django import forms

from units.models import Unit


class UploadForm(forms.Form):
    file = forms.FileField(
        label="填写好的进展填报表（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


class UnitChoiceForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.filter(active=True).order_by("sort_order", "name"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class MonthForm(forms.Form):
    month = forms.RegexField(
        label="月份",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": "月份格式为 YYYY-MM"},
        widget=forms.TextInput(attrs={"type": "month", "class": "form-control"}),
    )
