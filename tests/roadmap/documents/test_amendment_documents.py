"""The amended order in each wording and the amending order, as files read back (pypdf,
python-docx, openpyxl), measured on the rendered page (tests/documents_layout.py), and reached
through the roadmap's page by those who may."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from core import roles
from roadmap.documents.amendment import build_amendment_order
from roadmap.documents.amendment_docx import amendment_docx
from roadmap.documents.pdf import amendment_order_html, export_pdf, html_to_pdf
from roadmap.exports import export_docx, export_xlsx
from roadmap.models import Amendment
from tests import documents_layout as layout
from tests.factories import make_user
from tests.roadmap.documents import amendment_data as data

pytestmark = pytest.mark.django_db
NB = "\u00a0"
WORDINGS = ("original", "amendment:1", "current")


def flat(text: str) -> str:
    return " ".join(text.replace(NB, " ").split())


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker):
    """The hand-made plan amended twice, in every format and wording, and the seed's order
    amended with its amending order: rendered once for the module."""
    from django.db import transaction

    from roadmap.seed import load_seed

    with django_db_blocker.unblock(), transaction.atomic():
        seed = load_seed().roadmap
        plan = data.amend_plan(data.make_plan(seed.municipality))
        files = {
            wording: {
                "pdf": export_pdf(plan.roadmap, wording),
                "docx": export_docx(plan.roadmap, wording),
                "xlsx": export_xlsx(plan.roadmap, wording),
            }
            for wording in WORDINGS
        }
        amendment = data.amend_seed(seed, plan.staff)
        doc = build_amendment_order(amendment)
        files["order"] = {
            "doc": doc,
            "pdf": html_to_pdf(amendment_order_html(doc)),
            "docx": amendment_docx(doc),
            "amended_pdf": export_pdf(seed),
        }
        files["plan_order"] = html_to_pdf(amendment_order_html(build_amendment_order(plan.first)))
        transaction.set_rollback(True)
    return files


# --- the order in each wording ----------------------------------------------------------------

# What each wording must print and must not, for the hand-made plan.
EXPECTED = {
    "original": {
        "has": [
            data.ORIGINAL["1.2"][0],
            data.ORIGINAL["2.1"][0],
            data.ORIGINAL["1.1"][2],
            "ноябрь 2020 года",
        ],
        "lacks": [data.NEW_12_TITLE, data.ADDED_23[0], data.NEW_11_RESULT, "в редакции"],
    },
    "amendment:1": {
        "has": [
            data.NEW_12_TITLE,
            data.ADDED_23[0],
            data.ORIGINAL["2.2"][0],
            "(в редакции приказа от 12.03.2021 № 45)",
        ],
        "lacks": [data.ORIGINAL["2.1"][0], data.NEW_11_RESULT, "от 01.04.2021"],
    },
    "current": {
        "has": [
            data.NEW_12_TITLE,
            data.ADDED_23[0],
            data.NEW_11_RESULT,
            "(в редакции приказов от 12.03.2021 № 45, от 01.04.2021 № 60)",
        ],
        "lacks": [data.ORIGINAL["2.1"][0]],
    },
}


HYPHENATED = re.compile("([а-яё])[-\u2010\u00ad]\n([а-яё])")


def pdf_text(pdf: bytes) -> str:
    """The text of every page, words hyphenated at a line's end joined again."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return flat(" ".join(HYPHENATED.sub(r"\1\2", page.extract_text()) for page in pages))


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return flat(" ".join(parts))


def xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return flat(" ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c))


READERS = {"pdf": pdf_text, "docx": docx_text, "xlsx": xlsx_text}


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
@pytest.mark.parametrize("wording", WORDINGS)
def test_each_format_prints_the_wording_asked(made, wording, fmt):
    text = READERS[fmt](made[wording][fmt])
    for expected in EXPECTED[wording]["has"]:
        assert flat(expected) in text, (wording, fmt, expected)
    for unexpected in EXPECTED[wording]["lacks"]:
        assert flat(unexpected) not in text, (wording, fmt, unexpected)


def test_the_mark_stands_under_the_title_and_in_the_appendix_mark(made):
    """«(в редакции …)» under the order's title (page 1) and as the appendix mark's last line;
    the DOCX says it as the PDF does."""
    pages = PdfReader(io.BytesIO(made["amendment:1"]["pdf"])).pages
    mark = "(в редакции приказа от 12.03.2021 № 45)"
    first = flat(pages[0].extract_text())
    title_end = first.index("модели")
    assert first.index(mark) > title_end
    assert first.index(mark) < first.index("Во исполнение")
    appendix = flat(pages[1].extract_text())
    assert appendix.index("от 05.11.2020 г. №200/3") < appendix.index(mark)
    assert appendix.index(mark) < appendix.index(data.PLAN_TITLE[:30])
    paragraphs = [
        flat(p.text) for p in Document(io.BytesIO(made["amendment:1"]["docx"])).paragraphs
    ]
    assert paragraphs.count(mark) == 2  # under the title, and the appendix mark's last line
    sheet = load_workbook(io.BytesIO(made["amendment:1"]["xlsx"])).active
    assert flat(sheet.cell(4, 5).value) == mark  # the mark's fourth line, top right


# --- the amending order --------------------------------------------------------------------------


def test_amending_order_pdf_reads_back(made):
    """Every changed, added and removed point with its wording, in the order's frame."""
    text = pdf_text(made["order"]["pdf"])
    m23 = data.SEED_23_TITLE_TAIL.strip()
    expected = [
        "ПРИКАЗ",
        "12.03.2021 № 45",
        "г. Аргун",
        "О внесении изменений в приказ Департамента образования г. Аргун от 28.10.2020 № 172/1",
        data.SEED_REASON,
        "ПРИКАЗЫВАЮ:",
        "1. Внести в план мероприятий (дорожную карту) внедрения Целевой модели наставничества",
        "утверждённый приказом Департамента образования г. Аргун от 28.10.2020 № 172/1, "
        "следующие изменения:",
        "1.1. Пункт 2.3 изложить в следующей редакции:",
        f"Формирование перечня партнерских организаций в целях привлечения их к реализации "
        f"программ наставничества в рамках действующего законодательства {m23}",
        "ноябрь, декабрь 2020 года",
        "1.2. Дополнить пунктом 2.11 следующего содержания:",
        "2.11.",
        data.SEED_211[0],
        data.SEED_211[1],
        "Департамент образования, образовательные организации",
        data.SEED_211[2],
        "1.3. Пункт 3.4 исключить.",
        "2. Контроль за исполнением настоящего приказа оставляю за собой.",
        "Начальник Л.В. Кагирова",
    ]
    position = 0
    for line in expected:
        found = text.find(flat(line), position)
        assert found >= 0, (line, text[position : position + 300])
        position = found
    assert "1.4." not in text  # three points, no more


def test_amending_order_pdf_layout(made):
    """ГОСТ Р 7.0.97-2025 as the order: margins 20/10/20/20 mm on the ink, text 12–16 pt,
    the page number at the top from page 2 only, «№» never at a line end."""
    pdf = made["order"]["pdf"]
    measured = layout.check_pdf(pdf, min_font=12)
    assert measured.problems == [], "\n".join(measured.problems)
    assert measured.pages == 2
    assert not measured.layouts[0].header, "the first page carries no page number"
    assert all(page.header for page in measured.layouts[1:])
    assert not any(page.landscape for page in measured.layouts)
    sizes = layout.font_sizes(pdf)
    assert max(sizes) == 16 and sizes[14] > sizes[12]  # «ПРИКАЗ»; the text at 14 pt


def test_amending_order_point_stays_with_its_table(made):
    """A sub-point is printed on the page of the wording it sets out."""
    texts = layout.page_texts(made["order"]["pdf"])
    for point, row in (("1.1.", "2.3."), ("1.2.", "2.11.")):
        assert layout.page_of(texts, f"{point} ") == layout.measure_page(texts, row), point


needs_libreoffice = pytest.mark.skipif(
    layout.LIBREOFFICE is None, reason=layout.LIBREOFFICE_MISSING
)


@needs_libreoffice
def test_amending_order_docx_as_libreoffice_prints_it(made):
    pdf = layout.libreoffice_pdf(made["order"]["docx"], "docx")
    measured = layout.check_pdf(pdf, min_font=12)
    assert measured.problems == [], "\n".join(measured.problems)
    assert not measured.layouts[0].header and all(p.header for p in measured.layouts[1:])
    text = pdf_text(pdf)
    for line in (
        "О внесении изменений в приказ Департамента образования г. Аргун от 28.10.2020 № 172/1",
        "1.1. Пункт 2.3 изложить в следующей редакции:",
        "1.2. Дополнить пунктом 2.11 следующего содержания:",
        data.SEED_211[0],
        "1.3. Пункт 3.4 исключить.",
        "2. Контроль за исполнением настоящего приказа оставляю за собой.",
    ):
        assert flat(line) in text, line


def test_amending_order_docx_reads_back(made):
    document = Document(io.BytesIO(made["order"]["docx"]))
    paragraphs = [flat(p.text) for p in document.paragraphs]
    assert "1.3. Пункт 3.4 исключить." in paragraphs
    assert paragraphs[paragraphs.index("1.1. Пункт 2.3 изложить в следующей редакции:")]
    assert len(document.tables) == 2 + 2  # the letterhead, the date line, two wordings
    added = document.tables[3]
    assert [flat(c.text) for c in added.rows[1].cells] == [
        "2.11.",
        data.SEED_211[0],
        data.SEED_211[1],
        "Департамент образования, образовательные организации",
        data.SEED_211[2],
    ]
    point = next(p for p in document.paragraphs if p.text.startswith("1.2. "))
    assert point.paragraph_format.keep_with_next
    section = document.sections[0]
    margins = [round(m / 36000) for m in (section.left_margin, section.right_margin)]
    assert margins == [20, 10] and section.different_first_page_header_footer


def test_the_amended_order_looks_like_one(made):
    """The seed's order printed after the amendment: «(в редакции приказа от 12.03.2021
    № 45)» under its title, the layout unchanged."""
    pdf = made["order"]["amended_pdf"]
    first = flat(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "учебный год (в редакции приказа от 12.03.2021 № 45) Во исполнении" in first
    measured = layout.check_pdf(pdf, min_font=12)
    assert measured.problems == [], "\n".join(measured.problems)


# --- on the page, and who may download -----------------------------------------------------------


@pytest.fixture
def plan(seed_roadmap):
    """The hand-made plan, amended twice, beside the seed (whose responsible parties it uses)."""
    return data.amend_plan(data.make_plan(seed_roadmap.municipality))


def test_the_page_offers_each_wording_and_each_amending_order(
    client, plan, django_assert_max_num_queries
):
    client.force_login(plan.staff)
    url = reverse("roadmap:detail", args=[plan.roadmap.pk])
    with django_assert_max_num_queries(11):  # the page's 10 and the menu's badge
        html = client.get(url).content.decode()
    assert '<option value="current">в действующей редакции (с изменениями от 01.04.2021)' in html
    assert '<option value="amendment:1">в редакции приказа от 12.03.2021 № 45' in html
    assert '<option value="original">в первоначальной редакции' in html
    for fmt in ("docx", "xlsx"):
        assert f'formaction="{reverse("roadmap:document", args=[plan.roadmap.pk, fmt])}"' in html
    for amendment in (plan.first, plan.second):
        for fmt in ("pdf", "docx"):
            assert reverse("roadmap:amendment_order", args=[amendment.pk, fmt]) in html
        assert reverse("roadmap:amendment_requisites", args=[amendment.pk]) in html


def test_the_head_downloads_without_editing(client, plan):
    client.force_login(plan.head)
    html = client.get(reverse("roadmap:detail", args=[plan.roadmap.pk])).content.decode()
    assert reverse("roadmap:amendment_order", args=[plan.first.pk, "pdf"]) in html
    assert reverse("roadmap:amendment_requisites", args=[plan.first.pk]) not in html
    url = reverse("roadmap:document", args=[plan.roadmap.pk, "pdf"])
    response = client.get(url, {"wording": "original"})
    assert response.status_code == 200
    name = "Приказ_200-3_от_05.11.2020_первоначальная_редакция.pdf"
    assert quote(name) in response["Content-Disposition"]
    assert data.ORIGINAL["2.1"][0] in pdf_text(response.content)
    response = client.get(reverse("roadmap:amendment_order", args=[plan.first.pk, "docx"]))
    assert response.status_code == 200
    assert (
        quote("Приказ_45_от_12.03.2021_о_внесении_изменений.docx")
        in response["Content-Disposition"]
    )
    assert "Пункт 2.1 исключить." in docx_text(response.content)
    assert (
        client.get(reverse("roadmap:amendment_requisites", args=[plan.first.pk])).status_code == 403
    )


def test_a_wording_the_roadmap_lacks_is_a_400_naming_it(client, plan):
    client.force_login(plan.staff)
    url = reverse("roadmap:document", args=[plan.roadmap.pk, "xlsx"])
    response = client.get(url, {"wording": "amendment:5"})
    assert response.status_code == 400
    assert "«Редакция»: В дорожной карте нет изменения № 5." in response.content.decode()


def test_an_amendment_with_nothing_to_print_is_explained(client, plan):
    from roadmap import services

    empty = services.open_amendment(
        user=plan.staff, roadmap=plan.roadmap, date=plan.second.date, reason="Без правок"
    )
    client.force_login(plan.staff)
    response = client.get(reverse("roadmap:amendment_order", args=[empty.pk, "pdf"]))
    assert response.status_code == 409
    assert "не изменило текст дорожной карты" in response.content.decode()


def test_the_region_reads_the_amending_order(client, plan):
    region = make_user("region", roles.REGION)
    client.force_login(region)
    response = client.get(reverse("roadmap:amendment_order", args=[plan.first.pk, "pdf"]))
    assert response.status_code == 200
    url = reverse("roadmap:document", args=[plan.roadmap.pk, "json"])
    assert client.get(url, {"wording": "amendment:1"}).status_code == 200
    requisites = reverse("roadmap:amendment_requisites", args=[plan.first.pk])
    assert client.get(requisites).status_code == 403
    assert client.post(requisites, {"order_date": "", "order_number": ""}).status_code == 403


def test_curators_and_outsiders_reach_no_amending_order(client, plan, curator_a, other_roadmap):
    order_url = reverse("roadmap:amendment_order", args=[plan.first.pk, "pdf"])
    wording_url = reverse("roadmap:document", args=[plan.roadmap.pk, "pdf"])
    requisites = reverse("roadmap:amendment_requisites", args=[plan.first.pk])
    client.force_login(curator_a)
    html = client.get(reverse("roadmap:detail", args=[plan.roadmap.pk])).content.decode()
    assert order_url not in html and 'name="wording"' not in html
    assert client.get(order_url).status_code == 403
    assert client.get(wording_url, {"wording": "original"}).status_code == 403
    assert client.get(requisites).status_code == 403
    outsider = make_user("outsider", roles.STAFF, municipality=other_roadmap.municipality)
    client.force_login(outsider)
    assert client.get(order_url).status_code == 404
    assert client.get(wording_url, {"wording": "original"}).status_code == 404
    assert client.get(requisites).status_code == 404
    assert (
        client.post(requisites, {"order_date": "01.05.2021", "order_number": "9"}).status_code
        == 404
    )
    plan.first.refresh_from_db()
    assert plan.first.order_requisites == "от 12.03.2021 № 45"


def test_staff_give_the_amending_orders_requisites(client, plan):
    client.force_login(plan.staff)
    url = reverse("roadmap:amendment_requisites", args=[plan.second.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="60"' in page.content.decode()
    refused = client.post(url, {"order_date": "01.04.2021", "order_number": ""})
    assert refused.status_code == 422
    assert "Укажите номер приказа" in refused.content.decode()
    far = client.post(url, {"order_date": "31.12.9999", "order_number": "61"})
    assert far.status_code == 422 and "Год должен быть от 1990 до 2100" in far.content.decode()
    response = client.post(url, {"order_date": "02.04.2021", "order_number": "61"})
    assert response.status_code == 302
    plan.second.refresh_from_db()
    assert plan.second.order_requisites == "от 02.04.2021 № 61"
    assert (
        Amendment.objects.get(pk=plan.first.pk).order_requisites == "от 12.03.2021 № 45"
    )  # the other one untouched


def test_staff_open_an_amendment_with_its_order(client, roadmap, staff):
    client.force_login(staff)
    response = client.post(
        reverse("roadmap:amendment_open", args=[roadmap.pk]),
        {
            "date": "10.03.2021",
            "reason": "Уточнение сроков",
            "basis": "",
            "order_date": "12.03.2021",
            "order_number": "45",
        },
    )
    assert response.status_code == 302
    assert Amendment.objects.get(roadmap=roadmap).order_requisites == "от 12.03.2021 № 45"
