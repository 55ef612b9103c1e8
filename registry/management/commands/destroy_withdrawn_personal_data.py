from django.core.management.base import BaseCommand

from registry.retention import RETENTION_DAYS, destroy_due


class Command(BaseCommand):
    help = (
        f"Уничтожает персональные данные наставляемых, согласие на обработку которых отозвано "
        f"более {RETENTION_DAYS} дней назад (152-ФЗ, ст. 21); каждое уничтожение записывается "
        "в журнал. Запускать ежедневно."
    )

    def handle(self, *args, **options):
        count = destroy_due()
        self.stdout.write(f"Уничтожены персональные данные наставляемых: {count}.")
