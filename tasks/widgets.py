"""Form widgets that stay cheap when their choices grow with the data.

Django renders a <select> with one template per <option>: the ledger's 承办单位 and 文件 filters
hold every unit and every document (hundreds, and more every year), which made the filter form
the most expensive part of the ledger page. `FastSelect` writes the same HTML in Python.

Given `label_fields`, a model choice field's options are read as plain tuples (the primary key
and those columns, the label being the first that is not empty) instead of one model instance
per option: with 800 units and 800 documents the instances were most of what the select cost.
Their markup is then kept in this process, by the table's list version (units.models.ListVersion,
replaced by database triggers on every change of the table), so a page reads only the keys of
its options, and their labels only after the table changed.
"""

import html

from django import forms
from django.db.models import Case, CharField, F, Value, When
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from units.models import list_version

# {(table, key column, label columns): (list version, {key: "<option …>…</option>\n"})}: the
# options seen under the table's current version (its rows and their labels as of that version).
# One entry per select (two tables), replaced as a whole when the version changes.
_OPTIONS: dict[tuple, tuple[str, dict]] = {}


def clear_cache() -> None:
    """Forget every kept option (tests that count queries start as a new process does)."""
    _OPTIONS.clear()


class FastSelect(forms.Select):
    """forms.Select with the same markup, built with one string join instead of templates.

    `label_fields`: for a ModelChoiceField whose instances' str() is the first non-empty of these
    columns (Unit: short_name, then name), the options are read with values_list()."""

    def __init__(self, attrs=None, choices=(), label_fields: tuple[str, ...] = ()):
        super().__init__(attrs, choices)
        self.label_fields = label_fields

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        selected = set(self.format_value(value))
        parts: list[str] = []
        choices = self.choices
        if self.label_fields and isinstance(choices, ModelChoiceIterator):
            field = choices.field
            fixed = []
            if field.empty_label is not None:
                fixed.append(("", field.empty_label))
            if getattr(field, "null_label", None) is not None:  # django-filter's "none" choice
                fixed.append((field.null_value, field.null_label))
            self._options(fixed, selected, parts)
            self._model_options(field, selected, parts)
        else:
            self._options(choices, selected, parts)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final_attrs)}>\n{"".join(parts)}</select>')  # noqa: S308 - every value is escaped above

    def _options(self, choices, selected: set[str], parts: list[str]) -> None:
        for option_value, label in choices:
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{escape(option_value)}">')
                self._options(label, selected, parts)
                parts.append("</optgroup>\n")
                continue
            text = "" if option_value is None else str(option_value)
            mark = " selected" if text in selected else ""
            parts.append(_option(text, label, mark))

    def _model_options(self, field, selected: set[str], parts: list[str]) -> None:
        """The queryset's options in its order. One query reads every option's key and the table's
        list version; the labels too, unless this process kept the options of that version, in
        which case the database sends NULL for them. Keys never kept under the current version
        (another person saw fewer rows) are read with their labels by a second query, once."""
        queryset = field.queryset
        key = field.to_field_name or "pk"
        cache_key = (queryset.model._meta.db_table, key, self.label_fields)
        kept_version, kept = _OPTIONS.get(cache_key, (None, {}))
        labels = [F(name) for name in self.label_fields]
        if kept_version is not None:
            labels = [
                Case(When(_list_version=kept_version, then=Value(None)), default=label, output_field=CharField())
                for label in labels
            ]
        rows = queryset.annotate(_list_version=list_version(queryset.model)).values_list(key, "_list_version", *labels)
        options: list[list] = []  # [key, its option or None until read]
        fresh: dict = {}
        version = None
        for row_key, version, *row_labels in rows:
            if version is not None and version == kept_version:
                options.append([row_key, kept.get(row_key)])
            else:
                option = fresh[row_key] = _option(str(row_key), next((label for label in row_labels if label), ""))
                options.append([row_key, option])
        if version is not None and version != kept_version:
            _OPTIONS[cache_key] = (version, fresh)
        missing = {entry[0]: entry for entry in options if entry[1] is None}
        if missing:
            self._read_missing(queryset.model, key, missing, kept_version, kept)
        for row_key, option in options:
            if option is None:  # deleted since the first query
                continue
            if selected and str(row_key) in selected:
                option = option.replace('">', '" selected>', 1)
            parts.append(option)

    def _read_missing(self, model, key, missing: dict, kept_version, kept: dict) -> None:
        """The options of `missing` keys ({key: its [key, option] entry}), read with their labels;
        kept when still of the version kept. A row deleted since keeps None (left out)."""
        rows = (
            model._default_manager.filter(**{f"{key}__in": list(missing)})
            .annotate(_list_version=list_version(model))
            .values_list(key, "_list_version", *self.label_fields)
        )
        for row_key, version, *row_labels in rows:
            option = missing[row_key][1] = _option(str(row_key), next((label for label in row_labels if label), ""))
            if version == kept_version:
                kept[row_key] = option


def _option(text: str, label, mark: str = "") -> str:
    # The standard library's escape (what django.utils.html.escape calls), without the lazy-string
    # wrapper around it that cost more than the escaping itself.
    return f'<option value="{html.escape(text)}"{mark}>{html.escape(str(label))}</option>\n'
