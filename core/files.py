"""Uploaded files: the type is read from the content, never from the name.

DOCX and XLSX are ZIP archives: their entry count and uncompressed size are checked from
the central directory before anything is unpacked, so a ZIP bomb is refused unopened.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


PDF = FileType("pdf", "application/pdf", "PDF")
PNG = FileType("png", "image/png", "PNG")
JPEG = FileType("jpg", "image/jpeg", "JPEG")
DOCX = FileType(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"
)
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
EVIDENCE_TYPES = (PDF, DOCX, XLSX, JPEG, PNG)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _allowed_labels(allowed) -> str:
    return ", ".join(t.label for t in allowed)


def _office_type(upload, name: str) -> FileType | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES or (
                sum(e.file_size for e in entries) > ZIP_MAX_UNCOMPRESSED
            ):
                raise ValidationError(
                    f"Файл «{name}»: архив распаковывается в слишком большой объём; "
                    "такой документ не принимается."
                )
            names = {e.filename for e in entries}
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"Файл «{name}» повреждён: не удаётся прочитать его.") from exc
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def detect_type(upload, name: str) -> FileType | None:
    """The file's type by its first bytes (and, for ZIP, its entries); None if unknown."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload, name)
    if head.startswith(OLE_SIGNATURE):
        raise ValidationError(
            f"Файл «{name}» сохранён в старом формате Word/Excel (.doc/.xls). "
            "Сохраните его как .docx или .xlsx и загрузите снова."
        )
    return None


def validate_upload(upload, *, max_bytes: int, allowed=EVIDENCE_TYPES) -> FileType:
    """Check size and content type; raise a Russian message naming the file."""
    name = safe_filename(getattr(upload, "name", "") or "файл")
    if upload.size == 0:
        raise ValidationError(f"Файл «{name}» пустой.")
    if upload.size > max_bytes:
        raise ValidationError(
            f"Файл «{name}» слишком большой: {filesizeformat(upload.size)}; "
            f"допускается не более {filesizeformat(max_bytes)}."
        )
    detected = detect_type(upload, name)
    if detected is None or detected not in allowed:
        raise ValidationError(
            f"Файл «{name}» не принят: по содержимому это не {_allowed_labels(allowed)}. "
            f"Допускаются файлы {_allowed_labels(allowed)}."
        )
    return detected


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_filename(name: str, extension: str | None = None, max_length: int = 150) -> str:
    """The last path part of a user's file name, without control or reserved characters.

    With ``extension``, the name ends with the extension of the type actually found.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = _UNSAFE.sub("_", name).strip(" .") or "файл"
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if extension is not None:
        suffix = extension
    stem = stem[: max_length - len(suffix) - 1].rstrip(" .") or "файл"
    return f"{stem}.{suffix}" if suffix else stem
