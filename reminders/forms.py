from django import forms

from .models import ReminderPolicy

NUMBER = {"class": "form-control", "min": 0}


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
        widgets = {
            "lead_days": forms.TextInput(attrs={"class": "form-control"}),
            **{
                name: forms.NumberInput(attrs=NUMBER)
                for name in (
                    "overdue_every",
                    "urge_from_step",
                    "supervise_from_step",
                    "report_lead_days",
                    "send_hour",
                    "send_minute",
                    "work_start_hour",
                    "work_end_hour",
                    "daily_cap",
                )
            },
            "email_enabled": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "webhook_enabled": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }
