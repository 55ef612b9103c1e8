import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.files import DOCX, JPEG, PDF, PNG, XLSX, safe_filename, validate_upload
from tests.roadmap.files_helpers import (
    EXE_BYTES,
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    upload,
    xlsx_bytes,
)

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("отчёт.pdf", PDF_BYTES, PDF),
        ("фото.png", PNG_BYTES, PNG),
        ("фото.jpg", JPEG_BYTES, JPEG),
        ("приказ.docx", docx_bytes(), DOCX),
        ("таблица.xlsx", xlsx_bytes(), XLSX),
        # The name does not matter, the content does.
        ("приказ.pdf", docx_bytes(), DOCX),
        ("без расширения", PDF_BYTES, PDF),
    ],
)
def test_type_is_read_from_content(name, content, expected):
    assert validate_upload(upload(name, content), max_bytes=20 * MB) == expected


def test_renamed_exe_is_refused_with_its_name():
    with pytest.raises(ValidationError, match=r"«отчёт\.pdf» не принят: по содержимому это не PDF"):
        validate_upload(upload("отчёт.pdf", EXE_BYTES), max_bytes=20 * MB)


def test_too_big_is_refused_with_sizes():
    big = upload("скан.pdf", PDF_BYTES + b"0" * (21 * MB))
    with pytest.raises(ValidationError, match=r"слишком большой.*не более 20,0"):
        validate_upload(big, max_bytes=20 * MB)


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="пустой"):
        validate_upload(upload("пусто.pdf", b""), max_bytes=20 * MB)


def test_old_word_format_gets_a_hint():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    with pytest.raises(ValidationError, match=r"Сохраните его как \.docx"):
        validate_upload(upload("приказ.doc", ole), max_bytes=20 * MB)


def test_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (250 * MB))
    assert len(buffer.getvalue()) < 2 * MB
    with pytest.raises(ValidationError, match="слишком большой объём"):
        validate_upload(upload("бомба.docx", buffer.getvalue()), max_bytes=20 * MB)


def test_plain_zip_is_not_an_office_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="не принят"):
        validate_upload(upload("архив.docx", buffer.getvalue()), max_bytes=20 * MB)


@pytest.mark.parametrize(
    ("raw", "extension", "expected"),
    [
        ("../../etc/passwd", None, "passwd"),
        ("C:\\Users\\Иван\\Отчёт о работе.PDF", "pdf", "Отчёт о работе.pdf"),
        ("evil<script>.exe", "pdf", "evil_script_.pdf"),
        ("", "pdf", "файл.pdf"),
        ("  .. ", None, "файл"),
        ("приказ.docx", "docx", "приказ.docx"),
    ],
)
def test_safe_filename_examples(raw, extension, expected):
    assert safe_filename(raw, extension) == expected


@given(st.text(max_size=300), st.sampled_from(["pdf", "docx", "xlsx", "jpg", "png"]))
def test_safe_filename_never_has_paths_or_control_characters(raw, extension):
    name = safe_filename(raw, extension)
    assert name.endswith("." + extension)
    assert "/" not in name and "\\" not in name
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
    assert len(name) <= 150
    assert name not in {".", ".."} and not name.startswith(".")
