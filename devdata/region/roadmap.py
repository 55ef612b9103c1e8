"""The roadmaps of the region: the seed roadmap (the customer's order) loaded for every
municipality with its town's names, every school taking part, and the story of each execution
— taken into work, reported by the school's curator, maybe returned once and reported again,
reviewed by the department's staff — with the reports and history rows the services record.

The story is the school year of the seed roadmap (2020/21): the order is signed on its date,
reports are dated within the year, some late, as a department's diligence has it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
from pathlib import Path
from typing import NamedTuple

from django.db import connection

from devdata.region.bulk import Copy, Update
from devdata.region.context import MunicipalityPlan, Script
from devdata.region.tenant import department
from monitoring.indicators import UNDATED_KINDS
from roadmap.models import Execution, Participation, Report
from roadmap.seed import load_seed
from roadmap.services import sync_executions

REPORT_TEXTS = (
    "Мероприятие выполнено. Издан приказ ОО № {n}-од от {day}, информация размещена "
    "на официальном сайте ОО.",
    "Проведено совещание с педагогическим коллективом (протокол № {k} от {day}). "
    "Ответственные назначены, план работы утверждён.",
    "Сведения подготовлены и направлены в департамент образования письмом от {day} № {n}.",
    "Проведена разъяснительная работа с педагогами, обучающимися и родителями; материалы "
    "размещены в разделе «Наставничество» на сайте ОО.",
    "Сформирована база наставников и наставляемых, сведения внесены в реестр.",
    "Мероприятие проведено {day}: участвовали {k} педагогов и {n} обучающихся. Фотоотчёт "
    "размещён на сайте ОО.",
)
DEPARTMENT_TEXTS = (
    "Издан приказ департамента образования от {day} № {n}.",
    "Проведено совещание с руководителями ОО (протокол № {k} от {day}).",
    "Информация направлена в Министерство образования и науки Чеченской Республики письмом "
    "от {day} № {n}.",
    "Сводная информация по ОО подготовлена и размещена на сайте департамента.",
)
RETURN_COMMENTS = (
    "Не приложен приказ ОО, подтверждающий выполнение.",
    "Укажите количество участников и дату проведения.",
    "Нет ссылки на публикацию на официальном сайте ОО.",
    "Приложите протокол заседания педагогического совета.",
    "Отчёт не соответствует мероприятию: опишите, что именно сделано.",
)

IN_PROGRESS, SUBMITTED = Execution.Status.IN_PROGRESS, Execution.Status.SUBMITTED
ACCEPTED, RETURNED = Execution.Status.ACCEPTED, Execution.Status.RETURNED
STATUS_REASONS = {  # the change reasons roadmap.services records
    IN_PROGRESS: "Взято в работу",
    SUBMITTED: "Отчёт отправлен на проверку",
    ACCEPTED: "Отчёт принят",
    RETURNED: "Отчёт возвращён на доработку",
}


class _Step(NamedTuple):
    """One change of an execution, as a history row records it."""

    status: str
    completed_on: dt.date | None
    comment: str
    at: dt.datetime
    user: object
    reason: str = ""


class Roadmaps(Script):
    def seed_for(self, muni: MunicipalityPlan) -> dict:
        """The seed roadmap as the municipality's: its town for Argun, its department."""
        town = muni.town
        text = json.dumps(self.region.seed_data, ensure_ascii=False)
        for old, new in (
            ("городского округа город Аргун", f"городского округа {town}"),
            ("городском округе город Аргун", f"городском округе {town}"),
            ("городской округ город Аргун", f"городской округ {town}"),
            ("городского округа г. Аргун", f"городского округа {town}"),
            ("г. Аргун", f"г. о. {town}"),
            ("Аргун", town),
        ):
            text = text.replace(old, new)
        data = json.loads(text)
        data["municipality"] = {"name": muni.name, "short_name": muni.short_name}
        office = department(muni)
        data["department"] = {
            "full_name": office.full_name,
            "short_name": office.short_name,
            "header_lines": office.header_lines.splitlines(),
            "header_lines_local": office.header_lines_local.splitlines(),
            "city": office.city,
            "head_position": office.head_position,
            "head_name": office.head_name,
        }
        data["order"]["signatory_name"] = office.head_name
        return data

    def roadmaps(self) -> None:
        approved = dt.datetime.combine(self.region.order_day, dt.time(9), tzinfo=self.region.tz)
        created = approved + dt.timedelta(minutes=10)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "seed.json"
            for muni in self.munis:
                path.write_text(json.dumps(self.seed_for(muni), ensure_ascii=False), "utf-8")
                roadmap = load_seed(path).roadmap
                muni.roadmap = roadmap
                Participation.objects.bulk_create(
                    Participation(roadmap=roadmap, school_id=school.pk) for school in muni.schools
                )
                sync_executions(roadmap, muni.staff)
        ids = [m.roadmap.pk for m in self.munis]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE roadmap_participation SET joined_on = %s WHERE roadmap_id = ANY(%s)",
                [self.region.order_day, ids],
            )
            # Entered when the order was signed, by the department's staff; approved by the head.
            # One statement per table for all the municipalities: a statement per municipality
            # would read the growing history tables once for each of them.
            params = {
                "roadmaps": ids,
                "staff": [m.staff.pk for m in self.munis],
                "heads": [m.head_user.pk for m in self.munis],
                "at": approved,
                "created": created,
            }
            cursor.execute(
                """
                CREATE TEMP TABLE region_offices ON COMMIT DROP AS
                SELECT * FROM unnest(%(roadmaps)s::bigint[], %(staff)s::integer[],
                    %(heads)s::integer[]) AS v(roadmap, staff, head);
                UPDATE roadmap_roadmap r SET approved_by_id = v.head, created_at = %(at)s,
                    updated_at = %(at)s FROM region_offices v WHERE r.id = v.roadmap;
                UPDATE roadmap_historicalroadmap h SET approved_by_id = v.head,
                    created_at = %(at)s, history_date = %(at)s, history_user_id = v.staff
                FROM region_offices v WHERE h.id = v.roadmap;
                UPDATE roadmap_historicalsection h SET history_date = %(at)s,
                    history_user_id = v.staff
                FROM region_offices v WHERE h.roadmap_id = v.roadmap;
                UPDATE roadmap_historicalmeasure h SET history_date = %(at)s,
                    history_user_id = v.staff
                FROM roadmap_section s JOIN region_offices v ON v.roadmap = s.roadmap_id
                WHERE h.section_id = s.id;
                UPDATE roadmap_historicalexecution h SET history_date = %(created)s,
                    history_user_id = v.staff
                FROM roadmap_measure m JOIN roadmap_section s ON s.id = m.section_id
                JOIN region_offices v ON v.roadmap = s.roadmap_id
                WHERE h.measure_id = m.id;
                DROP TABLE region_offices;
                """,
                params,
            )
            self.execution_stories(cursor, created)

    def execution_stories(self, cursor, created: dt.datetime) -> None:
        """Statuses, reports and history rows of every execution, as the services make them."""
        updates = Update(
            Execution._meta.db_table,
            {
                "id": "bigint",
                "status": "varchar(20)",
                "completed_on": "date",
                "comment": "text",
                "version": "integer",
                "updated_at": "timestamptz",
            },
        )
        reports = Copy(Report, with_pk=False)
        history = Copy(Execution.history.model, with_pk=False)
        # Every execution at once (a query per municipality would plan against tables whose
        # statistics are not yet gathered), in each roadmap's order.
        cursor.execute(
            """
            SELECT s.roadmap_id, e.id, e.measure_id, e.school_id, m.deadline_kind, m.starts_on,
                   m.due_on
            FROM roadmap_execution e
            JOIN roadmap_measure m ON m.id = e.measure_id
            JOIN roadmap_section s ON s.id = m.section_id
            WHERE s.roadmap_id = ANY(%s)
            ORDER BY s.roadmap_id, m.number_key, m.id, e.school_id NULLS FIRST
            """,
            [[m.roadmap.pk for m in self.munis]],
        )
        by_roadmap: dict[int, list[tuple]] = {}
        for roadmap_id, *row in cursor.fetchall():
            by_roadmap.setdefault(roadmap_id, []).append(tuple(row))
        for muni in self.munis:
            rng = self.rng("roadmap", muni.number)
            curators = {s.pk: s.curator for s in muni.schools}
            diligence = {
                s.pk: min(0.98, muni.diligence + rng.uniform(-0.1, 0.1)) for s in muni.schools
            }
            for pk, measure_id, school_id, kind, starts_on, due_on in by_roadmap.get(
                muni.roadmap.pk, []
            ):
                ctx = {
                    "pk": pk,
                    "measure_id": measure_id,
                    "school_id": school_id,
                    "kind": kind,
                    "starts_on": starts_on,
                    "due_on": due_on,
                    "created": created,
                    "municipality_id": muni.roadmap.municipality_id,
                }
                if school_id is None:
                    steps = self.department_story(rng, ctx, muni, reports)
                else:
                    steps = self.school_story(
                        rng, ctx, muni, curators[school_id], diligence[school_id], reports
                    )
                for version, step in enumerate(steps, start=2):
                    history.add(
                        id=pk,
                        status=step.status,
                        completed_on=step.completed_on,
                        comment=step.comment,
                        version=version,
                        history_date=step.at,
                        history_change_reason=step.reason or STATUS_REASONS[step.status],
                        history_type="~",
                        history_user_id=step.user.pk,
                        measure_id=measure_id,
                        school_id=school_id,
                    )
                if steps:
                    last = steps[-1]
                    updates.add(
                        pk, last.status, last.completed_on, last.comment, len(steps) + 1, last.at
                    )
        updates.flush(cursor)
        reports.flush(cursor)
        history.flush(cursor)

    def completion_day(self, rng: random.Random, ctx: dict, late: bool) -> dt.date:
        due, start = ctx["due_on"], ctx["starts_on"]
        period_end = dt.date.fromisoformat(self.region.seed_data["roadmap"]["period_end"])
        if ctx["kind"] in UNDATED_KINDS or due is None:
            first = dt.date(self.year, 11, 1)
            return first + dt.timedelta(days=rng.randrange((period_end - first).days - 10))
        if late:
            return min(due + dt.timedelta(days=rng.randint(3, 45)), period_end + dt.timedelta(30))
        first = max(start or due, due - dt.timedelta(days=20))
        return first + dt.timedelta(days=rng.randint(0, (due - first).days))

    def submitted_at(self, rng: random.Random, day: dt.date, after: dt.datetime) -> dt.datetime:
        moment = self.at(day + dt.timedelta(days=rng.randint(0, 4)), rng)
        if moment <= after:
            moment = self.at(after.date() + dt.timedelta(days=1 + rng.randint(0, 3)), rng)
        return moment

    def report_text(self, rng: random.Random, texts: tuple[str, ...], day: dt.date) -> str:
        return rng.choice(texts).format(
            n=rng.randint(12, 240), k=rng.randint(2, 14), day=f"{day:%d.%m.%Y}"
        )

    def department_story(self, rng, ctx, muni, reports) -> list[_Step]:
        """The department's own report is accepted at once (services.submit_report)."""
        staff = muni.staff
        if rng.random() < min(0.98, muni.diligence + 0.05):
            day = self.completion_day(rng, ctx, late=rng.random() < 0.15)
            at = self.submitted_at(rng, day, ctx["created"])
            reports.add(
                execution_id=ctx["pk"],
                municipality_id=ctx["municipality_id"],
                text=self.report_text(rng, DEPARTMENT_TEXTS, day),
                completed_on=day,
                submitted_by_id=staff.pk,
                submitted_at=at,
                decision=Report.Decision.ACCEPTED,
                reviewed_by_id=staff.pk,
                reviewed_at=at,
            )
            return [_Step(ACCEPTED, day, "", at, staff, "Отмечено выполненным")]
        if rng.random() < 0.5:
            at = self.at(self.region.order_day + dt.timedelta(days=rng.randint(1, 60)), rng)
            return [_Step(IN_PROGRESS, None, "", at, staff)]
        return []

    def school_story(self, rng, ctx, muni, curator, diligence, reports) -> list[_Step]:
        """A school's execution: maybe taken into work, reported by its curator, maybe
        returned once and reported again, reviewed by the department's staff."""
        staff = muni.staff
        roll, rest = rng.random(), 1 - diligence
        if roll < diligence:
            outcome = ACCEPTED
        elif roll < diligence + rest * 0.35:
            outcome = SUBMITTED
        elif roll < diligence + rest * 0.5:
            outcome = RETURNED
        elif roll < diligence + rest * 0.75:
            outcome = IN_PROGRESS
        else:
            return []
        steps: list[_Step] = []
        day = self.completion_day(rng, ctx, late=rng.random() < 0.2)
        if outcome == IN_PROGRESS or rng.random() < 0.4:
            start = max(self.region.order_day + dt.timedelta(days=1), day - dt.timedelta(days=15))
            steps.append(_Step(IN_PROGRESS, None, "", self.at(start, rng), curator))
            if outcome == IN_PROGRESS:
                return steps
        submitted = self.submitted_at(rng, day, steps[-1].at if steps else ctx["created"])
        text = self.report_text(rng, REPORT_TEXTS, day)
        report = {
            "execution_id": ctx["pk"],
            "municipality_id": ctx["municipality_id"],
            "completed_on": day,
            "submitted_by_id": curator.pk,
        }
        comment = ""  # the execution keeps the last reviewer's comment until the next review
        if outcome == RETURNED or rng.random() < 0.15:
            comment = rng.choice(RETURN_COMMENTS)
            reviewed = self.at(submitted.date() + dt.timedelta(days=rng.randint(1, 5)), rng)
            reports.add(
                **report,
                text=text,
                submitted_at=submitted,
                decision=Report.Decision.RETURNED,
                reviewed_by_id=staff.pk,
                reviewed_at=reviewed,
                review_comment=comment,
            )
            steps.append(_Step(SUBMITTED, None, "", submitted, curator))
            steps.append(_Step(RETURNED, None, comment, reviewed, staff))
            if outcome == RETURNED:
                return steps
            submitted = self.at(reviewed.date() + dt.timedelta(days=rng.randint(2, 12)), rng)
            text += " Замечания устранены, документы приложены."
        steps.append(_Step(SUBMITTED, None, comment, submitted, curator))
        if outcome == SUBMITTED:
            reports.add(
                **report, text=text, submitted_at=submitted, decision=Report.Decision.PENDING
            )
            return steps
        reviewed = self.at(submitted.date() + dt.timedelta(days=rng.randint(1, 6)), rng)
        reports.add(
            **report,
            text=text,
            submitted_at=submitted,
            decision=Report.Decision.ACCEPTED,
            reviewed_by_id=staff.pk,
            reviewed_at=reviewed,
        )
        steps.append(_Step(ACCEPTED, day, "", reviewed, staff))
        return steps
