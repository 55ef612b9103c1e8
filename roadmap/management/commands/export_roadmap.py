import sys

from django.core.management.base import BaseCommand, CommandError

from roadmap.documents.amendment import NothingToPrint, build_amendment_order
from roadmap.documents.wording import CHOICE_HELP, WordingError, resolve
from roadmap.exports import EXPORTERS
from roadmap.models import Roadmap

AMENDMENT_FORMATS = ("pdf", "docx")


class Command(BaseCommand):
    help = (
        "Выгружает приказ с дорожной картой: pdf, docx, xlsx или json (UTF-8) — в файл (-o) "
        "или в стандартный вывод; в первоначальной или действующей редакции, в редакции "
        "изменения (--wording), или приказ о внесении изменений (--amendment N, pdf или docx)."
    )

    def add_arguments(self, parser):
        parser.add_argument("roadmap_id", type=int, help="Идентификатор дорожной карты")
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="json")
        parser.add_argument(
            "--wording",
            default=None,
            metavar="original|current|amendment:N",
            help=f"{CHOICE_HELP} По умолчанию — действующая.",
        )
        parser.add_argument(
            "--amendment",
            type=int,
            default=None,
            metavar="N",
            help="Приказ о внесении изменений № N в эту дорожную карту (--format pdf или docx).",
        )
        parser.add_argument(
            "-o", "--output", help="Файл для записи (по умолчанию — стандартный вывод)"
        )

    def handle(self, *args, roadmap_id, format, output=None, wording=None, amendment=None, **_):
        roadmap = Roadmap.objects.filter(pk=roadmap_id).first()
        if roadmap is None:
            raise CommandError(f"Дорожная карта с идентификатором {roadmap_id} не найдена.")
        if amendment is not None:
            if wording is not None:
                raise CommandError(
                    "Укажите либо --wording (приказ с дорожной картой в редакции), либо "
                    "--amendment (приказ о внесении изменений), но не оба."
                )
            content = self._amendment_order(roadmap, amendment, format)
        else:
            try:
                edition = resolve(roadmap, wording)
            except WordingError as error:
                raise CommandError(f"--wording: {error}") from error
            content = EXPORTERS[format].render(roadmap, edition)
        self._write(content, output)

    def _amendment_order(self, roadmap: Roadmap, number: int, format: str) -> bytes:
        # The document libraries load on first use, as for the other formats (roadmap.exports).
        from roadmap.documents.amendment_docx import amendment_docx
        from roadmap.documents.pdf import amendment_order_html, html_to_pdf

        if format not in AMENDMENT_FORMATS:
            raise CommandError(
                "Приказ о внесении изменений выгружается в pdf или docx: укажите "
                "--format pdf или --format docx."
            )
        amendment = roadmap.amendments.filter(number=number).first()
        if amendment is None:
            raise CommandError(f"В дорожной карте нет изменения № {number}.")
        try:
            doc = build_amendment_order(amendment)
        except NothingToPrint as error:
            raise CommandError(str(error)) from error
        if format == "pdf":
            return html_to_pdf(amendment_order_html(doc))
        return amendment_docx(doc)

    def _write(self, content: bytes, output: str | None) -> None:
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
