import sys

from django.core.management.base import BaseCommand, CommandError

from roadmap.exports import EXPORTERS
from roadmap.models import Roadmap


class Command(BaseCommand):
    help = (
        "Выгружает приказ с дорожной картой: pdf, docx, xlsx или json (UTF-8) — в файл (-o) "
        "или в стандартный вывод."
    )

    def add_arguments(self, parser):
        parser.add_argument("roadmap_id", type=int, help="Идентификатор дорожной карты")
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="json")
        parser.add_argument(
            "-o", "--output", help="Файл для записи (по умолчанию — стандартный вывод)"
        )

    def handle(self, *args, roadmap_id, format, output=None, **options):
        roadmap = Roadmap.objects.filter(pk=roadmap_id).first()
        if roadmap is None:
            raise CommandError(f"Дорожная карта с идентификатором {roadmap_id} не найдена.")
        content = EXPORTERS[format].render(roadmap)
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
        elif self.stdout._out is sys.stdout and hasattr(sys.stdout, "buffer"):
            # Bytes, so that the JSON is UTF-8 whatever the terminal's locale.
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            self.stdout.write(content.decode("utf-8"), ending="")
