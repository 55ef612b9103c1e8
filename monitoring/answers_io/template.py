"""The template to fill in: the instruction, one sheet per questionnaire with drop-downs and
hints, prefilled with the report's answers."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.xlsx.writer import (
    BORDER,
    INSTRUCTION_SHEET,
    LISTS_SHEET,
    TEXT_FORMAT,
    WRAP_TOP,
    list_formula,
    set_cell,
    style_header,
    template_comment,
)
from monitoring.answers_io.sheets import (
    FORM_HEADER,
    MAX_ROWS,
    MOMENT_HEADER,
    MOMENT_LABELS,
    RESPONDENTS_HEADER,
    RESPONDENTS_MAX,
    STAGE_LABELS,
    QuestionnaireSheet,
    fixed_columns,
    forms_of,
    sheets_of,
)
from monitoring.models import AnswerSet, Moment, SchoolReport


def _decimal_text(value: Decimal) -> str:
    """7.50 -> «7,5», 8.00 -> «8»: as a person types it in a Russian Excel."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _moment_order(moment: str) -> int:
    return {Moment.ONCE: 0, Moment.START: 1, Moment.END: 2}.get(moment, 3)


def _validation(sheet, letter: str, **options) -> None:
    validation = DataValidation(
        allow_blank=True, showErrorMessage=True, showInputMessage=True, **options
    )
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(validation)


def _write_sheet(
    book, sheet_info: QuestionnaireSheet, forms, answer_sets, lists_state: dict
) -> None:
    questionnaire = sheet_info.questionnaire
    scale_max = questionnaire.scale_max
    form_column, moment_column, respondents_column = fixed_columns(forms)
    fixed = [form_column, moment_column] if sheet_info.has_moments else [form_column]
    fixed.append(respondents_column)
    sheet = book.create_sheet(sheet_info.title)
    hints = {
        FORM_HEADER: "Выберите форму наставничества из списка. Одна строка — одна форма."
        if not sheet_info.has_moments
        else "Выберите форму наставничества из списка. Для каждой формы — две строки: "
        "замер в начале и замер в конце программы.",
        MOMENT_HEADER: "Когда проводилось анкетирование: «в начале» или «в конце» программы.",
        RESPONDENTS_HEADER: "Сколько человек этой группы заполнили анкету: целое число, "
        "не меньше 1.",
    }
    headers = [c.header for c in fixed] + list(sheet_info.headers)
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        set_cell(cell, header)
        style_header(cell)
        cell.comment = template_comment(
            hints.get(
                header,
                f"Средний балл группы по этому вопросу: число от 1 до {scale_max}, "
                "например 7,5. Дробную часть отделяйте запятой или точкой.",
            ),
            width=280,
            height=120,
        )
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        if index <= len(fixed):
            column = fixed[index - 1]
            dimension.width = column.width
            if column.kind == "choice":
                dimension.number_format = TEXT_FORMAT
                _validation(
                    sheet,
                    letter,
                    type="list",
                    formula1=list_formula(book, column.choices, lists_state),
                    errorStyle="stop",
                    errorTitle="Нет такого значения",
                    error="Выберите значение из выпадающего списка.",
                )
            else:
                dimension.number_format = "0"
                _validation(
                    sheet,
                    letter,
                    type="whole",
                    operator="between",
                    formula1="1",
                    formula2=str(RESPONDENTS_MAX),
                    errorStyle="stop",
                    errorTitle="Число ответивших",
                    error="Введите целое число не меньше 1.",
                )
        else:
            # Text, so that Excel never turns «7.5» into the 7th of May; «7,5» and «7.5» are
            # both read as numbers on import.
            dimension.width = 18
            dimension.number_format = TEXT_FORMAT
    sheet.row_dimensions[1].height = 90
    sheet.freeze_panes = sheet.cell(row=2, column=len(fixed) + 1).coordinate

    mine = sorted(
        (a for a in answer_sets if a.questionnaire_id == questionnaire.pk),
        key=lambda a: (a.form.position, a.form.name, _moment_order(a.moment)),
    )
    for row, answer_set in enumerate(mine, start=2):
        averages = {a.question_id: a.average for a in answer_set.answers.all()}
        values: list[object] = [answer_set.form.name]
        if sheet_info.has_moments:
            values.append(MOMENT_LABELS.get(answer_set.moment, answer_set.moment))
        values.append(answer_set.respondents)
        for question in sheet_info.questions:
            average = averages.get(question.pk)
            values.append(None if average is None else _decimal_text(average))
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=index)
            set_cell(cell, value)
            cell.number_format = "0" if index == len(fixed) else TEXT_FORMAT
            cell.border = BORDER


