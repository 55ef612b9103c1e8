"""What a sheet holds: its columns (how each is titled, cleaned and shown), the rows read from
it and the problems found, named as the user sees them in Excel."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KINDS = ("text", "date", "int", "choice", "bool")
EXAMPLE_SHOWN = 40  # characters of a cell value quoted in an error message
# A user's own columns next to the template's (ignored on import, but in the file): how many
# and how long, when the file's size limits are worked out from the sheet's spec.
EXTRA_COLUMNS = 2
EXTRA_COLUMN_CHARS = 100
CELL_CHARS_BOUND = 100
DATE_CHARS = 20  # «01.09.2010 г. 12:00»
NUMBER_CHARS = 16

SPACES = re.compile(r"\s+")
DASHES = re.compile(r"\s*[-‐‑‒–—―−]\s*")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: how it is titled, cleaned on import and shown in the template."""

    key: str
    header: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    example: object = ""
    width: int = 20
    max_length: int = 255
    min_value: int | None = None
    max_value: int | None = None
    help: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r}: unknown kind {self.kind!r}")
        if self.kind == "choice":
            if not self.choices:
                raise ValueError(f"Column {self.key!r}: a choice column needs choices")
            if len({choice_key(c) for c in self.choices}) != len(self.choices):
                raise ValueError(f"Column {self.key!r}: choices differ only in case or dashes")


@dataclass(frozen=True)
class SheetSpec:
    """The sheet's name and columns; headers must be distinct once normalised."""

    title: str
    columns: tuple[Column, ...]

    def __post_init__(self):
        if len({header_key(c.header) for c in self.columns}) != len(self.columns):
            raise ValueError(f"Sheet {self.title!r}: two columns share a header")
        if len({c.key for c in self.columns}) != len(self.columns):
            raise ValueError(f"Sheet {self.title!r}: two columns share a key")


@dataclass(frozen=True)
class CellError:
    """One problem in one cell (or row), numbered as the user sees the sheet."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column is None:
            return f"Строка {self.row}: {self.message}"
        detail = self.message
        for prefix in (f"{self.column}: ", f"{self.column} — "):
            if detail.startswith(prefix):
                detail = detail[len(prefix) :]
                break
        return f"Строка {self.row}, столбец «{self.column}»: {detail}"


@dataclass
class ParsedRow:
    row: int
    values: dict[str, object]


@dataclass
class ParseResult:
    """Clean rows (rows with any error are left out) and every error found."""

    rows: list[ParsedRow]
    errors: list[CellError]
    columns_found: tuple[str, ...] = field(default=())  # keys of the columns present in the file

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be imported; str() is the Russian message."""


def spaced_number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def header_key(value) -> str:
    text = SPACES.sub(" ", str(value)).strip().rstrip("*").strip()
    return text.casefold().replace("ё", "е")


def choice_key(value: str) -> str:
    text = DASHES.sub("-", SPACES.sub(" ", value).strip())
    return text.casefold().replace("ё", "е")


def column_chars(column: Column) -> int:
    """The text a cell of the column counts for in the file's size limit: its longest, but no
    more than CELL_CHARS_BOUND. The limit is on the whole table, so a few cells may still be as
    long as the column allows (a partner's full name); not every cell of 10 000 rows."""
    if column.kind == "text":
        return min(column.max_length, CELL_CHARS_BOUND)
    if column.kind == "choice":
        return max(len(choice) for choice in column.choices)
    if column.kind == "date":
        return DATE_CHARS
    if column.kind == "bool":
        return 6
    return NUMBER_CHARS
