"""The dashboard's filter form: document, section, unit kind, 分管领导 and a deadline period.

Field names are the ledger's parameter names (tasks.filters.AssignmentFilter), so the values
pass unchanged into every drill-through link. The form only renders the choices; the ledger's
filter set validates and applies them (dashboard.figures.scope_for).
"""

from django import forms

from documents.models import SourceDocument
from tasks.filters import NONE
from tasks.models import Task
from tasks.widgets import FastSelect
from units.models import UnitKind

SELECT = {"class": "form-select form-select-sm"}
DATE = {"type": "date", "class": "form-control form-control-sm"}


class DashboardFilterForm(forms.Form):
    document = forms.ChoiceField(label="文件", required=False, widget=FastSelect(attrs=SELECT))
    section_exact = forms.ChoiceField(label="章节", required=False, widget=FastSelect(attrs=SELECT))
    unit_kind = forms.ChoiceField(
        label="单位类别", required=False, choices=[("", "全部"), *UnitKind.choices], widget=FastSelect(attrs=SELECT)
    )
    leader = forms.ChoiceField(label="分管领导", required=False, widget=FastSelect(attrs=SELECT))
    deadline_after = forms.DateField(label="时限自", required=False, widget=forms.DateInput(attrs=DATE))
    deadline_before = forms.DateField(label="时限至", required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, tasks=None, **kwargs):
        super().__init__(*args, **kwargs)
        tasks = (tasks if tasks is not None else Task.objects.all()).order_by()
        documents = SourceDocument.objects.filter(pk__in=tasks.values("source_document")).order_by("-created", "-id")
        self.fields["document"].choices = [
            ("", "全部"),
            *((str(d.pk), d.title) for d in documents),
            (NONE, "（无来源文件）"),
        ]
        document = self.data.get("document") if self.is_bound else None
        sections = tasks.exclude(section="")
        # Only a real id narrows the sections (a 20-digit "id" overflowed the database's integer).
        if document in dict(self.fields["document"].choices):
            sections = sections.filter(source_document_id=int(document)) if document.isdigit() else sections
        section_names = sections.values_list("section", flat=True).distinct().order_by("section")
        self.fields["section_exact"].choices = [("", "全部"), *((s, s) for s in section_names)]
        leaders = tasks.exclude(responsible_leader="").values_list("responsible_leader", flat=True).distinct()
        self.fields["leader"].choices = [
            ("", "全部"),
            *((name, name) for name in leaders.order_by("responsible_leader")),
            (NONE, "（未指定）"),
        ]
