"""The Р-145 questionnaires' aggregated answers through XLSX: a template, and a strict import.

One sheet per active questionnaire of the report's municipality (`sheets`); one row per form of
mentoring (and, for stage II, per moment: at the start and at the end), with the number of
respondents and the group's average score for every question. The template (`template`) is
prefilled with what the report already holds, so export → edit → import round-trips.

The import (`reading`) never trusts the file: it is checked and opened by
`core.xlsx.reader.read_book`, every cell is cleaned by its `clean_value`, and every problem is
reported at once with the sheet, row and column the user sees in Excel; formulas are refused.
Then all rows are saved through `services.save_answer_set` in one transaction, or none."""

from monitoring.answers_io.reading import (
    FORMULA_REFUSED,
    average_from_cell,
    import_answers,
)

# `_limits` and `_title_key` (below): read by this module's tests.
from monitoring.answers_io.reading import _limits as _limits
from monitoring.answers_io.sheets import (
    COLUMN_SHOWN,
    FORM_HEADER,
    MAX_BYTES,
    MAX_ROWS,
    MAX_SHEETS,
    MOMENT_HEADER,
    MOMENT_LABELS,
    RESPONDENTS_HEADER,
    RESPONDENTS_MAX,
    STAGE_LABELS,
    question_headers,
    sheet_titles,
)
from monitoring.answers_io.sheets import title_key as _title_key  # noqa: F401 (tests)
from monitoring.answers_io.template import (
    answers_template,
)

__all__ = [
    "COLUMN_SHOWN",
    "FORMULA_REFUSED",
    "FORM_HEADER",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MOMENT_HEADER",
    "MOMENT_LABELS",
    "RESPONDENTS_HEADER",
    "RESPONDENTS_MAX",
    "STAGE_LABELS",
    "answers_template",
    "average_from_cell",
    "import_answers",
    "question_headers",
    "sheet_titles",
]
