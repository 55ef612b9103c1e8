"""Hostile uploads: what each costs a worker.

Every hostile file of bench/hostile_files.py (the 750 KB workbook whose shared strings inflate
to 190 MB, millions of empty cells, millions of strings or styles, nested elements, entities,
a sheet read as the workbook, a document of millions of paragraphs…) and the biggest file the
limits still let through is given to the reader that would get it — the registry import, the
questionnaire answers import, the roadmap import (DOCX and XLSX) — in a child process forked
from a worker-like parent (Django set up, a database, the upload in memory). The child measures
its wall time and its peak resident memory above its size at the start (VmHWM reset through
/proc/self/clear_refs). Prints a table and the worst; the goal is ≤ 2 s and ≤ 100 MB.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import hostile_files as hf
from bench.common import fresh_database, setup_django

GOAL_SECONDS = 2.0
HEADERS = ["Фамилия", "Имя", "Отчество", "Дата рождения", "ОО", "Кто", "Класс"]
GOAL_MB = 100
MB = 1024 * 1024


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def load_note() -> str:
    one, five, _ = os.getloadavg()
    cores = os.cpu_count()
    return f"Загрузка машины (load average за 1 и 5 мин): {one:.1f}, {five:.1f}; ядер {cores}."


def populate() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core import roles
    from core.models import Municipality, Profile, School
    from monitoring import services as monitoring_services
    from monitoring.reference import ensure_questionnaires
    from registry.reference import ensure_mentoring_forms

    ensure_mentoring_forms()
    municipality = Municipality.objects.create(name="городской округ Тест")
    school = School.objects.create(
        municipality=municipality, full_name="Школа № 1", short_name="МБОУ «СОШ № 1»"
    )
    curator = get_user_model().objects.create_user("bench-curator", password="bench-pass-12")
    curator.groups.add(Group.objects.get_or_create(name=roles.CURATOR)[0])
    Profile.objects.create(user=curator, municipality=municipality, school=school)
    ensure_questionnaires(municipality)
    import datetime as dt

    period = monitoring_services.save_period(
        municipality=municipality,
        title="I полугодие 2020/21",
        starts_on=dt.date(2020, 9, 1),
        ends_on=dt.date(2021, 1, 31),
        report_due_on=dt.date(2021, 2, 10),
    )
    report = monitoring_services.report_of(period, school)
    return {"curator": curator.pk, "report": report.pk}


def reader(kind: str, ids: dict):
    """The function a view calls with the upload; returns its outcome as text."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from core.xlsx import reader as xlsx_reader
    from core.xlsx import spec as xlsx_spec
    from monitoring import answers_io
    from monitoring.models import SchoolReport
    from registry.entities.mentees import mentee_spec
    from roadmap.documents import importer

    if kind == "registry":
        spec = mentee_spec(get_user_model().objects.get(pk=ids["curator"]))

        def run(upload):
            try:
                result = xlsx_reader.read_sheet(upload, spec)
            except xlsx_spec.ImportFileError as exc:
                return f"отказ: {exc}"
            return f"прочитано: строк {len(result.rows)}, ошибок {len(result.errors)}"

    elif kind == "answers":
        report = SchoolReport.objects.select_related("period").get(pk=ids["report"])

        def run(upload):
            try:
                return f"загружено наборов: {answers_io.import_answers(report, upload)}"
            except ValidationError as exc:
                return f"отказ: {' '.join(exc.messages)}"

    else:

        def run(upload):
            try:
                imported = importer.read_roadmap_file(upload)
            except importer.ImportFileError as exc:
                return f"отказ: {exc}"
            return f"прочитано: разделов {len(imported.sections)}"

    return run


