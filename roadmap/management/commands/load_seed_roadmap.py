from django.core.management.base import BaseCommand

from roadmap.seed import load_seed


class Command(BaseCommand):
    help = (
        "Загружает приказ № 172/1 от 28.10.2020 и дорожную карту "
        "(повторный запуск ничего не меняет)."
    )

    def handle(self, *args, **options):
        result = load_seed()
        roadmap = result.roadmap
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Загружена дорожная карта: {roadmap} (id {roadmap.pk}).")
            )
        else:
            self.stdout.write(f"Дорожная карта уже загружена: {roadmap} (id {roadmap.pk}).")
