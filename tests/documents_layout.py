"""Measuring a printed document on the rendered page, as a reader sees it.

Every PDF the product makes (and every DOCX or XLSX, converted to PDF by LibreOffice) is
checked the same way:

- each page is rendered with ``pdftoppm`` and the bounding box of its ink is measured against
  the margins of ГОСТ Р 7.0.97-2025 (20 mm left, 10 mm right, 20 mm top and bottom);
- the top margin is the page number's zone: a band of ink lying wholly inside it (the number
  at the top centre, from page 2) is measured apart and must be centred over the text and keep
  at least ``NUMBER_EDGE_MM`` from the edge of the sheet; the bottom margin stays empty;
- the smallest font size is read from the content streams (the font size times the text and
  transformation matrices, form XObjects included);
- «№» must never end a line (a line break right after it in the text layer).

Use ``check_pdf(pdf, min_font=...)``; it returns the figures and the list of problems, each
a sentence naming the page. ``layout_of`` and the small functions are there for reports.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ByteStringObject, ContentStream, TextStringObject

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
DPI = 100  # one pixel is 0.254 mm
INK_THRESHOLD = 200  # grey levels below this are ink (anti-aliased edges of thin rules too)
TOLERANCE_MM = 0.3  # about one pixel: a rule drawn on the margin's edge is on it


@dataclass(frozen=True)
class Margins:
    left: float
    right: float
    top: float
    bottom: float

    def __str__(self) -> str:
        return f"{self.left:.1f}/{self.right:.1f}/{self.top:.1f}/{self.bottom:.1f}"


GOST = Margins(left=20, right=10, top=20, bottom=20)
NUMBER_EDGE_MM = 10  # the page number keeps clear of the sheet's edge (printers' dead zone)
NUMBER_CENTRE_MM = 10  # how far the page number may lie off the centre of the text area


@dataclass(frozen=True)
class Band:
    """Ink between two blank rows, in mm from the page's top-left corner."""

    top: float
    bottom: float
    left: float
    right: float

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


@dataclass
class PageLayout:
    number: int
    width: float  # mm
    height: float
    body: Margins | None  # the distance from the body's ink to each edge; None: a blank page
    header: list[Band] = field(default_factory=list)  # ink wholly inside the top margin
    footer: list[Band] = field(default_factory=list)  # ink wholly inside the bottom margin

    @property
    def landscape(self) -> bool:
        return self.width > self.height


# --- rendering and the ink box --------------------------------------------------------------


def render_pages(pdf: bytes, dpi: int = DPI, first: int | None = None, last: int | None = None):
    """The pages as greyscale Pillow images, rendered by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        command = ["pdftoppm", "-r", str(dpi), "-gray", "-png"]
        if first:
            command += ["-f", str(first)]
        if last:
            command += ["-l", str(last)]
        subprocess.run([*command, str(source), str(Path(folder) / "page")], check=True)
        pages = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
        images = []
        for path in pages:
            with Image.open(path) as image:
                images.append(image.convert("L"))
        return images


def save_page_png(pdf: bytes, page: int, target: Path, dpi: int = 80) -> Path:
    """One page as a PNG picture (for docs/screenshots)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        stem = Path(folder) / "page"
        command = ["pdftoppm", "-r", str(dpi), "-png", "-singlefile"]
        command += ["-f", str(page), "-l", str(page), str(source), str(stem)]
        subprocess.run(command, check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stem.with_suffix(".png"), target)
    return target


def ink_mask(image: Image.Image, threshold: int = INK_THRESHOLD) -> Image.Image:
    """255 where there is ink, 0 where the paper is blank."""
    return image.point(lambda value: 255 if value < threshold else 0)


def ink_rows(mask: Image.Image) -> list[bool]:
    width, height = mask.size
    data = mask.tobytes()
    return [bool(data[y * width : (y + 1) * width].strip(b"\0")) for y in range(height)]


def bands(mask: Image.Image, dpi: int = DPI) -> list[Band]:
    """The horizontal bands of ink, top to bottom.

    An edge is taken at the middle of its outermost inked pixel: the ink begins somewhere in
    that pixel, so the figure is right to half a pixel (±0.13 mm at 100 dpi)."""
    px = MM_PER_INCH / dpi
    rows = ink_rows(mask)
    found, start = [], None
    for y, inked in enumerate([*rows, False]):
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            left, _, right, _ = mask.crop((0, start, mask.width, y)).getbbox()
            edges = (start + 0.5, y - 0.5, left + 0.5, right - 0.5)
            found.append(Band(*(edge * px for edge in edges)))
            start = None
    return found


def layout_of(pdf: bytes, dpi: int = DPI, margins: Margins = GOST) -> list[PageLayout]:
    """Each page's ink, split into the page number's zone and the body."""
    reader = PdfReader(io.BytesIO(pdf))
    layouts = []
    for number, image in enumerate(render_pages(pdf, dpi), start=1):
        box = reader.pages[number - 1].mediabox
        width, height = float(box.width) / PT_PER_MM, float(box.height) / PT_PER_MM
        header, footer, body = [], [], []
        for band in bands(ink_mask(image), dpi):
            if band.bottom <= margins.top:
                header.append(band)
            elif band.top >= height - margins.bottom:
                footer.append(band)
            else:
                body.append(band)
        body_margins = None
        if body:
            body_margins = Margins(
                left=min(b.left for b in body),
                right=width - max(b.right for b in body),
                top=min(b.top for b in body),
                bottom=height - max(b.bottom for b in body),
            )
        layouts.append(PageLayout(number, width, height, body_margins, header, footer))
    return layouts


def margin_problems(layouts: Iterable[PageLayout], margins: Margins = GOST) -> list[str]:
    problems = []
    for page in layouts:
        where = f"стр. {page.number}"
        if page.body is not None:
            for side in ("left", "right", "top", "bottom"):
                measured, least = getattr(page.body, side), getattr(margins, side)
                if measured < least - TOLERANCE_MM:
                    problems.append(f"{where}: поле {side} {measured:.1f} мм < {least} мм")
        for band in page.header:
            centre = (margins.left + page.width - margins.right) / 2
            if band.top < NUMBER_EDGE_MM - TOLERANCE_MM:
                problems.append(f"{where}: колонтитул в {band.top:.1f} мм от верхнего края")
            if abs(band.centre - centre) > NUMBER_CENTRE_MM:
                problems.append(f"{where}: номер страницы не по центру ({band.centre:.1f} мм)")
        if page.footer:
            problems.append(
                f"{where}: печать в нижнем поле, {page.height - page.footer[-1].bottom:.1f} мм "
                "от нижнего края"
            )
    return problems


# --- the text layer -------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedText:
    """A text-showing operator: the page, the size it prints at, how many glyphs it shows."""

    page: int
    size: float  # pt, as printed: the font size times the text and transformation matrices
    glyphs: int


IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _multiply(a, b):
    """Two PDF matrices [a b c d e f] multiplied (a then b)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _glyphs(operands, two_bytes: bool) -> int:
    count = 0
    for operand in operands:
        if isinstance(operand, list):
            count += _glyphs(operand, two_bytes)
        elif isinstance(operand, TextStringObject):
            raw = operand.get_original_bytes()
            count += max(1, len(raw) // 2) if two_bytes else len(raw)
        elif isinstance(operand, ByteStringObject):
            count += max(1, len(operand) // 2) if two_bytes else len(operand)
    return count


def _resolved(value):
    return value.get_object() if value is not None else {}


def _walk(stream, resources, ctm, page: int, found: list[PrintedText], depth: int = 0) -> None:
    """Follow the graphics and text state through a content stream and its form XObjects.

    pypdf's ``extract_text(visitor_text=…)`` hands a form XObject's text the form's own matrix
    only (not the page's transformation that places the form), so an SVG chart drawn at two
    thirds of its size reports its unscaled sizes: the state is followed here instead.
    """
    fonts = _resolved(resources.get("/Font")) if resources else {}
    xobjects = _resolved(resources.get("/XObject")) if resources else {}
    stack, tm, tlm, leading = [], IDENTITY, IDENTITY, 0.0
    size, two_bytes = 0.0, False
    for operands, operator in ContentStream(stream, None).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop() if stack else ctm
        elif operator == b"cm":
            ctm = _multiply(tuple(float(x) for x in operands), ctm)
        elif operator == b"BT":
            tm = tlm = IDENTITY
        elif operator == b"Tf":
            font = fonts.get(operands[0])
            font = font.get_object() if font is not None else {}
            two_bytes = font.get("/Subtype") == "/Type0"
            size = float(operands[1])
        elif operator == b"TL":
            leading = float(operands[0])
        elif operator == b"Tm":
            tm = tlm = tuple(float(x) for x in operands)
        elif operator in (b"Td", b"TD"):
            tx, ty = float(operands[0]), float(operands[1])
            if operator == b"TD":
                leading = -ty
            tm = tlm = _multiply((1, 0, 0, 1, tx, ty), tlm)
        elif operator in (b"T*", b"'", b'"'):
            tm = tlm = _multiply((1, 0, 0, 1, 0, -leading), tlm)
        if operator in (b"Tj", b"TJ", b"'", b'"'):
            m = _multiply(tm, ctm)
            scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
            glyphs = _glyphs(operands[-1:], two_bytes)
            if glyphs:
                found.append(PrintedText(page, round(size * scale, 2), glyphs))
        elif operator == b"Do" and depth < 10 and operands[0] in xobjects:
            form = xobjects[operands[0]].get_object()
            if form.get("/Subtype") == "/Form":
                matrix = tuple(float(x) for x in form.get("/Matrix", IDENTITY))
                inner = form.get("/Resources")
                inner = inner.get_object() if inner is not None else resources
                _walk(form, inner, _multiply(matrix, ctm), page, found, depth + 1)


def printed_texts(pdf: bytes) -> list[PrintedText]:
    found: list[PrintedText] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        contents = page.get_contents()
        if contents is not None:
            resources = page.get("/Resources")
            _walk(contents, resources.get_object() if resources else {}, IDENTITY, number, found)
    return found


def smallest_font(pdf: bytes) -> float:
    return min(text.size for text in printed_texts(pdf))


def font_sizes(pdf: bytes) -> dict[float, int]:
    """Printed sizes and how many glyphs are set in each."""
    sizes: dict[float, int] = {}
    for text in printed_texts(pdf):
        size = round(text.size, 1)
        sizes[size] = sizes.get(size, 0) + text.glyphs
    return dict(sorted(sizes.items()))


NUMERO_AT_LINE_END = re.compile(r"№[ \u00a0]*(?:\n|$)")


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def poppler_texts(pdf: bytes) -> list[str]:
    """Each page's text as poppler reads it (pdftotext: the viewers' search on Linux); pypdf
    and poppler part letters by different gaps, so a searchable word must pass both."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(source), "-"],
            check=True,
            capture_output=True,
        )
    return result.stdout.decode().split("\f")[: len(PdfReader(io.BytesIO(pdf)).pages)]


def numero_line_ends(pdf: bytes) -> list[str]:
    """«№» with a line break right after it: «стр. 3: …СОШ №»."""
    found = []
    for number, text in enumerate(page_texts(pdf), start=1):
        for match in NUMERO_AT_LINE_END.finditer(text):
            before = " ".join(text[max(0, match.start() - 30) : match.start() + 1].split())
            found.append(f"стр. {number}: …{before}")
    return found


# --- everything at once -----------------------------------------------------------------------


@dataclass
class Measured:
    pages: int
    layouts: list[PageLayout]
    smallest_font: float
    numero_ends: list[str]
    problems: list[str]

    @property
    def least(self) -> Margins:
        """The smallest body margins over all pages."""
        bodies = [page.body for page in self.layouts if page.body is not None]
        return Margins(
            left=min(b.left for b in bodies),
            right=min(b.right for b in bodies),
            top=min(b.top for b in bodies),
            bottom=min(b.bottom for b in bodies),
        )

    @property
    def number_from_edge(self) -> float | None:
        """The page number's least distance from the top edge, or None without one."""
        tops = [band.top for page in self.layouts for band in page.header]
        return min(tops) if tops else None

    def summary(self) -> str:
        number = self.number_from_edge
        return (
            f"стр. {self.pages}; поля (л/п/в/н) {self.least} мм; "
            f"номер стр. {'нет' if number is None else f'{number:.1f} мм от края'}; "
            f"шрифт от {self.smallest_font:g} пт; «№» в конце строки: {len(self.numero_ends)}"
        )


