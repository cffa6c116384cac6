"""FastSelect writes the markup Django's Select writes, also when it reads options as tuples."""

import re

from django import forms
from django.test import RequestFactory

from documents.models import SourceDocument
from tasks.filters import AssignmentFilter
from tasks.widgets import FastSelect
from units.models import Unit


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html)


def _html(widget, field, value):
    field.widget = widget
    widget.choices = field.choices
    return widget.render("unit", value)


def test_tuple_options_are_the_model_options(personas):
    Unit.objects.create(name="区城市管理局", short_name="")  # no short name: the full name is the label
    Unit.objects.create(name="区市场监督管理局", short_name="区市场监管局<&>")
    queryset = Unit.objects.all()
    for value in (None, str(personas.lead_unit.pk)):
        expected = _html(forms.Select(), forms.ModelChoiceField(queryset, empty_label="全部"), value)
        fast = _html(FastSelect(label_fields=("short_name", "name")),
                     forms.ModelChoiceField(queryset, empty_label="全部"), value)  # fmt: skip
        assert _squeeze(fast) == _squeeze(expected)
        assert "区市场监管局&lt;&amp;&gt;" in fast and ">区城市管理局<" in fast


def test_ledger_filter_lists_readable_documents_and_the_none_choice(personas):
    SourceDocument.objects.create(title="测试文件《甲》", content_hash="a" * 64)
    request = RequestFactory().get("/")
    request.user = personas.supervisor
    form = AssignmentFilter({}, request=request).form
    html = str(form["document"])
    assert "测试文件《甲》" in html and 'value="null"' in html and ">全部<" in html
    units = str(form["unit"])
    assert f'value="{personas.lead_unit.pk}"' in units and str(personas.lead_unit) in units