def measure(kind: str, name: str, content: bytes, ids: dict) -> dict:
    """Run one upload in a forked child; its time, memory growth and outcome."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connections

    connections.close_all()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a worker that got this upload
        os.close(read_end)
        result = {}
        try:
            run = reader(kind, ids)
            upload = SimpleUploadedFile(name, content)
            exact = _reset_peak()
            start_kb = _status_kb("VmRSS")
            started = time.perf_counter()
            outcome = run(upload)
            seconds = time.perf_counter() - started
            peak_kb = _status_kb("VmHWM")
            result = {
                "seconds": seconds,
                "mb": max(0, peak_kb - start_kb) / 1024,
                "outcome": outcome,
                "exact": exact,
            }
        except BaseException as exc:  # reported, never hidden
            result = {"seconds": 0, "mb": 0, "outcome": f"ОШИБКА {type(exc).__name__}: {exc}"}
        finally:
            os.write(write_end, json.dumps(result, ensure_ascii=False).encode())
            os.close(write_end)
            os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


def cases():
    """(reader, file name, what it is, how to make it)."""
    return [
        ("registry", "shared-strings-190mb.xlsx", "общие строки 190 МБ (файл ~750 КБ)",
         lambda: hf.huge_shared_string(190)),
        ("answers", "shared-strings-190mb.xlsx", "общие строки 190 МБ",
         lambda: hf.huge_shared_string(190)),
        ("roadmap", "shared-strings-190mb.xlsx", "общие строки 190 МБ",
         lambda: hf.huge_shared_string(190)),
        ("registry", "empty-cells.xlsx", "5 млн пустых ячеек", lambda: hf.many_empty_cells()),
        ("registry", "short-strings.xlsx", "3 млн коротких строк",
         lambda: hf.many_short_strings()),
        ("registry", "styles.xlsx", "300 тыс. стилей ячеек", lambda: hf.many_styles()),
        ("registry", "deep.xlsx", "вложенность 200 тыс. элементов", lambda: hf.deep_sheet()),
        ("registry", "entities.xlsx", "«billion laughs» в общих строках",
         lambda: hf.entity_expansion()),
        ("registry", "sheet-as-workbook.xlsx", "лист, объявленный книгой",
         lambda: hf.sheet_read_as_workbook()),
        ("registry", "strings-as-sheet.xlsx", "общие строки 27 МБ под именем листа",
         lambda: hf.strings_named_as_a_sheet()),
        ("answers", "one-sheet-100-times.xlsx", "один лист 100 раз",
         lambda: hf.one_sheet_many_times()),
        ("registry", "entries.xlsx", "5 000 частей архива", lambda: hf.too_many_entries()),
        ("registry", "lying-sizes.xlsx", "размер части занижен в заголовках",
         lambda: hf.lying_sizes(hf.many_empty_cells(2_000_000), "xl/worksheets/sheet1.xml")),
        ("roadmap", "document-200mb.docx", "текст документа 200 МБ",
         lambda: hf.huge_document_text(200)),
        ("roadmap", "paragraphs.docx", "3 млн пустых абзацев", lambda: hf.many_paragraphs()),
        ("roadmap", "deep.docx", "вложенность 200 тыс. абзацев", lambda: hf.deep_document()),
        ("roadmap", "entities.docx", "«billion laughs» в документе",
         lambda: hf.document_entities()),
        *at_the_limits(),
    ]  # fmt: skip


def at_the_limits():
    """The biggest files each reader still lets through: what its row limit can cost."""
    from core.xlsx import reader as xlsx_reader
    from registry.entities.mentees import mentee_spec
    from roadmap.documents import importer

    spec = mentee_spec(_any_curator())
    limits = xlsx_reader.sheet_limits(spec, 10_000)
    sheet, strings_part = (part[1] for part in limits.bulk_parts)
    cells = int(sheet.items * 0.99)  # as many cells as a sheet may hold
    strings = int(strings_part.items * 0.99)  # and as many shared strings
    docx = importer.DOCX_LIMITS.bulk_parts[0][1].elements
    text_mb = int(sheet.bytes * 0.95 / MB)
    return [
        ("registry", "limit-cells.xlsx", f"у предела: {cells:,} ячеек".replace(",", " "),
         lambda: hf.numbers_sheet(cells, HEADERS)),
        ("registry", "limit-strings.xlsx", f"у предела: {strings:,} строк".replace(",", " "),
         lambda: hf.many_short_strings(strings)),
        ("registry", "limit-both.xlsx", "у предела: и ячейки, и строки",
         lambda: hf.strings_and_cells(strings, cells, HEADERS)),
        ("registry", "limit-texts.xlsx", f"у предела: лист текста {text_mb} МБ",
         lambda: hf.long_texts(text_mb, HEADERS)),
        ("roadmap", "limit-table.docx", f"у предела: {int(docx * 0.95):,} элементов таблицы"
         .replace(",", " "), lambda: hf.dense_table(0, elements=int(docx * 0.95))),
    ]  # fmt: skip


def _any_curator():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="bench-curator")


def main() -> int:
    setup_django()
    drop = fresh_database()
    try:
        ids = populate()
        rows = []
        for kind, name, what, make in cases():
            content = make()
            result = measure(kind, name, content, ids)
            rows.append((kind, name, what, len(content), result))
            print(
                f"{kind:9} {what[:44]:44} {len(content) / 1024:9.0f} КБ "
                f"{result['seconds']:6.2f} с {result['mb']:7.1f} МБ  {result['outcome'][:90]}",
                flush=True,
            )
        refused = [r for r in rows if not r[1].startswith("limit-")]
        limit = [r for r in rows if r[1].startswith("limit-")]
        for title, group in (
            ("Враждебные файлы (все отклонены до разбора)", refused),
            ("Самые большие файлы, которые пропускают пределы (как полная загрузка)", limit),
        ):
            slowest = max(group, key=lambda r: r[4]["seconds"])
            largest = max(group, key=lambda r: r[4]["mb"])
            print(
                f"\n{title}: худшее время {slowest[4]['seconds']:.2f} с ({slowest[2]}, "
                f"{slowest[0]}), худшая память {largest[4]['mb']:.1f} МБ сверх размера "
                f"процесса в покое ({largest[2]}, {largest[0]})."
            )
        print(f"Цель: не более {GOAL_SECONDS:.0f} с и {GOAL_MB} МБ. {load_note()}")
        failed = [r for r in rows if r[4]["outcome"].startswith("ОШИБКА")]
        over = [r for r in refused if r[4]["seconds"] > GOAL_SECONDS or r[4]["mb"] > GOAL_MB]
        if failed:
            print(f"Необработанные ошибки: {len(failed)}")
        if over:
            print(f"Враждебных файлов сверх цели: {len(over)}")
        return 1 if failed or over else 0
    finally:
        drop()


if __name__ == "__main__":
    sys.exit(main())
