"""SVG charts: valid XML, escaped user text, colours by target, Russian numbers, no styles."""

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.charts import Bar, Series, bar_chart, grouped_bar_chart, line_chart

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> & "q"'
LONG = "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 1» г. Аргун"
GREEN, AMBER, RED, BLUE = "#198754", "#ffc107", "#dc3545", "#0d6efd"


def els(root, tag, cls=None):
    return [el for el in root.iter(NS + tag) if cls is None or el.get("class") == cls]


def texts(root) -> list[str]:
    """Visible texts, no-break spaces read as plain ones."""
    return ["".join(el.itertext()).replace("\u00a0", " ") for el in els(root, "text")]


def titles(root) -> list[str]:
    return [el.text or "" for el in els(root, "title")]


def row_bars(row) -> list:
    return els(row, "rect", "bar")


def y_ticks(root) -> list[str]:
    return [
        "".join(el.itertext()).replace("\u00a0", " ")
        for el in els(root, "text")
        if el.get("text-anchor") == "end"
    ]


CHARTS = {
    "bar": lambda label: bar_chart([Bar(label, 50, 60, href="/x/"), Bar("b", None)], title=label),
    "line": lambda label: line_chart([label, "II"], [Series(label, [1, 2])], title=label),
    "grouped": lambda label: grouped_bar_chart(
        [label, "b"], [Series(label, [1, None]), Series("s", [3, 4])], title=label
    ),
    "empty bar": lambda label: bar_chart([], title=label),
    "empty line": lambda label: line_chart([], [Series("a", [])], title=label),
    "empty grouped": lambda label: grouped_bar_chart([label], [], title=label),
}


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_root_is_an_accessible_svg(make):
    root = ET.fromstring(make("Охват наставничеством"))
    assert root.tag == NS + "svg"
    assert root.get("width") == "100%"
    # a group with a name: an image role would hide the links to the records from screen readers
    assert root.get("role") == "group"
    assert root.get("aria-label") == "Охват наставничеством"
    assert root.get("viewBox").startswith("0 0 ")
    assert root.get("font-family") == "Liberation Sans, Arial, sans-serif"
    assert root[0].tag == NS + "title" and root[0].text == "Охват наставничеством"


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_no_inline_style_script_or_external_reference(make):
    svg = make("Заголовок")
    root = ET.fromstring(svg)
    assert "style=" not in svg
    assert "Serif" not in svg
    for el in root.iter():
        assert "style" not in el.attrib
        assert el.tag.removeprefix(NS) not in {"script", "style", "image", "use", "foreignObject"}
        assert not any("xlink" in name for name in el.attrib)


@pytest.mark.parametrize("make", CHARTS.values(), ids=CHARTS.keys())
def test_hostile_text_is_escaped(make):
    svg = make(HOSTILE)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    root = ET.fromstring(svg)
    assert not any(el.tag == NS + "script" for el in root.iter())
    assert root.get("aria-label") == HOSTILE
    assert HOSTILE in titles(root)


def test_long_bar_label_is_truncated_with_full_text_in_title():
    root = ET.fromstring(bar_chart([Bar(LONG, 10)], title="t"))
    (label,) = [t for t in texts(root) if t.startswith("Муниципальное")]
    assert label.endswith("…") and len(label) <= 40
    assert LONG in titles(root)


def test_long_period_label_is_truncated_with_full_text_in_title():
    period = "I полугодие 2020/21 учебного года (промежуточный мониторинг)"
    root = ET.fromstring(line_chart([period, "b"], [Series("s", [1, 2])], title="t"))
    shown = [t for t in texts(root) if t.startswith("I ")]
    assert shown and all(len(t) <= 24 for t in shown) and shown[-1].endswith("…")
    assert period in titles(root)


