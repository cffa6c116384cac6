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
MAX_SEARCH_LENGTH = 200


class AssignmentFilter(django_filters.FilterSet):
    # Bounded: a 60,000-character search made SQLite refuse the LIKE pattern (500).
    q = django_filters.CharFilter(
        label="搜索",
        method="filter_text",
        max_length=MAX_SEARCH_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    document = django_filters.ModelChoiceFilter(
        label="文件",
        field_name="task__source_document",
        # Only documents the person may read: a clerk never sees a draft's title (issue 14).
        queryset=lambda request: (
            SourceDocument.objects.visible_to(request.user) if request else SourceDocument.objects.none()
        ),
        widget=forms.Select(attrs=SELECT),
        empty_label="全部",
    )
    section = django_filters.CharFilter(
        label="章节",
        field_name="task__section",
        lookup_expr="icontains",
        max_length=MAX_SEARCH_LENGTH,
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

    class Meta:
        model = Assignment
        fields = ("q", "document", "section", "unit", "role", "state", "light", "deadline", "overdue")

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
