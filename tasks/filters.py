"""The ledger's filters: an allow-list, every value in the URL so a view can be bookmarked."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from documents.models import SourceDocument
from units.models import Unit

from .lights import Light
from .models import Assignment, AssignmentRole, AssignmentState

SELECT = {"class": "form-select form-select-sm"}


class AssignmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="搜索", method="filter_text", widget=forms.TextInput(attrs={"class": "form-control form-control-sm"})
    )
    document = django_filters.ModelChoiceFilter(
        label="文件",
        field_name="task__source_document",
        queryset=SourceDocument.objects.all(),
        widget=forms.Select(attrs=SELECT),
        empty_label="全部",
    )
    section = django_filters.CharFilter(
        label="章节",
        field_name="task__section",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    unit = django_filters.ModelChoiceFilter(
        label="承办单位", queryset=Unit.objects.all(), widget=forms.Select(attrs=SELECT), empty_label="全部"
    )
    role = django_filters.ChoiceFilter(
        label="角色", choices=AssignmentRole.choices, widget=forms.Select(attrs=SELECT), empty_label="全部"
    )
    state = django_filters.ChoiceFilter(
        label="状态", choices=AssignmentState.choices, widget=forms.Select(attrs=SELECT), empty_label="全部"
    )
    light = django_filters.ChoiceFilter(
        label="灯", choices=Light.choices, method="filter_light", widget=forms.Select(attrs=SELECT), empty_label="全部"
    )
    deadline = django_filters.DateFromToRangeFilter(
        label="时限范围",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    overdue = django_filters.BooleanFilter(
        label="仅看逾期",
        method="filter_overdue",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    # 督办中: an open 督办单 (reminders.SupervisionOrder, reached by its reverse relation, not imported).
    supervised = django_filters.BooleanFilter(
        label="督办中",
        method="filter_supervised",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Assignment
        fields = ("q", "document", "section", "unit", "role", "state", "light", "deadline", "overdue", "supervised")

    def __init__(self, *args, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(task__text__icontains=value)
            | Q(task__title__icontains=value)
            | Q(task__number=value)
            | Q(task__source_document__title__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.with_light(self.today).filter(light_code=Light.RED)

    def filter_light(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.with_light(self.today).filter(light_code=value)

    def filter_supervised(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(supervision_orders__state="open")
