"""Pages of long lists that cost the same on the first page and the thousandth.

A list is read in its order with the primary key as the last tie-breaker. Pages are numbered
while that is cheap: ``?page=N`` skips the rows before it by OFFSET over their keys alone
(an index-only read), down to ``MAX_OFFSET`` rows. The
«Следующая» and «Предыдущая» links carry a cursor instead (``?after=…`` or ``?before=…``, the
key of the last or first row shown), so moving on from any page reads one index range, never
the rows before it. The number of records is counted exactly up to ``EXACT_UP_TO`` (a count
that stops there); a longer list shows the planner's estimate, «около 300 000».

A cursor is only a position in the list the user already sees: it is read back through the
same scoped queryset, so it cannot reach another school's rows. A cursor that does not decode
is a ``BadPage`` (the views answer 400 with its Russian message).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.constants import LOOKUP_SEP

EXACT_UP_TO = 20_000  # rows counted exactly; a longer list is estimated
MAX_OFFSET = 10_000  # the deepest row a numbered page may start at

CURSOR_PARAMS = ("page", "after", "before")


class BadPage(Exception):
    """A page parameter that cannot be read: the message says so in Russian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Total:
    """How many records the list holds: exact, or the planner's estimate."""

    count: int
    exact: bool = True

    def __str__(self) -> str:
        if self.exact:
            return _grouped(self.count)
        return f"около {_grouped(_rounded(self.count))}"


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


def _rounded(number: int) -> int:
    """Two significant digits: 287 431 → 290 000."""
    if number < 100:
        return number
    step = 10 ** (len(str(number)) - 2)
    return round(number / step) * step


@dataclass
class Page:
    object_list: list
    size: int
    total: Total
    number: int | None  # None when reached by a cursor from a page of unknown number
    next_query: str = ""  # "after=<cursor>" (or "page=N" for a list without a key); "" at the end
    previous_query: str = ""

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_next(self) -> bool:
        return bool(self.next_query)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_query)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def num_pages(self) -> int | None:
        """The number of pages when the count is exact."""
        if not self.total.exact:
            return None
        return max(1, math.ceil(self.total.count / self.size))


# --- the order and the key ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Key:
    path: str  # a field path, "school__short_name"
    descending: bool
    field: object  # the model field at the end of the path


def _field_at(model, path: str):
    """The model field a path ends at; None when a step may be NULL or is not a field (the
    list is then paged by number only)."""
    parts = path.split(LOOKUP_SEP)
    for index, name in enumerate(parts):
        try:
            model_field = model._meta.get_field("id" if name == "pk" else name)
        except FieldDoesNotExist:
            return None
        if getattr(model_field, "null", False) or not model_field.concrete:
            return None
        if model_field.many_to_many:
            return None
        if index < len(parts) - 1:
            if not model_field.is_relation:
                return None
            model = model_field.related_model
        elif model_field.is_relation and name != model_field.attname:
            return None  # ordering by a relation orders by the related model's own ordering
    return model_field


def _keys(queryset: QuerySet) -> list[_Key] | None:
    """The list's order with the primary key last; None when the order cannot be a key (an
    expression, a field that may be NULL)."""
    order = list(queryset.query.order_by or queryset.query.get_meta().ordering or ())
    keys: list[_Key] = []
    pk_name = queryset.model._meta.pk.name
    for item in order:
        if not isinstance(item, str) or item == "?":
            return None
        descending = item.startswith("-")
        path = item.lstrip("-+")
        if path == "pk":
            path = pk_name
        model_field = _field_at(queryset.model, path)
        if model_field is None:
            return None
        keys.append(_Key(path, descending, model_field))
        if path == pk_name:
            return keys  # the primary key is unique: anything after it never decides
    keys.append(_Key(pk_name, keys[-1].descending if keys else False, queryset.model._meta.pk))
    return keys


def _value_of(obj, key: _Key):
    *through, _last = key.path.split(LOOKUP_SEP)
    for name in through:
        obj = getattr(obj, name)
    return getattr(obj, key.field.attname)


def _plain(value):
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    return value


def _encode(values: list, number: int | None) -> str:
    data = {"k": [_plain(v) for v in values]}
    if number is not None:
        data["n"] = number
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


BAD_CURSOR = (
    "Не удалось открыть страницу: ссылка на неё повреждена или устарела. "
    "Откройте список с первой страницы."
)


