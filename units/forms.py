"""Forms of the registry screens: ids from the browser are checked here, never trusted."""

from django import forms

from .models import Unit


class MergeForm(forms.Form):
    """/units/merge/: two active units, by id; anything else is "请选择单位"."""

    source = forms.ModelChoiceField(
        queryset=Unit.objects.active(), error_messages={"required": "请选择单位", "invalid_choice": "请选择单位"}
    )
    target = forms.ModelChoiceField(
        queryset=Unit.objects.active(), error_messages={"required": "请选择单位", "invalid_choice": "请选择单位"}
    )
    confirm = forms.CharField(required=False)
