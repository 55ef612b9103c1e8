"""``manage.py destroy_withdrawn_personal_data``: the daily run (deploy/cmn-retention.timer) of
the registry's retention rule. Who is due and what destruction replaces is the registry's
(registry/retention.py, 152-ФЗ); this command only schedules it and reports."""

from django.core.management.base import BaseCommand

from registry.retention import RETENTION_DAYS, destroy_due, planned


class Command(BaseCommand):
    help = (
        f"Уничтожает персональные данные наставляемых, согласие на обработку которых отозвано "
        f"более {RETENTION_DAYS} дней назад (152-ФЗ, ст. 21); каждое уничтожение записывается "
        "в журнал. Запускать ежедневно. С --dry-run только показывает, что будет уничтожено."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Пробный запуск: показать, чьи данные будут уничтожены, ничего не изменяя.",
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            lines = planned()
            self.stdout.write(
                "Пробный запуск (--dry-run): ничего не изменено. Будут уничтожены "
                f"персональные данные наставляемых: {len(lines)}."
            )
            for line in lines:
                self.stdout.write(f"  — {line}")
            return
        count = destroy_due()
        self.stdout.write(f"Уничтожены персональные данные наставляемых: {count}.")
