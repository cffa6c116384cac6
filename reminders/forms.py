from django import forms

from .models import ReminderPolicy


class PolicyForm(forms.ModelForm):
    class Meta:
        model = ReminderPolicy
        fields = (
            "lead_days",
            "overdue_every",
            "urge_from_step",
            "supervise_from_step",
            "report_lead_days",
            "send_hour",
            "send_minute",
            "work_start_hour",
            "work_end_hour",
            "daily_cap",
            "email_enabled",
            "webhook_enabled",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bootstrap classes by widget kind; every number on the policy is a count of days,
        # hours or steps, so none may go below zero.
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
                continue
            widget.attrs["class"] = "form-control"
            if isinstance(widget, forms.NumberInput):
                widget.attrs["min"] = 0
