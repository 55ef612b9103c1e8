"""filter_field writes what crispy-forms' as_crispy_field writes (whitespace aside)."""

from __future__ import annotations

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from core.templatetags.fields import filter_field
from core.widgets import LongSelect


class Filters(forms.Form):
    q = forms.CharField(label="ФИО (начало)", required=False)
    school = forms.ChoiceField(
        label="ОО",
        required=False,
        choices=[("", "все"), ("1", "СОШ № 1"), ("2", "СОШ «2» & <b>")],
        widget=LongSelect,
    )
    kind = forms.ChoiceField(label="Кто", choices=[("pupil", "обучающийся"), ("staff", "педагог")])
    on = forms.DateField(
        label="На дату",
        required=False,
        input_formats=["%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date", "class": "narrow"}),
        help_text="Дата <b>отчёта</b>",
    )
    number = forms.IntegerField(label="Номер <№>", required=False, min_value=1)
    note = forms.CharField(label="", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    done = forms.BooleanField(label="Исполнено", required=False)
    mode = forms.ChoiceField(
        label="Вид", required=False, choices=[("a", "А"), ("b", "Б")], widget=forms.RadioSelect
    )
    secret = forms.CharField(required=False, widget=forms.HiddenInput)


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def _both(form, name):
    # Each renderer gets its own form: crispy adds classes to the widget it renders.
    other = Filters(form.data or None)
    if form.is_bound:
        other.is_valid()
    return filter_field(form[name]), as_crispy_field(other[name])


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": "Ив", "school": "2", "kind": "staff", "on": "31.01.2021", "number": "4"},
        {
            "q": "<script>",
            "school": "9",
            "kind": "",
            "on": "32.13.2021",
            "number": "0",
            "done": "on",
        },
    ],
)
def test_the_same_markup_as_crispy(data):
    form = Filters(data)
    if data:
        form.is_valid()
    for name in form.fields:
        ours, crispy = _both(form, name)
        assert _normalised(ours) == _normalised(crispy), name


def test_errors_and_values_are_escaped_and_marked():
    form = Filters({"q": "<script>", "school": "9", "kind": "", "number": "0"})
    form.is_valid()
    school = str(filter_field(form["school"]))
    assert 'class="longselect form-select is-invalid"' in school
    assert 'aria-invalid="true"' in school
    assert '<div id="id_school_error" class="invalid-feedback"><p id="error_1_id_school">' in school
    assert 'value="&lt;script&gt;"' in str(filter_field(form["q"]))
    assert "Номер &lt;№&gt;" in str(filter_field(form["number"]))
    assert 'class="form-label requiredField">Кто<span class="asteriskField">*</span>' in str(
        filter_field(form["kind"])
    )
    assert '<div id="id_on_helptext" class="form-text">Дата <b>отчёта</b></div>' in str(
        filter_field(form["on"])
    )


def test_registry_rows_escape_text_and_addresses():
    from core.links import link_to
    from registry.templatetags.registry_tags import table_rows
    from registry.views.common import Cell

    mentee = link_to("registry:mentee")
    html = table_rows(
        [[Cell("Иванов <b>", mentee(15)), Cell("5 «А» & Б")], [Cell(""), Cell("x", "/?a=1&b=2")]],
        ["ФИО", "Класс"],
    )
    assert html == (
        '<tr><td><a href="/registry/mentees/15/">Иванов &lt;b&gt;</a></td>'
        "<td>5 «А» &amp; Б</td></tr>\n"
        '<tr><td></td><td><a href="/?a=1&amp;b=2">x</a></td></tr>\n'
    )
    assert table_rows([], ["ФИО", "Класс"]) == (
        '<tr><td colspan="2" class="text-muted">Ничего не найдено.</td></tr>'
    )
    assert mentee(7) == "/registry/mentees/7/"
