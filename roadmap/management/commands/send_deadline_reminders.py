from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from roadmap.reminders import send_digests


class Command(BaseCommand):
    help = (
        "Рассылает ежедневные письма-напоминания о сроках (ближайшие и просроченные). "
        "Повторный запуск в тот же день ничего не отправляет."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Дата рассылки ДД.ММ.ГГГГ (по умолчанию сегодня)")

    def handle(self, *args, date=None, **options):
        today = _parse(date) if date else timezone.localdate()
        result = send_digests(today)
        self.stdout.write(
            f"{today:%d.%m.%Y}: отправлено писем {result.sent}, уже отправлено ранее "
            f"{result.already_sent}, без напоминаний {result.nothing_to_send}."
        )


def _parse(text: str) -> date:
    try:
        day, month, year = (int(part) for part in text.split("."))
        return date(year, month, day)
    except ValueError as exc:
        raise CommandError(f"Дата «{text}» не распознана; нужен формат ДД.ММ.ГГГГ.") from exc