@pytest.mark.parametrize(
    ("value", "target", "colour"),
    [
        (90, 80, GREEN),
        (80, 80, GREEN),
        (64, 80, AMBER),
        (70, 80, AMBER),
        (63.9, 80, RED),
        (0, 80, RED),
        (50, None, BLUE),
    ],
)
def test_bar_colour_follows_target(value, target, colour):
    root = ET.fromstring(bar_chart([Bar("a", value, target)], title="t"))
    (bar,) = els(root, "rect", "bar")
    assert bar.get("fill") == colour


def test_target_marker_is_labelled():
    root = ET.fromstring(bar_chart([Bar("a", 45.25, 80)], title="t"))
    assert "цель 80 %" in texts(root)
    assert any(line.get("stroke-width") == "2" for line in els(root, "line"))


def test_missing_value_draws_no_bar():
    root = ET.fromstring(bar_chart([Bar("есть", 40), Bar("нет", None, 50)], title="t"))
    with_data, without = els(root, "g", "chart-row")
    assert len(row_bars(with_data)) == 1
    assert row_bars(without) == []
    assert "нет данных" in texts(without)


def test_value_above_max_is_clipped_but_printed_true():
    root = ET.fromstring(
        bar_chart([Bar("a", 250), Bar("b", 100), Bar("c", 50)], title="t", unit="%")
    )
    over, full, half = (float(r.get("width")) for r in els(root, "rect", "bar"))
    assert over == full == pytest.approx(2 * half)
    view_width = float(root.get("viewBox").split()[2])
    assert all(float(r.get("x")) + float(r.get("width")) < view_width for r in els(root, "rect"))
    assert "250 %" in texts(root)


def test_explicit_max_value_scales_bars():
    root = ET.fromstring(bar_chart([Bar("a", 5), Bar("b", 20)], title="t", unit="", max_value=10))
    five, twenty = (float(r.get("width")) for r in els(root, "rect", "bar"))
    assert twenty == pytest.approx(2 * five)


def test_href_wraps_the_row_and_unsafe_schemes_are_dropped():
    root = ET.fromstring(
        bar_chart(
            [Bar("a", 1, href="/schools/1/?a=1&b=2"), Bar("b", 2, href="javascript:alert(1)")],
            title="t",
        )
    )
    links = els(root, "a")
    assert [a.get("href") for a in links] == ["/schools/1/?a=1&b=2"]


def test_control_characters_and_surrogates_are_stripped():
    label = "a\x00b\x08c\x1f\ud800d\ufffe"
    svg = bar_chart([Bar(label, 1)], title=label)
    root = ET.fromstring(svg)
    assert root.get("aria-label") == "abcd"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (45.25, "%", "45,3 %"),
        (12345, "", "12 345"),
        (12345.64, "чел.", "12 345,6 чел."),
        (1234567, "", "1 234 567"),
        (7.0, "%", "7 %"),
        (0.05, "%", "0,1 %"),
    ],
)
def test_numbers_are_formatted_the_russian_way(value, unit, expected):
    root = ET.fromstring(bar_chart([Bar("a", value)], title="t", unit=unit))
    assert expected in texts(root)


def test_line_chart_breaks_at_gaps():
    root = ET.fromstring(line_chart(list("abcde"), [Series("s", [1, 2, None, 3, 4])], title="t"))
    assert len(els(root, "polyline")) == 2
    assert len(els(root, "circle")) == 4
    # A lone point between gaps is a point without a line.
    root = ET.fromstring(line_chart(list("abcd"), [Series("s", [1, None, 3, 4])], title="t"))
    assert len(els(root, "polyline")) == 1
    assert len(els(root, "circle")) == 3


def test_line_chart_with_a_single_period_renders_a_point():
    root = ET.fromstring(line_chart(["2024"], [Series("Охват", [42])], title="t"))
    assert els(root, "polyline") == []
    assert len(els(root, "circle")) == 1
    assert "42 %" in texts(root)
    assert "Охват" in texts(root)  # legend


