from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core import dates
from roadmap.reminders import send_digests


class Command(BaseCommand):
    help = (
        "Рассылает ежедневные письма-напоминания о сроках (ближайшие и просроченные). "
        "Повторный запуск в тот же день ничего не отправляет."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Дата рассылки ДД.ММ.ГГГГ (по умолчанию сегодня)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Пробный запуск: показать, кому и о скольких сроках ушли бы письма, "
            "ничего не отправляя и не записывая.",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        today = _parse(date) if date else timezone.localdate()
        result = send_digests(today, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"Пробный запуск (--dry-run): письма не отправлены, ничего не записано. "
                f"{today:%d.%m.%Y}: было бы отправлено писем {len(result.planned)}, уже "
                f"отправлено ранее {result.already_sent}, без напоминаний "
                f"{result.nothing_to_send}."
            )
            for user, _count, subject in result.planned:
                self.stdout.write(f"  — {user.get_username()} <{user.email}>: «{subject}»")
            return
        self.stdout.write(
            f"{today:%d.%m.%Y}: отправлено писем {result.sent}, уже отправлено ранее "
            f"{result.already_sent}, без напоминаний {result.nothing_to_send}."
        )


def _parse(text: str) -> date:
    try:
        return dates.parse(text, label="--date (ДД.ММ.ГГГГ)")
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
