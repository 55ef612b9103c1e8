"""LongSelect writes the same markup as Django's Select, in one pass."""

from __future__ import annotations

from django import forms

from core.widgets import LongSelect

CHOICES = [("", "все организации"), (1, "СОШ № 1"), (2, "СОШ «2» & <b>"), (30, "Лицей")]


def test_the_same_markup_as_djangos_select():
    for value in (None, "", 2, "30"):
        attrs = {"id": "id_school", "class": "form-select", "required": False, "disabled": True}
        ours = LongSelect(choices=CHOICES).render("school", value, attrs=attrs)
        django = forms.Select(choices=CHOICES).render("school", value, attrs=attrs)
        assert ours == django
    assert "selected>СОШ «2» &amp; &lt;b&gt;</option>" in LongSelect(choices=CHOICES).render(
        "school", 2
    )


def test_option_groups_are_left_to_django():
    grouped = [("Город", [(1, "СОШ № 1")]), ("Село", [(2, "ООШ с. Ахмат")])]
    assert LongSelect(choices=grouped).render("school", 1) == forms.Select(choices=grouped).render(
        "school", 1
    )


def test_multiple_and_model_choices_as_djangos_select():
    for value in (None, [], ["1"], ["1", "30"], "2"):
        ours = LongSelect(choices=CHOICES)
        django = forms.Select(choices=CHOICES)
        ours.allow_multiple_selected = django.allow_multiple_selected = True
        assert ours.render("school", value, attrs={"id": "s"}) == django.render(
            "school", value, attrs={"id": "s"}
        )
    # the first of two equal values only is selected in a single select
    twice = [("1", "СОШ № 1"), ("1", "то же")]
    assert LongSelect(choices=twice).render("s", "1") == forms.Select(choices=twice).render(
        "s", "1"
    )


def test_model_choices_as_djangos_select(school_a, school_b):
    from core.models import School

    for widget in (LongSelect, forms.Select):
        field = forms.ModelChoiceField(
            queryset=School.objects.order_by("pk"), empty_label="все", widget=widget
        )
        field.label_from_instance = lambda s: s.short_name
        rendered = field.widget.render("school", school_b.pk, attrs={"id": "id_school"})
        if widget is LongSelect:
            ours = rendered
        else:
            assert ours == rendered
    assert f'<option value="{school_b.pk}" selected>{school_b.short_name}</option>' in ours