def test_line_chart_axis_has_five_gridlines_and_a_point_label_each():
    labels = ["I полугодие 2020/21", "II полугодие 2020/21", "I полугодие 2021/22"]
    series = [Series("Наставники", [10, 20.5, 30]), Series("Наставляемые", [12, None, 33])]
    root = ET.fromstring(line_chart(labels, series, title="t"))
    assert y_ticks(root) == ["0 %", "25 %", "50 %", "75 %", "100 %"]
    assert {"10 %", "20,5 %", "30 %", "12 %", "33 %"} <= set(texts(root))
    assert len({c.get("fill") for c in els(root, "circle")}) == 2


def test_line_chart_palette_stays_distinct_for_eight_series():
    series = [Series(f"s{i}", [i, i + 1]) for i in range(8)]
    root = ET.fromstring(line_chart(["a", "b"], series, title="t", unit=""))
    assert len({p.get("stroke") for p in els(root, "polyline")}) == 8


@pytest.mark.parametrize(
    ("peak", "top"),
    [(37, "50"), (50, "50"), (100, "100"), (101, "200"), (3, "5"), (0.3, "0,5"), (0, "1")],
)
def test_grouped_chart_axis_ends_on_a_nice_number(peak, top):
    root = ET.fromstring(grouped_bar_chart(["a", "b"], [Series("s", [peak, 0])], title="t"))
    assert y_ticks(root)[0] == "0"
    assert y_ticks(root)[-1] == top


def test_grouped_chart_labels_bars_and_skips_missing_values():
    series = [Series("Наставники", [12, 30]), Series("Наставляемые", [20, None])]
    categories = ["Учитель — ученик", "Ученик — ученик"]
    root = ET.fromstring(grouped_bar_chart(categories, series, title="t"))
    assert len(els(root, "rect", "bar")) == 3
    assert {"12", "30", "20", "Наставники", "Наставляемые"} <= set(texts(root))
    assert len(els(root, "g", "legend-item")) == 2


@pytest.mark.parametrize(
    "svg",
    [
        bar_chart([], title="t"),
        line_chart([], [Series("a", [1])], title="t"),
        line_chart(["a"], [], title="t"),
        grouped_bar_chart([], [Series("a", [1])], title="t"),
        grouped_bar_chart(["a"], [], title="t"),
    ],
)
def test_empty_input_says_no_data(svg):
    assert "Нет данных" in texts(ET.fromstring(svg))


bars = st.lists(
    st.builds(
        Bar,
        label=st.text(),
        value=st.none() | st.floats(0, 1e6),
        target=st.none() | st.floats(0, 1e6),
        href=st.sampled_from(["", "/a/?b=1&c=2", "javascript:x"]),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(bars=bars, unit=st.sampled_from(["%", "", "чел."]))
def test_any_bars_give_parseable_svg_with_one_row_per_bar(bars, unit):
    root = ET.fromstring(bar_chart(bars, title="Свойство", unit=unit))
    rows = els(root, "g", "chart-row")
    assert len(rows) == len(bars)
    for row, bar in zip(rows, bars, strict=True):
        assert len(row_bars(row)) == (0 if bar.value is None else 1)


def test_no_class_that_the_page_styles_sheets_style():
    """Charts are inlined into pages with Bootstrap and app.css: a class they style (.row
    sets width: 100% on its children) would restyle the SVG, e.g. stretch every bar."""
    from pathlib import Path

    static = Path(__file__).resolve().parents[2] / "static"
    css = (static / "vendor/bootstrap/bootstrap.min.css").read_text(encoding="utf-8")
    css += (static / "css/app.css").read_text(encoding="utf-8")
    styled = set(re.findall(r"\.([a-zA-Z][\w-]*)", css))
    svg = "".join(
        [
            bar_chart([Bar("А", 26.1, 30), Bar("Б", None)], title="t"),
            line_chart(["I", "II"], [Series("а", [1, 2])], title="t"),
            grouped_bar_chart(["x"], [Series("а", [3])], title="t"),
        ]
    )
    used = {c for value in re.findall(r'class="([^"]+)"', svg) for c in value.split()}
    assert used and not used & styled, used & styled
