"""Writing many records by the rules of one: what a record's own save would check against the
database, checked once for all, and the rows written in a few statements — all or none."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

BATCH = 1000  # rows per INSERT or UPDATE statement


def taken(record, fields: tuple[str, ...]) -> ValidationError:
    """What full_clean says of a record that breaks a unique constraint on these fields."""
    return ValidationError({NON_FIELD_ERRORS: [record.unique_error_message(type(record), fields)]})


def refuse_taken(model, records: Sequence, fields: tuple[str, ...]) -> None:
    """A unique constraint on plain fields, checked for every record in one query: a value
    taken by another row, or twice in the batch, is refused as full_clean would refuse it."""
    attnames = [model._meta.get_field(name).attname for name in fields]
    wanted: dict[tuple, object] = {}
    for record in records:
        key = tuple(getattr(record, attname) for attname in attnames)
        if key in wanted:
            raise taken(record, fields)
        wanted[key] = record
    if not wanted:
        return
    lookups = {f"{a}__in": {key[i] for key in wanted} for i, a in enumerate(attnames)}
    for pk, *key in model.objects.filter(**lookups).values_list("pk", *attnames):
        record = wanted.get(tuple(key))
        if record is not None and record.pk != pk:
            raise taken(record, fields)


def write_all(model, records: Sequence, fields, *, conflict: ValidationError) -> None:
    """Insert the new records and update these fields of the others, in one savepoint; a row
    that a concurrent write took first refuses the lot with ``conflict``."""
    new = [record for record in records if record.pk is None]
    old = [record for record in records if record.pk is not None]
    try:
        with transaction.atomic():
            model.objects.bulk_create(new, batch_size=BATCH)
            if old:
                model.objects.bulk_update(old, list(fields), batch_size=BATCH)
    except IntegrityError as exc:
        raise conflict from exc