def _write_instruction(sheet, sheets: list[QuestionnaireSheet]) -> None:
    lines = [
        "Каждый лист — одна анкета. Названия листов и первую строку с заголовками "
        "не меняйте: по ним анкеты и вопросы узнаются при загрузке.",
        "Одна строка — результаты одной группы опрошенных по одной форме наставничества. "
        "Для анкет I этапа — одна строка на форму. Для анкет II этапа — две строки на "
        "форму: «в начале» и «в конце» программы (столбец «Замер»).",
        "«Число ответивших» — сколько человек этой группы заполнили анкету: целое число, "
        "не меньше 1.",
        "В столбцах вопросов укажите средний балл группы по вопросу: сумму баллов всех "
        "ответивших, делённую на их число. Не ответы одного человека, а среднее по группе.",
        "Средний балл — число от 1 до наибольшего балла шкалы анкеты (см. таблицу ниже), "
        "например 7,5. Дробную часть можно отделять запятой или точкой; хранятся два знака "
        "после запятой, остальные округляются.",
        "В заполненной строке обязательны все ячейки: форма, замер (для II этапа), число "
        "ответивших и средний балл по каждому вопросу.",
        "Одна форма (и один замер) — не больше одной строки на листе.",
        "Формулы не принимаются: вводите сами значения.",
        "Строки, уже внесённые в отчёт, в шаблоне заполнены: их можно исправить. Загруженная "
        "строка заменяет прежние результаты той же анкеты, формы и замера.",
        "Пустой лист пропускается; анкеты, листов которых нет в файле, не меняются. "
        "Загрузка ничего не удаляет: строку, убранную из файла, удалите в отчёте.",
        "Файл загружается целиком или не загружается совсем: если найдутся ошибки, вы увидите "
        "их список с названием листа, номером строки и столбцом; исправьте их и загрузите "
        "файл снова.",
        "Сохраните файл в формате «Книга Excel (*.xlsx)».",
    ]
    title = sheet.cell(row=1, column=1)
    set_cell(title, "Как заполнить результаты анкетирования (Р-145)")
    title.font = Font(bold=True, size=14)
    for offset, line in enumerate(lines, start=1):
        set_cell(sheet.cell(row=offset + 2, column=1), f"{offset}.")
        cell = sheet.cell(row=offset + 2, column=2)
        set_cell(cell, line)
        cell.alignment = WRAP_TOP
    row = len(lines) + 4
    heads = ("Лист", "Анкета", "Этап", "Кто отвечает", "Шкала", "Вопросов", "Строк на форму")
    for index, text in enumerate(heads, start=2):
        style_header(sheet.cell(row=row, column=index))
        set_cell(sheet.cell(row=row, column=index), text)
    for info in sheets:
        row += 1
        questionnaire = info.questionnaire
        values = (
            info.title,
            questionnaire.title,
            STAGE_LABELS.get(questionnaire.stage, str(questionnaire.stage)),
            questionnaire.get_respondent_display(),
            f"от 1 до {questionnaire.scale_max}",
            len(info.questions),
            "2 (в начале, в конце)" if info.has_moments else "1",
        )
        for index, value in enumerate(values, start=2):
            cell = sheet.cell(row=row, column=index)
            set_cell(cell, value)
            cell.alignment = WRAP_TOP
            cell.border = BORDER
    if not sheets:
        set_cell(sheet.cell(row=row + 1, column=2), "В муниципалитете нет действующих анкет.")
    for letter, width in zip("ABCDEFGH", (4, 80, 50, 6, 16, 12, 10, 16), strict=True):
        sheet.column_dimensions[letter].width = width


def answers_template(report: SchoolReport) -> bytes:
    """An XLSX with the instruction and one sheet per active questionnaire of the report's
    municipality, prefilled with the answers the report already holds."""
    report = SchoolReport.objects.select_related("period").get(pk=report.pk)
    sheets = sheets_of(report)
    forms = forms_of(report)
    answer_sets = list(
        AnswerSet.objects.filter(report=report).select_related("form").prefetch_related("answers")
    )
    book = Workbook()
    _write_instruction(book.active, sheets)
    book.active.title = INSTRUCTION_SHEET
    lists_state: dict = {}
    for info in sheets:
        _write_sheet(book, info, forms, answer_sets, lists_state)
    if "sheet" in lists_state:  # the hidden lists go last
        book.move_sheet(
            LISTS_SHEET, offset=len(book.sheetnames) - 1 - book.index(book[LISTS_SHEET])
        )
    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
