"""``manage.py generate_region``: a synthetic region for load tests (see devdata/region/)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from devdata.region import RegionOptions, RegionRefused, generate_region


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def _not_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


class Command(BaseCommand):
    help = (
        "Заполняет пустую базу синтетическими данными региона: муниципалитеты, школы, "
        "дорожные карты с отчётами, реестр наставничества, мониторинг. Детерминированно "
        "от --seed. Повторный запуск на той же базе отказывается и ничего не меняет."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipalities", type=_positive, default=30, help="муниципалитетов (30)"
        )
        parser.add_argument(
            "--schools", type=_positive, default=50, help="школ в каждом муниципалитете (50)"
        )
        parser.add_argument(
            "--mentees", type=_not_negative, default=300_000, help="наставляемых всего (300 000)"
        )
        parser.add_argument("--seed", type=int, default=172, help="зерно генератора (172)")
        parser.add_argument(
            "--users",
            action="store_true",
            help="дать пользователям (moNN-staff, moNN-head, moNN-sKKK, region) пароль для входа",
        )
        parser.add_argument(
            "--password", help="пароль пользователей (подразумевает --users; иначе случайный)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="добавить регион к базе, где уже есть муниципалитеты, созданные не этой командой",
        )

    def handle(self, *args, **options):
        password = options["password"]
        if password:
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError("Пароль не подходит: " + " ".join(error.messages)) from error
        region = RegionOptions(
            municipalities=options["municipalities"],
            schools=options["schools"],
            mentees=options["mentees"],
            seed=options["seed"],
            users=options["users"] or bool(password),
            password=password or None,
            force=options["force"],
        )
        self.stdout.write(
            f"Генерация региона: муниципалитетов {region.municipalities}, школ в каждом "
            f"{region.schools}, наставляемых {_number(region.mentees)}, зерно {region.seed}."
        )

        def progress(label: str, seconds: float) -> None:
            self.stdout.write(f"  {label:<45} {seconds:7.1f} с")

        try:
            result = generate_region(region, progress)
        except RegionRefused as refusal:
            raise CommandError(str(refusal)) from refusal

        self.stdout.write("")
        self.stdout.write("Записей в базе:")
        for label, count in result.counts:
            self.stdout.write(f"  {label:<45} {_number(count):>10}")
        self.stdout.write("")
        last = f"mo{region.municipalities:02d}"
        if result.password:
            self.stdout.write(
                "Пользователи (пароль один для всех, показан один раз — сохраните его):"
            )
            self.stdout.write(f"  сотрудники департаментов  mo01-staff … {last}-staff")
            self.stdout.write(f"  начальники департаментов  mo01-head … {last}-head")
            self.stdout.write(
                f"  кураторы ОО               mo01-s001 … {last}-s{region.schools:03d}"
            )
            self.stdout.write("  региональный координатор  region")
            self.stdout.write(f"  пароль: {result.password}")
        else:
            self.stdout.write(
                "Пользователи созданы без пароля (войти нельзя); запустите с --users, "
                "чтобы получить пароль."
            )
        self.stdout.write(self.style.SUCCESS(f"Готово за {result.elapsed:.1f} с."))
