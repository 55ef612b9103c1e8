"""What a registry entity is made of — the sheet to fill, how an uploaded sheet becomes a plan
and is written, how the list is exported in full and depersonalised — and the plan itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from core import permissions
from core.selectors import schools_for
from core.xlsx.reader import read_sheet
from core.xlsx.spec import CellError, ParseResult, SheetSpec

PREVIEW_ROWS = 20


@dataclass
class Plan:
    """What a file will do once confirmed: rows to create and to update, or the errors."""

    entity: str
    rows: int = 0
    user: object = None
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    # mentors of the registry a curator's file names: (mentor, as typed), asked for, not taken
    to_request: list = field(default_factory=list)
    requested: int = 0
    errors: list[CellError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    spec: SheetSpec | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def show(self, row: int, name: str, school: str, action: str) -> None:
        """The first rows of the preview; the counts cover the rest."""
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append({"row": row, "name": name, "school": school, "action": action})

    def invalid(self, row: int, model, data: dict) -> bool:
        """True (with errors naming the columns) when the model's own checks of these fields
        refuse the row — an e-mail that is not one: the service would refuse it on confirming."""
        names = {f.name for f in model._meta.concrete_fields if not f.is_relation} & set(data)
        record = model(**{name: data[name] for name in names})
        try:
            record.clean_fields(exclude=[f.name for f in model._meta.fields if f.name not in names])
        except ValidationError as error:
            headers = {c.key: c.header for c in self.spec.columns} if self.spec else {}
            for name, messages in error.message_dict.items():
                header = headers.get(name)
                for message in messages:
                    self.errors.append(
                        CellError(row, header, f"{header}: {message}" if header else message)
                    )
            return True
        return False

    def first_time(self, seen: dict, key, row: int, what: str) -> bool:
        """False (with an error naming both rows) when a file lists the same thing twice."""
        if key in seen:
            self.errors.append(CellError(row, None, f"{what}, что в строке {seen[key]}."))
            return False
        seen[key] = row
        return True


@dataclass(frozen=True)
class ExportSheet:
    """A list as a sheet: its columns, and the row one record fills."""

    spec: SheetSpec
    row: Callable[[Any], dict]


@dataclass(frozen=True)
class Entity:
    """One registry entity, defined once and registered in ``registry.entities.ENTITIES``;
    the template, export and import views take everything from here."""

    key: str  # «mentees»: in the URL, the import batch, the audit log; the list is registry:<key>
    title: str  # the exported file's name: «Наставляемые»
    of_what: str  # the import page's heading, «Загрузка наставляемых из Excel»
    sheet: Callable[[Any], SheetSpec]  # the template's columns, read back by the import
    planner: Callable[[Plan, ParseResult], None]  # checks every row into the plan
    writer: Callable[[Plan], tuple[int, int]]  # writes a checked plan: (created, updated)
    selector: Callable[[Any], QuerySet]  # what the user may export
    export: ExportSheet
    depersonalised: ExportSheet | None = None  # None: the full list names no person
    filters: type | None = None  # the list page's filter, applied to the export too
    prefetch: tuple[str, ...] = ()

    def plan_file(self, user, upload) -> Plan:
        """Read and check the whole file; raises ImportFileError for whole-file problems."""
        spec = self.sheet(user)
        parsed = read_sheet(upload, spec)
        plan = Plan(
            self.key,
            rows=len(parsed.rows) + len({e.row for e in parsed.errors}),
            user=user,
            errors=list(parsed.errors),
            spec=spec,
        )
        self.planner(plan, parsed)
        return plan

    def apply(self, plan: Plan) -> tuple[int, int]:
        """Write every row of a checked plan, or none; returns (created, updated)."""
        if not plan.ok or plan.entity != self.key:
            raise ValueError("only a checked plan of this entity is applied")
        with transaction.atomic():
            return self.writer(plan)

    def for_export(self, user, params) -> QuerySet:
        """What the user may see, narrowed by the list page's filter (its query string)."""
        queryset = self.selector(user)
        if self.filters is not None:
            schools = None if permissions.is_curator(user) else schools_for(user)
            queryset = self.filters(params or None, queryset=queryset, schools=schools).qs
        return queryset.prefetch_related(*self.prefetch) if self.prefetch else queryset

    def export_rows(self, objects: Iterable, *, depersonalised: bool) -> tuple[SheetSpec, list]:
        sheet = self.depersonalised if depersonalised and self.depersonalised else self.export
        return sheet.spec, [sheet.row(o) for o in objects]