def check_pdf(pdf: bytes, *, min_font: float, margins: Margins = GOST, dpi: int = DPI):
    """The figures of a document and every way it breaks the rules, as sentences."""
    layouts = layout_of(pdf, dpi, margins)
    smallest = smallest_font(pdf)
    numero = numero_line_ends(pdf)
    problems = margin_problems(layouts, margins)
    if smallest < min_font - 0.05:  # printed sizes are rounded to hundredths
        problems.append(f"шрифт {smallest:g} пт < {min_font:g} пт")
    problems += [f"«№» в конце строки, {where}" for where in numero]
    return Measured(len(layouts), layouts, smallest, numero, problems)


# --- LibreOffice ------------------------------------------------------------------------------

LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
LIBREOFFICE_MISSING = (
    "LibreOffice не установлен (apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui): DOCX и XLSX не проверяются на отрисованной странице"
)


def libreoffice_pdfs(files: dict[str, bytes], timeout: float = 300) -> dict[str, bytes]:
    """DOCX and XLSX files as LibreOffice prints them, {"order.docx": pdf, …}: one run of
    LibreOffice for them all (its start is most of the time), in a profile of its own."""
    if LIBREOFFICE is None:
        raise RuntimeError(LIBREOFFICE_MISSING)
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        sources = []
        for index, (name, data) in enumerate(files.items()):
            source = folder_path / f"{index:03d}{Path(name).suffix}"  # safe, unique stems
            source.write_bytes(data)
            sources.append(source)
        profile = (folder_path / "profile").as_uri()
        command = [LIBREOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
        command += ["--convert-to", "pdf", "--outdir", str(folder_path)]
        subprocess.run(
            [*command, *map(str, sources)], check=True, capture_output=True, timeout=timeout
        )
        return {
            name: source.with_suffix(".pdf").read_bytes()
            for name, source in zip(files, sources, strict=True)
        }


def libreoffice_pdf(data: bytes, suffix: str) -> bytes:
    """One DOCX or XLSX as LibreOffice prints it."""
    return libreoffice_pdfs({f"document.{suffix.lstrip('.')}": data})[
        f"document.{suffix.lstrip('.')}"
    ]


# --- where things are -------------------------------------------------------------------------


def flat(text: str) -> str:
    """Text with every run of spaces (non-breaking ones too) and line breaks as one space."""
    return " ".join(text.split())


def page_of(texts: list[str], needle: str) -> int | None:
    """The first page (from 1) whose text holds ``needle`` (spaces compared loosely)."""
    needle = flat(needle)
    for number, text in enumerate(texts, start=1):
        if needle in flat(text):
            return number
    return None


def measure_page(texts: list[str], number: str) -> int | None:
    """The page where the measure numbered ``number`` («3.1.») is printed: a number alone,
    not a part of «3.10.» or of a date."""
    pattern = re.compile(rf"(?<![\d.]){re.escape(number)}(?![\d])")
    for page, text in enumerate(texts, start=1):
        if pattern.search(text):
            return page
    return None


def broken_sections(texts: list[str], sections) -> list[str]:
    """Sections whose heading is printed on another page than their first measure, and a
    last measure alone on its page: each as a sentence."""
    return headings_apart(texts, sections) + last_alone(texts, sections)


def headings_apart(texts: list[str], sections) -> list[str]:
    problems = []
    for section in sections:
        if not section.measures:
            continue
        heading = page_of(texts, section.heading)
        first = measure_page(texts, section.measures[0].number)
        if heading != first:
            problems.append(
                f"заголовок «{section.heading[:40]}» на стр. {heading}, "
                f"мероприятие {section.measures[0].number} на стр. {first}"
            )
    return problems


def last_alone(texts: list[str], sections) -> list[str]:
    problems = []
    measures = [m for section in sections for m in section.measures]
    if len(measures) >= 2:
        last, before = measures[-1].number, measures[-2].number
        if measure_page(texts, last) != measure_page(texts, before):
            problems.append(f"мероприятие {last} одно на последней странице")
    return problems