def _decode(cursor: str, keys: list[_Key]) -> tuple[list, int | None]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw.decode())
        values = data["k"]
        number = data.get("n")
    except (binascii.Error, ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise BadPage(BAD_CURSOR) from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise BadPage(BAD_CURSOR)
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise BadPage(BAD_CURSOR)
    typed = []
    for key, value in zip(keys, values, strict=True):
        if isinstance(value, dict) and len(value) == 1:
            value = next(iter(value.values()))
        if value is None or isinstance(value, (dict, list)):
            raise BadPage(BAD_CURSOR)
        try:
            typed.append(_target(key).to_python(value))
        except (ValidationError, TypeError, ValueError) as exc:
            raise BadPage(BAD_CURSOR) from exc
    if number is not None and number < 1:
        number = None
    return typed, number


class _RowComparison(Func):
    """``(a, b, c) > (x, y, z)``: one index range when the columns lead an index."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, columns, values, operator: str):
        self.width = len(columns)
        self.operator = operator
        super().__init__(*columns, *values)

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, sql_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(sql_params)
        left, right = parts[: self.width], parts[self.width :]
        return f"({', '.join(left)}) {self.operator} ({', '.join(right)})", params


def _beyond(keys: list[_Key], values: list, forward: bool):
    """The rows after (``forward``) or before the key ``values`` in the list's order."""
    directions = {key.descending for key in keys}
    if len(directions) == 1:
        descending = directions.pop()
        operator = ">" if forward != descending else "<"
        columns = [F(key.path) for key in keys]
        typed = [Value(v, output_field=_target(k)) for k, v in zip(keys, values, strict=True)]
        return _RowComparison(columns, typed, operator)
    # Mixed directions: (a > x) or (a = x and b < y) or …, bounded on a for the index.
    steps = []
    for index, key in enumerate(keys):
        step = Q(**{keys[i].path: values[i] for i in range(index)})
        later = forward != key.descending
        steps.append(step & Q(**{f"{key.path}__{'gt' if later else 'lt'}": values[index]}))
    first = keys[0]
    bound = Q(**{f"{first.path}__{'gte' if forward != first.descending else 'lte'}": values[0]})
    return bound & reduce(lambda a, b: a | b, steps)


def _target(key: _Key):
    return key.field.target_field if key.field.is_relation else key.field


def _reversed(keys: list[_Key]) -> list[str]:
    return [f"{'' if key.descending else '-'}{key.path}" for key in keys]


def _ordered(keys: list[_Key]) -> list[str]:
    return [f"{'-' if key.descending else ''}{key.path}" for key in keys]


# --- the count ---------------------------------------------------------------------------------


def count_of(queryset: QuerySet, exact_up_to: int = EXACT_UP_TO) -> Total:
    """Exact up to ``exact_up_to`` (a count that stops there); beyond it the planner's
    estimate of the whole list."""
    ids = queryset.order_by().values("pk")
    counted = ids[: exact_up_to + 1].count()
    if counted <= exact_up_to:
        return Total(counted)
    plan = json.loads(ids.explain(format="json"))
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    return Total(max(estimate, counted), exact=False)


# --- the page ----------------------------------------------------------------------------------


def _page_number(raw) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def paginate(
    queryset: QuerySet,
    params,
    *,
    size: int,
    count: int | None = None,
    max_offset: int = MAX_OFFSET,
) -> Page:
    """The page ``params`` (a QueryDict: page, after or before) asks for. ``count``: the
    number of records when it is known already (a figure kept for the day)."""
    total = Total(count) if count is not None else count_of(queryset)
    keys = _keys(queryset)
    after, before = params.get("after"), params.get("before")
    if keys is None or not (after or before):
        return _numbered(queryset, params.get("page"), size, total, keys, max_offset)
    ordered = queryset.order_by(*_ordered(keys))
    values, number = _decode(after or before, keys)
    if after:
        rows = _rows(ordered.filter(_beyond(keys, values, forward=True)), 0, size + 1)
        more, rows = len(rows) > size, rows[:size]
        return _page(rows, size, total, keys, number, has_next=more, has_previous=True)
    backwards = queryset.order_by(*_reversed(keys))
    rows = _rows(backwards.filter(_beyond(keys, values, forward=False)), 0, size + 1)
    more, rows = len(rows) > size, rows[:size][::-1]
    if not more:
        number = 1  # nothing before it: the first page, whatever the link said
    return _page(rows, size, total, keys, number, has_next=True, has_previous=more)


def _numbered(queryset, raw, size, total, keys, max_offset) -> Page:
    number = _page_number(raw)
    last = max(1, math.ceil(total.count / size)) if total.exact else None
    if last is not None:
        number = min(number, last)
    deepest = max_offset // size + 1
    if number > deepest:
        raise BadPage(
            f"Страница {number} слишком далеко от начала: по номеру открываются страницы "
            f"с 1-й по {deepest}-ю. Дальше листайте кнопкой «Следующая» или уточните поиск."
        )
    offset = (number - 1) * size
    ordered = queryset.order_by(*_ordered(keys)) if keys else queryset
    rows = _rows(ordered, offset, size + 1)
    more, rows = len(rows) > size, rows[:size]
    if keys is None:  # no key: numbered links only
        page = Page(rows, size, total, number)
        page.next_query = f"page={number + 1}" if more and number < deepest else ""
        page.previous_query = f"page={number - 1}" if number > 1 else ""
        return page
    return _page(rows, size, total, keys, number, has_next=more, has_previous=number > 1)


def _rows(ordered: QuerySet, offset: int, limit: int) -> list:
    """The rows ``offset`` to ``offset + limit`` of ``ordered``: their keys first, read from
    the filtered rows alone (the rows skipped, as keys only: an index, without the table),
    then only the page's own rows in full, with the tables they are shown with — never the
    joins of every row of the list before its top is cut."""
    ids = ordered.values("pk")[offset : offset + limit]
    return list(ordered.filter(pk__in=ids))


def _page(rows, size, total, keys, number, *, has_next, has_previous) -> Page:
    page = Page(rows, size, total, number)
    if rows and has_next:
        last = [_value_of(rows[-1], key) for key in keys]
        page.next_query = "after=" + _encode(last, number + 1 if number else None)
    if rows and has_previous:
        first = [_value_of(rows[0], key) for key in keys]
        page.previous_query = "before=" + _encode(first, number - 1 if number else None)
    return page
