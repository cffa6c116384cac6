"""FastSelect writes the markup Django's Select writes, also when it reads options as tuples."""

import re

import pytest
from django import forms
from django.test import RequestFactory
from django.urls import reverse

from documents.models import SourceDocument
from tasks import services, widgets
from tasks.filters import AssignmentFilter
from tasks.models import Assignment
from tasks.widgets import FastSelect
from units.models import ListVersion, Unit


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


# The options are kept by the tables' list versions, which on PostgreSQL change at commit: these
# tests commit their writes (transaction=True), as requests and commands do.
committed = pytest.mark.django_db(transaction=True)


def _ledger_selects(client) -> str:
    html = client.get(reverse("tasks:ledger")).content.decode()
    return "\n".join(re.findall(r'<select name="(?:unit|document)".*?</select>', html, re.S))


def _uncached(client) -> str:
    widgets.clear_cache()
    return _ledger_selects(client)


@committed
def test_kept_options_show_every_change_at_once(client, personas):
    """A new, renamed or deleted unit or document shows on the very next page, also when written
    by a bulk update (no signals), and the page equals one rendered with nothing kept."""
    document = SourceDocument.objects.create(title="昌江区营商环境实施方案", content_hash="b" * 64)
    client.force_login(personas.supervisor)
    first = _ledger_selects(client)
    assert ">昌江区营商环境实施方案<" in first and ">区发改委<" in first
    assert widgets._OPTIONS, "the options were kept"
    assert _ledger_selects(client) == first == _uncached(client)

    Unit.objects.filter(pk=personas.lead_unit.pk).update(short_name="区发展改革委")
    SourceDocument.objects.filter(pk=document.pk).update(title="昌江区优化营商环境实施方案")
    renamed = _ledger_selects(client)
    assert ">区发展改革委<" in renamed and ">区发改委<" not in renamed
    assert ">昌江区优化营商环境实施方案<" in renamed and ">昌江区营商环境实施方案<" not in renamed
    assert renamed == _uncached(client)

    _ledger_selects(client)  # kept again
    Unit.objects.create(name="区数据管理局", short_name="区数据局")
    SourceDocument.objects.create(title="关于开展督查的通知", content_hash="c" * 64)
    document.delete()
    changed = _ledger_selects(client)
    assert ">区数据局<" in changed and ">关于开展督查的通知<" in changed and "优化营商环境" not in changed
    assert changed == _uncached(client)


@committed
def test_kept_options_are_each_persons_own(client, personas):
    """Kept options never widen a list: a clerk still sees only the documents of their unit's
    tasks after 督查室 saw every one, and 督查室 every one after the clerk saw fewer."""
    shared = SourceDocument.objects.create(title="发改委的文件", content_hash="d" * 64)
    SourceDocument.objects.create(title="未发布的草稿", content_hash="e" * 64)
    services.create_task(personas.supervisor, text="推进项目", lead_units=[personas.lead_unit], source_document=shared)
    for order in (("supervisor", "lead_clerk"), ("lead_clerk", "supervisor")):
        widgets.clear_cache()
        seen = {}
        for name in order:
            client.force_login(getattr(personas, name))
            seen[name] = _ledger_selects(client)
        assert ">发改委的文件<" in seen["lead_clerk"] and "未发布的草稿" not in seen["lead_clerk"]
        assert ">发改委的文件<" in seen["supervisor"] and ">未发布的草稿<" in seen["supervisor"]
        for name in order:
            client.force_login(getattr(personas, name))
            assert seen[name] == _uncached(client)


@committed
def test_list_versions_change_with_units_and_documents_only(personas):
    """The triggers replace a table's token when its rows change; a share's change (many a
    minute) leaves both as they are."""

    def tokens():
        return dict(ListVersion.objects.values_list("table_name", "token"))

    document = SourceDocument.objects.create(title="旧文件", content_hash="a" * 64)
    task = services.create_task(
        personas.supervisor, text="推进项目", lead_units=[personas.lead_unit], source_document=document
    )
    before = tokens()
    # Written by the triggers (a flushed database, as between these tests, has no row until then).
    assert set(before) == {"units_unit", "documents_sourcedocument"}
    Assignment.objects.filter(task=task).update(percent=50)
    assert tokens() == before
    Unit.objects.filter(pk=personas.other_unit.pk).update(name="区教育局")
    after_unit = tokens()
    assert after_unit["units_unit"] != before["units_unit"]
    assert after_unit["documents_sourcedocument"] == before["documents_sourcedocument"]
    SourceDocument.objects.create(title="新文件", content_hash="f" * 64)
    assert tokens()["documents_sourcedocument"] != before["documents_sourcedocument"]
