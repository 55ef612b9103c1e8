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
