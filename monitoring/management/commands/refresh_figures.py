"""``manage.py refresh_figures``: keep the monitoring's counts for today (run daily, after
midnight: ages move with the day) and for the days asked, so that the dashboards read them
instead of recounting the registry (monitoring/figures.py); and every municipality's counts for
any day, as steps, where they are not kept yet (``--recount-steps``: recount them all). Between
runs the database's triggers keep every kept day and every step current."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import Municipality
from monitoring import figures
from monitoring.models import StepsKept

STEPS_AT_ONCE = 5  # municipalities counted in one statement (a few seconds at region size)


def _day(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError as error:
        raise CommandError(
            f"Дата «{value}»: укажите её как ДД.ММ.ГГГГ, например 31.01.2021."
        ) from error


class Command(BaseCommand):
    help = (
        "Пересчитывает и хранит показатели мониторинга (наставники, наставляемые, пары по ОО и "
        "формам) на сегодня и на указанные даты; дни раньше --keep-days назад забываются. "
        "Показатели на любой день (ступенями) сохраняет у муниципалитетов, где их ещё нет. "
        "Запускать ежедневно после полуночи."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", action="append", default=[], help="ещё дата ДД.ММ.ГГГГ (можно несколько)"
        )
        parser.add_argument(
            "--recount-steps",
            action="store_true",
            help="пересчитать показатели на любой день у всех муниципалитетов заново",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=7,
            help="сколько прошлых дней, начиная от сегодня, хранить (7); 0 — не забывать",
        )

    def handle(self, *args, on, keep_days, recount_steps, **options):
        today = timezone.localdate()
        days = sorted({today, *(_day(value) for value in on)})
        forgotten = 0
        if keep_days > 0:
            kept = set(days)
            before = today - dt.timedelta(days=keep_days)
            old = figures.kept_days(before=before)
            forgotten = figures.forget(days=[d for d in old if d not in kept])
        municipalities = list(Municipality.objects.values_list("pk", flat=True))
        for day in days:
            figures.keep(municipalities, day)
            self.stdout.write(
                f"Показатели на {day:%d.%m.%Y} сохранены: муниципалитетов {len(municipalities)}."
            )
        have_steps = set(StepsKept.objects.values_list("municipality_id", flat=True))
        stepped = [pk for pk in municipalities if recount_steps or pk not in have_steps]
        for start in range(0, len(stepped), STEPS_AT_ONCE):  # a transaction for a few
            figures.keep_steps(stepped[start : start + STEPS_AT_ONCE])
        if stepped:
            self.stdout.write(
                f"Показатели на любой день сохранены: муниципалитетов {len(stepped)}."
            )
        if forgotten:
            self.stdout.write(f"Забыто дней муниципалитетов: {forgotten}.")
