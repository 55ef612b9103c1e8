"""The dashboard's per-school cells, built in one pass: the same markup, every value escaped."""

from __future__ import annotations

from types import SimpleNamespace

from roadmap.templatetags.roadmap_tags import evidence_schools, late_cells, late_counts, late_heads


def test_late_cells_escape_what_they_say():
    html = late_cells([("late-2", "СОШ «<b>»: просрочено на 3 дн."), ("late-none", "СОШ & Ко")])
    assert html == (
        '<td class="late-cell late-2" title="СОШ «&lt;b&gt;»: просрочено на 3 дн.">'
        '<span class="visually-hidden">СОШ «&lt;b&gt;»: просрочено на 3 дн.</span></td>'
        '<td class="late-cell late-none" title="СОШ &amp; Ко">'
        '<span class="visually-hidden">СОШ &amp; Ко</span></td>'
    )


def test_late_heads_and_counts():
    columns = [
        SimpleNamespace(title='Школа "1"', label="СОШ 1", late=2),
        SimpleNamespace(title="Департамент", label="Деп.", late=0),
    ]
    assert late_heads(columns) == (
        '<th scope="col" class="school-col" title="Школа &quot;1&quot;"><span>СОШ 1</span></th>'
        '<th scope="col" class="school-col" title="Департамент"><span>Деп.</span></th>'
    )
    assert late_counts(columns) == (
        '<td class="late-count text-danger fw-semibold" title="Школа &quot;1&quot;">2</td>'
        '<td class="late-count" title="Департамент">0</td>'
    )


def test_evidence_schools_mark_met_and_unmet():
    schools = [
        SimpleNamespace(
            met=True, school_id=5, school="СОШ 1", reading=SimpleNamespace(text="6 пар")
        ),
        SimpleNamespace(
            met=False, school_id=7, school="<СОШ 2>", reading=SimpleNamespace(text="нет")
        ),
    ]
    assert evidence_schools(schools) == (
        '<div class="text-success" data-school="5">СОШ 1: 6 пар</div>'
        '<div class="text-danger" data-school="7">&lt;СОШ 2&gt;: нет</div>'
    )
    assert evidence_schools([]) == "—"
