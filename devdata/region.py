"""A synthetic region for load tests and demonstrations: ``manage.py generate_region``.

Fills a database with municipalities, their departments, schools, users, the seed roadmap
with executions and reports, the registry (mentees, mentors, consents, programmes, pairs) and
the monitoring (questionnaires, periods, targets, schools' reports with frozen figures).

Everything is deterministic from the seed: each part draws from its own random stream
(``Random("<seed>:<part>:<municipality>")``), so the same options give the same names, dates
and statuses. Only row ids (taken from the sequences) and the printed password differ.

The story is the school year of the seed roadmap (2020/21): pupils are in grades 1–11 that
year (born September 2002 – August 2013), programmes and pairs start in autumn 2020, the
roadmap's reports are dated 2020/21 and the two monitoring periods are its half-years. Counts
of pupils and teachers are given for 2020 and for the current school year.

Which municipalities are generated: name «городской округ <Town>» and short name «МО-NN»,
exactly as ``municipality_identity(NN)`` makes them. The generator refuses a database that
already has generated municipalities (running twice never duplicates: the second run stops
with a message and changes nothing; to generate again, use a fresh database) and, unless
``force``, a database with any other municipality.

A mentor leads at most ``settings.MENTOR_MAX_MENTEES`` mentees in active pairs, the rule the
application enforces when a pair is activated; that is why there is about one mentor per six or
seven mentees rather than one per twelve.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import random
import re
import secrets
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from core import roles
from core.models import Department, Municipality, Profile, School
from monitoring import indicators
from monitoring.models import (
    Answer,
    AnswerSet,
    IndicatorCode,
    Period,
    Question,
    Questionnaire,
    ReportEvent,
    SchoolReport,
    Stage,
    Swot,
    Target,
)
from monitoring.reference import ensure_questionnaires
from monitoring.services import frozen_figures, save_period
from registry.models import (
    Consent,
    Mentee,
    Mentor,
    Pair,
    PairMentee,
    PersonKind,
    Programme,
    SchoolYearStats,
    search_key,
)
from registry.reference import ensure_mentoring_forms
from roadmap.models import Execution, Participation, Report, Roadmap
from roadmap.seed import load_seed, read_seed
from roadmap.services import sync_executions

REGION_GROUP = "Региональный координатор"  # registry.roles.REGION, spelled out on purpose
REGION_USERNAME = "region"

# --- names and places --------------------------------------------------------------------------


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(","))


TOWNS = _items(
    """Алхан-Кала, Ачхой-Мартан, Бачи-Юрт, Бердыкел, Ведено, Гехи, Гойты, Джалка, Знаменское,
    Иласхан-Юрт, Итум-Кали, Катыр-Юрт, Курчалой, Мескер-Юрт, Наур, Новые Атаги, Ножай-Юрт,
    Ойсхара, Петропавловская, Самашки, Серноводское, Старые Атаги, Толстой-Юрт, Урус-Мартан,
    Цоци-Юрт, Чечен-Аул, Шали, Шатой, Шелковская, Элистанжи"""
)
STREETS = _items(
    """ул. А. Кадырова, ул. Шерипова, ул. Мира, ул. Школьная, ул. Садовая, ул. Центральная,
    ул. Х. Нурадилова, ул. Победы, ул. Молодёжная, ул. Заречная, ул. Гагарина, ул. Нагорная"""
)


@dataclass(frozen=True)
class NamePool:
    last: tuple[str, ...]  # masculine forms: -ов, -ев, -ин
    male: tuple[str, ...]
    female: tuple[str, ...]
    fathers: tuple[tuple[str, str, str], ...]  # father's name, son's and daughter's patronymic


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _fathers(text: str) -> tuple[tuple[str, str, str], ...]:
    """«Адам:Адамович:Адамовна …»: a father's name with his son's and daughter's patronymic."""
    return tuple(tuple(item.split(":")) for item in text.split())


CHECHEN = NamePool(
    last=_words(
        """Абдулаев Абубакаров Алиев Арсанукаев Асуев Ахмадов Байсултанов Батукаев Бисултанов
        Вагапов Вахаев Висаитов Гайрбеков Газиев Гачаев Гериханов Денилбеков Джабраилов Довтаев
        Зубайраев Ибрагимов Израилов Исаев Исмаилов Кагиров Касумов Лорсанов Магомадов Мамаев
        Межидов Муртазаев Мусаев Нальгиев Османов Рашидов Сайдулаев Саидов Тагиров Талхигов
        Умаров Хаджиев Хасанов Цечоев Шамсудинов Эльмурзаев Эсамбаев Юсупов Ясаев"""
    ),
    male=_words(
        """Адам Ахмед Али Алихан Амир Арби Аслан Байсангур Дени Зелимхан Ибрагим Иса Ислам
        Магомед Мансур Мовсар Муса Мухаммад Рамзан Руслан Саид Салман Сулейман Турпал Умар
        Хамзат Хасан Хусейн Шамиль Юсуп"""
    ),
    female=_words(
        """Амина Асет Айшат Зарема Залина Зулихан Камила Лейла Луиза Мадина Малика Марьям Милана
        Петимат Раяна Седа Хава Хадижат Хеда Элина Яха"""
    ),
    fathers=_fathers(
        """Адам:Адамович:Адамовна Ахмед:Ахмедович:Ахмедовна Али:Алиевич:Алиевна
        Арби:Арбиевич:Арбиевна Аслан:Асланович:Аслановна Зелимхан:Зелимханович:Зелимхановна
        Ибрагим:Ибрагимович:Ибрагимовна Иса:Исаевич:Исаевна Ислам:Исламович:Исламовна
        Лечи:Лечаевич:Лечаевна Магомед:Магомедович:Магомедовна Мансур:Мансурович:Мансуровна
        Муса:Мусаевич:Мусаевна Рамзан:Рамзанович:Рамзановна Руслан:Русланович:Руслановна
        Саид:Саидович:Саидовна Салман:Салманович:Салмановна
        Сулейман:Сулейманович:Сулеймановна Умар:Умарович:Умаровна
        Хамзат:Хамзатович:Хамзатовна Хасан:Хасанович:Хасановна Хусейн:Хусейнович:Хусейновна
        Шамиль:Шамилевич:Шамилевна Ваха:Вахаевич:Вахаевна Юсуп:Юсупович:Юсуповна"""
    ),
)
RUSSIAN = NamePool(
    last=_words("Иванов Ковалёв Кузнецов Новиков Петров Семёнов Соколов Фёдоров Никитин Зайцев"),
    male=_words("Александр Артём Дмитрий Иван Максим Никита Сергей Фёдор"),
    female=_words("Алёна Анна Дарья Екатерина Мария Наталья Ольга Ирина"),
    fathers=_fathers(
        """Александр:Александрович:Александровна Андрей:Андреевич:Андреевна
        Виктор:Викторович:Викторовна Михаил:Михайлович:Михайловна Пётр:Петрович:Петровна
        Сергей:Сергеевич:Сергеевна"""
    ),
)
RUSSIAN_SHARE = 0.08


@dataclass(frozen=True)
class Name:
    last: str
    first: str
    patronymic: str
    base_last: str  # the masculine form of the surname
    father: str  # the father's first name
    pool: NamePool

    @property
    def full(self) -> str:
        return _full_name(self.last, self.first, self.patronymic)


SUBJECTS = (
    "учитель математики",
    "учитель русского языка и литературы",
    "учитель чеченского языка и литературы",
    "учитель начальных классов",
    "учитель английского языка",
    "учитель истории и обществознания",
    "учитель физики",
    "учитель химии",
    "учитель биологии",
    "учитель географии",
    "учитель информатики",
    "учитель физической культуры",
    "педагог-психолог",
    "социальный педагог",
)
UNIVERSITIES = (
    "студент ЧГУ им. А. А. Кадырова",
    "студент ЧГПУ",
    "студент ГГНТУ им. акад. М. Д. Миллионщикова",
    "студент Грозненского педагогического колледжа",
)
SCHOOL_TYPES = (  # (full, short, weight)
    ("Средняя общеобразовательная школа", "СОШ", 80),
    ("Гимназия", "Гимназия", 10),
    ("Лицей", "Лицей", 10),
)
GRADE_WEIGHTS = (3, 4, 5, 6, 10, 11, 12, 12, 12, 11, 9)  # grades 1..11 among pupil mentees

# Forms used in schools: the key, the form's name (registry.reference) and the programme titles.
FORMS = {
    "tp": "учитель – ученик",
    "tt": "учитель – учитель",
    "pp": "ученик – ученик",
    "sp": "студент – ученик",
}
MOTTOS = {
    "tp": ("Шаг вперёд", "Вместе к успеху", "Открытие", "Ступени роста", "Наставник рядом"),
    "tt": ("Молодой педагог", "Первые шаги в профессии", "Школа молодого учителя"),
    "pp": ("Равный – равному", "Старший друг", "Учимся вместе"),
    "sp": ("Старт в будущее", "Студенческий десант"),
}
GOALS = {
    "tp": (
        "Подготовка к олимпиаде по математике",
        "Повышение успеваемости по русскому языку",
        "Подготовка к ОГЭ",
        "Подготовка к ЕГЭ",
        "Профессиональное самоопределение",
        "Подготовка проекта к научно-практической конференции",
        "Развитие читательской грамотности",
    ),
    "tt": (
        "Адаптация молодого педагога в коллективе",
        "Освоение методики современного урока",
        "Подготовка к аттестации",
        "Работа с родителями обучающихся",
    ),
    "pp": (
        "Помощь в учёбе",
        "Адаптация в новом классе",
        "Подготовка к конкурсу чтецов",
        "Совместный проект",
    ),
    "sp": ("Подготовка к олимпиаде", "Профориентация: знакомство с вузом"),
}
RESULTS = (
    "Цели достигнуты: повысилась успеваемость, наставляемый участвовал в конкурсе.",
    "Цели достигнуты частично; работа продолжится в следующем учебном году.",
    "Подготовлен и защищён проект.",
    "Наставляемый успешно адаптировался, план выполнен полностью.",
)
GROUP_SIZES = {  # (sizes, weights) of a pair or group, capped by MENTOR_MAX_MENTEES
    "tp": ((1, 2, 3, 4, 5), (25, 15, 20, 20, 20)),
    "tt": ((1, 2), (75, 25)),
    "pp": ((1, 2, 3), (50, 30, 20)),
    "sp": ((1, 2, 3), (50, 30, 20)),
}
MENTOR_LEFT = "Увольнение наставника из образовательной организации"
OTHER_REASONS = (
    "По заявлению законного представителя наставляемого",
    "Длительная болезнь наставника",
)

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
MONITORING_RETURNS = (
    "Не заполнен SWOT-анализ программы; уточните число ответивших.",
    "Число ответивших больше числа участников пар: проверьте анкеты.",
)
SWOT = (
    "Опытные педагоги-наставники; поддержка администрации.",
    "Мало времени на встречи пар.",
    "Партнёрство с колледжем и предприятиями района.",
    "Перегрузка наставников.",
)
TARGETS = (  # indicator, year, value (mentors: per school)
    (IndicatorCode.PUPILS_10_PLUS, 2021, 10),
    (IndicatorCode.PUPILS_10_PLUS, 2022, 30),
    (IndicatorCode.PUPILS_10_PLUS, 2024, 70),
    (IndicatorCode.YOUNG_TEACHERS, 2024, 70),
    (IndicatorCode.APPROVED_PROGRAMME, 2021, 100),
    (IndicatorCode.MEASURES_ON_TIME, 2021, 90),
    (IndicatorCode.MENTORS, 2021, 25),
)
TARGET_NOTE = "Распоряжение Минпросвещения России от 25.12.2019 № Р-145"

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


# --- options, results, refusals ----------------------------------------------------------------


@dataclass(frozen=True)
class RegionOptions:
    municipalities: int = 30
    schools: int = 50  # per municipality
    mentees: int = 300_000  # in total
    seed: int = 172
    users: bool = False  # give the accounts a password to log in with
    password: str | None = None  # implies users; generated when users and not given
    force: bool = False  # generate next to municipalities the generator did not make


@dataclass
class RegionResult:
    steps: list[tuple[str, float]]
    counts: list[tuple[str, int]]
    elapsed: float
    password: str | None
    municipalities: list[str]


class RegionRefused(Exception):
    """The database is not one to fill; the message says why, in Russian."""


CODE = re.compile(r"^МО-(\d{2,})$")


def municipality_identity(number: int) -> tuple[str, str, str]:
    """The generated municipality number ``number``: its name, short name and town."""
    town = TOWNS[number - 1] if number <= len(TOWNS) else f"Город-{number:02d}"
    return f"городской округ {town}", f"МО-{number:02d}", town


def generated_municipalities() -> list[Municipality]:
    found = []
    for municipality in Municipality.objects.filter(short_name__startswith="МО-").order_by("pk"):
        match = CODE.match(municipality.short_name)
        if match and municipality_identity(int(match.group(1)))[0] == municipality.name:
            found.append(municipality)
    return found


def planned_usernames(options: RegionOptions) -> list[str]:
    names = []
    for number in range(1, options.municipalities + 1):
        code = f"mo{number:02d}"
        names += [f"{code}-staff", f"{code}-head"]
        names += [f"{code}-s{index:03d}" for index in range(1, options.schools + 1)]
    return [*names, REGION_USERNAME]


def _listed(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"«{name}»" for name in names[:limit])
    return shown + (f" и ещё {len(names) - limit}" if len(names) > limit else "")


def check_database(options: RegionOptions) -> None:
    """Refuse (RegionRefused) a database already holding a region, or other data unless force."""
    if min(options.municipalities, options.schools) < 1 or options.mentees < 0:
        raise RegionRefused(
            "Нужен хотя бы один муниципалитет и одна школа; число наставляемых не может "
            "быть отрицательным."
        )
    generated = generated_municipalities()
    if generated:
        raise RegionRefused(
            f"Регион уже сгенерирован: в базе {len(generated)} муниципалитет(ов), созданных этой "
            f"командой ({_listed([m.name for m in generated])}). Повторный запуск ничего не "
            "добавляет и не удаляет. Чтобы сгенерировать регион заново (с другим зерном или "
            "размером), используйте новую пустую базу данных."
        )
    others = list(Municipality.objects.order_by("name").values_list("name", flat=True))
    if others and not options.force:
        raise RegionRefused(
            f"В базе уже есть муниципалитеты, созданные не этой командой ({len(others)}: "
            f"{_listed(others)}). Генератор заполняет синтетическими данными пустую (тестовую) "
            "базу. Если вы уверены, что синтетический регион нужно добавить к этим данным, "
            "запустите команду с --force."
        )
    names = [municipality_identity(n)[0] for n in range(1, options.municipalities + 1)]
    clash = list(Municipality.objects.filter(name__in=names).values_list("name", flat=True))
    if clash:
        raise RegionRefused(
            f"Муниципалитеты с такими наименованиями уже есть: {_listed(clash)}. "
            "Используйте новую пустую базу данных."
        )
    taken = list(
        get_user_model()
        .objects.filter(username__in=planned_usernames(options))
        .values_list("username", flat=True)
    )
    if taken:
        raise RegionRefused(
            f"Пользователи с такими именами уже есть: {_listed(sorted(taken))}. "
            "Используйте новую пустую базу данных."
        )


# --- helpers -----------------------------------------------------------------------------------


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    if isinstance(value, dt.date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return _copy_text(json.dumps(value, ensure_ascii=False))
    if isinstance(value, list | tuple):
        return "{" + ",".join(str(item) for item in value) + "}"
    return str(value)


class _Copy:
    """Rows of one model written to PostgreSQL with COPY; omitted fields take their defaults."""

    def __init__(self, model, *, with_pk: bool = True):
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.table = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.names = [f.attname for f in fields]
        self.defaults: list[str | None] = []
        for f in fields:
            if f.has_default():
                self.defaults.append(_copy_text(f.get_default()))
            elif f.null:
                self.defaults.append(r"\N")
            elif f.empty_strings_allowed:  # what Django itself saves: ""
                self.defaults.append("")
            else:
                self.defaults.append(None)  # must be given
        self.buffer = io.StringIO()
        self.rows = 0
        self.checked = False

    def add(self, **values) -> None:
        if not self.checked:
            unknown = set(values) - set(self.names)
            if unknown:
                raise KeyError(f"{self.table}: нет полей {sorted(unknown)}")
            self.checked = True
        parts = []
        for name, default in zip(self.names, self.defaults, strict=True):
            if name in values:
                parts.append(_copy_text(values[name]))
            elif default is None:
                raise KeyError(f"{self.table}.{name} не задано")
            else:
                parts.append(default)
        self.buffer.write("\t".join(parts))
        self.buffer.write("\n")
        self.rows += 1

    def flush(self, cursor) -> int:
        written = self.rows
        if written:
            self.buffer.seek(0)
            cursor.copy_expert(
                f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN", self.buffer
            )
        self.buffer = io.StringIO()
        self.rows = 0
        return written


class _Ids:
    """Primary keys taken from a table's sequence in blocks, so rows can refer to each other
    before they are written."""

    def __init__(self, cursor, model, block: int = 5000):
        self.cursor = cursor
        self.block = block
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
        )
        self.sequence = cursor.fetchone()[0]
        self.free: deque[int] = deque()

    def take(self, count: int) -> list[int]:
        if len(self.free) < count:
            self.cursor.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                [self.sequence, max(self.block, count - len(self.free))],
            )
            self.free.extend(row[0] for row in self.cursor.fetchall())
        return [self.free.popleft() for _ in range(count)]

    def next(self) -> int:
        return self.take(1)[0]


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _feminine(last_name: str) -> str:
    return last_name + "а" if last_name.endswith(("ов", "ев", "ёв", "ин")) else last_name


def _full_name(last: str, first: str, patronymic: str) -> str:
    return " ".join(p for p in (last, first, patronymic) if p)


def _initials_name(first: str, patronymic: str, last: str) -> str:
    return f"{first[0]}.{patronymic[0]}. {last}"


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


# --- what the generator keeps in memory --------------------------------------------------------


@dataclass
class _School:
    index: int
    full_name: str
    short_name: str
    pupils_total: int
    mentees: int = 0
    teachers: int = 0  # teacher mentees
    young: int = 0  # of them, young teachers
    letters: str = "А"
    pk: int | None = None
    curator: object = None


@dataclass
class _Municipality:
    number: int
    name: str
    short_name: str
    town: str
    head: Name  # the department's head
    diligence: float
    schools: list[_School] = field(default_factory=list)
    pk: int | None = None
    obj: Municipality | None = None
    staff: object = None
    head_user: object = None
    roadmap: Roadmap | None = None


class _Person:
    __slots__ = ("born", "class_name", "kind", "name", "pk")

    def __init__(self, pk: int, kind: str, name: Name, born: dt.date, class_name: str):
        self.pk = pk
        self.kind = kind
        self.name = name
        self.born = born
        self.class_name = class_name


@dataclass
class _Group:
    programme: dict
    key: str
    mentees: list
    status: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    reason: str = ""
    withdrawn: _Person | None = None
    pk: int | None = None
    mentor: int | None = None


# --- the generator -----------------------------------------------------------------------------


class _Generator:
    def __init__(self, options: RegionOptions, progress: Callable[[str, float], None] | None):
        self.o = options
        self.progress = progress
        self.steps: list[tuple[str, float]] = []
        self.limit = max(1, int(settings.MENTOR_MAX_MENTEES))
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localdate()
        self.seed_data = read_seed()
        self.year = int(self.seed_data["roadmap"]["school_year_start"])
        self.order_day = dt.date.fromisoformat(self.seed_data["order"]["date"])
        self.current_year = indicators.school_year_of(self.today)
        self.munis: list[_Municipality] = []
        self.password = None

    # helpers

    def rng(self, *parts) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.o.seed, *parts)))

    def at(self, day: dt.date, rng: random.Random, first_hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time(rng.randint(first_hour, 17), rng.randrange(60)), tzinfo=self.tz
        )

    def step(self, label: str, work: Callable[[], None]) -> None:
        started = time.perf_counter()
        work()
        spent = time.perf_counter() - started
        self.steps.append((label, spent))
        if self.progress:
            self.progress(label, spent)

    def person(self, rng: random.Random, female: bool) -> Name:
        pool = RUSSIAN if rng.random() < RUSSIAN_SHARE else CHECHEN
        base = rng.choice(pool.last)
        father, son, daughter = rng.choice(pool.fathers)
        if female:
            return Name(_feminine(base), rng.choice(pool.female), daughter, base, father, pool)
        return Name(base, rng.choice(pool.male), son, base, father, pool)

    # 1. reference data

    def reference(self) -> None:
        self.forms = {}
        by_name = {form.name: form for form in ensure_mentoring_forms()}
        for key, name in FORMS.items():
            self.forms[key] = by_name[name]
        self.groups = {
            name: Group.objects.get_or_create(name=name)[0]
            for name in (roles.STAFF, roles.HEAD, roles.CURATOR, REGION_GROUP)
        }

    # 2. municipalities, departments, schools, yearly counts

    def municipalities(self) -> None:
        for number in range(1, self.o.municipalities + 1):
            rng = self.rng("municipality", number)
            name, short_name, town = municipality_identity(number)
            head = self.person(rng, rng.random() < 0.4)
            muni = _Municipality(number, name, short_name, town, head, rng.uniform(0.55, 0.95))
            for index in range(1, self.o.schools + 1):
                full, short, _weight = rng.choices(
                    SCHOOL_TYPES, weights=[t[2] for t in SCHOOL_TYPES]
                )[0]
                muni.schools.append(
                    _School(
                        index=index,
                        full_name=f"Муниципальное бюджетное общеобразовательное учреждение "
                        f"«{full} № {index}» городского округа {town}",
                        short_name=f"МБОУ «{short} № {index}» г. о. {town}",
                        pupils_total=int(rng.triangular(300, 1500, 700)),
                    )
                )
            self.munis.append(muni)

        objects = Municipality.objects.bulk_create(
            Municipality(name=m.name, short_name=m.short_name) for m in self.munis
        )
        for muni, obj in zip(self.munis, objects, strict=True):
            muni.pk, muni.obj = obj.pk, obj
        Department.objects.bulk_create(self.department(m) for m in self.munis)

        schools = [s for m in self.munis for s in m.schools]
        counts = _largest_remainder(self.o.mentees, [s.pupils_total for s in schools])
        for school, count in zip(schools, counts, strict=True):
            school.mentees = count
        school_rows = []
        for muni in self.munis:
            rng = self.rng("schools", muni.number)
            for school in muni.schools:
                street = rng.choice(STREETS)
                school_rows.append(
                    School(
                        municipality_id=muni.pk,
                        full_name=school.full_name,
                        short_name=school.short_name,
                        kind=School.Kind.SCHOOL,
                        address=f"Чеченская Республика, {muni.town}, {street}, "
                        f"{rng.randint(1, 120)}",
                        director_name=self.person(rng, rng.random() < 0.45).full,
                        phone=f"8 (8712) {rng.randint(20, 99)}-{rng.randint(10, 99)}-"
                        f"{rng.randint(10, 99)}",
                        email=f"school{school.index:02d}.mo{muni.number:02d}@example.org",
                        website=f"https://school{school.index:02d}.mo{muni.number:02d}.example.org",
                    )
                )
        for school, obj in zip(schools, School.objects.bulk_create(school_rows), strict=True):
            school.pk = obj.pk
        stats = []
        for muni in self.munis:
            rng = self.rng("stats", muni.number)
            for school in muni.schools:
                stats += self.year_stats(rng, school)
        SchoolYearStats.objects.bulk_create(stats)

    def department(self, muni: _Municipality) -> Department:
        town = muni.town
        return Department(
            municipality_id=muni.pk,
            full_name=f"Муниципальное учреждение «Департамент образования городского округа "
            f"{town}»",
            short_name=f"Департамент образования г. о. {town}",
            header_lines="\n".join(
                [
                    f"Администрация городского округа {town}",
                    "Муниципальное учреждение",
                    f"«Департамент образования городского округа {town}»",
                ]
            ),
            header_lines_local="\n".join(
                [
                    f"{town} гӀалин администраци",
                    "Муниципальни учреждени",
                    f"«{town} гӀалин дешаран департамент»",
                ]
            ),
            city=f"г. о. {town}",
            head_position="Начальник",
            head_name=_initials_name(muni.head.first, muni.head.patronymic, muni.head.last),
        )

    def year_stats(self, rng: random.Random, school: _School) -> list[SchoolYearStats]:
        """Counts for 2020 and the current year that cover the school's mentees (so that no
        share exceeds 100 %); also decides how many of its mentees are (young) teachers."""
        school.teachers = int(school.mentees * 0.07 + 0.5)
        young_total = rng.randint(2, 10)
        school.young = min(young_total, int(school.teachers * 0.6 + 0.5))
        pupils = school.mentees - school.teachers
        total = max(school.pupils_total, math.ceil(pupils / 0.3))
        school.pupils_total = total
        school.letters = "АБВГ"[: 1 + min(3, total // 350)]
        pupils_10 = max(int(total * rng.uniform(0.6, 0.7)), pupils)
        teachers = max(min(90, max(25, round(total / rng.uniform(14, 18)))), school.teachers)
        rows = [
            SchoolYearStats(
                school_id=school.pk,
                school_year_start=self.year,
                pupils_total=total,
                pupils_10_plus=pupils_10,
                teachers_total=teachers,
                young_teachers=young_total,
            )
        ]
        if self.current_year != self.year:
            now_total = max(round(total * rng.uniform(0.95, 1.1)), pupils)
            now_teachers = max(teachers + rng.randint(-3, 4), school.teachers, young_total + 2)
            rows.append(
                SchoolYearStats(
                    school_id=school.pk,
                    school_year_start=self.current_year,
                    pupils_total=now_total,
                    pupils_10_plus=min(now_total, max(round(pupils_10 * now_total / total), 1)),
                    teachers_total=now_teachers,
                    young_teachers=max(school.young, min(10, young_total + rng.randint(-1, 2))),
                )
            )
        return rows

    # 3. users

    def users(self) -> None:
        User = get_user_model()
        wants_login = self.o.users or bool(self.o.password)
        if wants_login:
            self.password = self.o.password or secrets.token_urlsafe(12)
        encoded = make_password(self.password)  # one hash for all: hashing is slow on purpose
        joined = dt.datetime.combine(dt.date(self.year, 10, 1), dt.time(9), tzinfo=self.tz)
        accounts = []  # (user, group, municipality, school, position)
        for muni in self.munis:
            rng = self.rng("users", muni.number)
            code = f"mo{muni.number:02d}"
            staff = self.person(rng, rng.random() < 0.6)
            accounts.append(
                (
                    User(username=f"{code}-staff", first_name=staff.first, last_name=staff.last),
                    roles.STAFF,
                    muni,
                    None,
                    "Главный специалист департамента образования",
                )
            )
            accounts.append(
                (
                    User(
                        username=f"{code}-head",
                        first_name=muni.head.first,
                        last_name=muni.head.last,
                    ),
                    roles.HEAD,
                    muni,
                    None,
                    "Начальник департамента образования",
                )
            )
            for school in muni.schools:
                curator = self.person(rng, rng.random() < 0.7)
                accounts.append(
                    (
                        User(
                            username=f"{code}-s{school.index:03d}",
                            first_name=curator.first,
                            last_name=curator.last,
                        ),
                        roles.CURATOR,
                        muni,
                        school,
                        "Заместитель директора по УВР, куратор внедрения ЦМН",
                    )
                )
        accounts.append(
            (
                User(username=REGION_USERNAME, first_name="Региональный", last_name="Координатор"),
                REGION_GROUP,
                None,
                None,
                "Региональный координатор внедрения ЦМН",
            )
        )
        for user, *_ in accounts:
            user.password = encoded
            user.email = f"{user.username}@example.org"
            user.date_joined = joined
        User.objects.bulk_create([a[0] for a in accounts])
        Through = User.groups.through
        Through.objects.bulk_create(
            Through(user_id=user.pk, group_id=self.groups[group].pk) for user, group, *_ in accounts
        )
        Profile.objects.bulk_create(
            Profile(
                user_id=user.pk,
                municipality_id=muni.pk if muni else None,
                school_id=school.pk if school else None,
                position=position,
            )
            for user, _group, muni, school, position in accounts
        )
        for user, group, muni, school, _position in accounts:
            if school is not None:
                school.curator = user
            elif group == roles.STAFF:
                muni.staff = user
            elif group == roles.HEAD:
                muni.head_user = user

    # 4. roadmaps, executions, reports

    def seed_for(self, muni: _Municipality) -> dict:
        town = muni.town
        text = json.dumps(self.seed_data, ensure_ascii=False)
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
        department = self.department(muni)
        data["department"] = {
            "full_name": department.full_name,
            "short_name": department.short_name,
            "header_lines": department.header_lines.splitlines(),
            "header_lines_local": department.header_lines_local.splitlines(),
            "city": department.city,
            "head_position": department.head_position,
            "head_name": department.head_name,
        }
        data["order"]["signatory_name"] = department.head_name
        return data

    def roadmaps(self) -> None:
        approved = dt.datetime.combine(self.order_day, dt.time(9), tzinfo=self.tz)
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
                [self.order_day, ids],
            )
            # Entered when the order was signed, by the department's staff; approved by the head.
            for muni in self.munis:
                params = {
                    "roadmap": muni.roadmap.pk,
                    "at": approved,
                    "created": created,
                    "staff": muni.staff.pk,
                    "head": muni.head_user.pk,
                }
                cursor.execute(
                    """
                    UPDATE roadmap_roadmap SET approved_by_id = %(head)s, created_at = %(at)s,
                        updated_at = %(at)s WHERE id = %(roadmap)s;
                    UPDATE roadmap_historicalroadmap SET approved_by_id = %(head)s,
                        created_at = %(at)s, history_date = %(at)s, history_user_id = %(staff)s
                    WHERE id = %(roadmap)s;
                    UPDATE roadmap_historicalsection SET history_date = %(at)s,
                        history_user_id = %(staff)s WHERE roadmap_id = %(roadmap)s;
                    UPDATE roadmap_historicalmeasure h SET history_date = %(at)s,
                        history_user_id = %(staff)s
                    FROM roadmap_section s WHERE h.section_id = s.id AND s.roadmap_id = %(roadmap)s;
                    UPDATE roadmap_historicalexecution h SET history_date = %(created)s,
                        history_user_id = %(staff)s
                    FROM roadmap_measure m JOIN roadmap_section s ON s.id = m.section_id
                    WHERE h.measure_id = m.id AND s.roadmap_id = %(roadmap)s;
                    """,
                    params,
                )
            self.execution_stories(cursor, created)

    def execution_stories(self, cursor, created: dt.datetime) -> None:
        """Statuses, reports and history rows of every execution, as the services make them."""
        updates = io.StringIO()
        reports = _Copy(Report, with_pk=False)
        history = _Copy(Execution.history.model, with_pk=False)
        for muni in self.munis:
            rng = self.rng("roadmap", muni.number)
            curators = {s.pk: s.curator for s in muni.schools}
            diligence = {
                s.pk: min(0.98, muni.diligence + rng.uniform(-0.1, 0.1)) for s in muni.schools
            }
            cursor.execute(
                """
                SELECT e.id, e.measure_id, e.school_id, m.deadline_kind, m.starts_on, m.due_on
                FROM roadmap_execution e
                JOIN roadmap_measure m ON m.id = e.measure_id
                JOIN roadmap_section s ON s.id = m.section_id
                WHERE s.roadmap_id = %s
                ORDER BY m.number_key, m.id, e.school_id NULLS FIRST
                """,
                [muni.roadmap.pk],
            )
            for pk, measure_id, school_id, kind, starts_on, due_on in cursor.fetchall():
                ctx = {
                    "pk": pk,
                    "measure_id": measure_id,
                    "school_id": school_id,
                    "kind": kind,
                    "starts_on": starts_on,
                    "due_on": due_on,
                    "created": created,
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
                    row = (
                        pk,
                        last.status,
                        last.completed_on,
                        last.comment,
                        len(steps) + 1,
                        last.at,
                    )
                    updates.write("\t".join(_copy_text(v) for v in row) + "\n")
        cursor.execute(
            """
            CREATE TEMP TABLE region_execution (id bigint PRIMARY KEY, status varchar(20),
                completed_on date, comment text, version integer, updated_at timestamptz)
            """
        )
        updates.seek(0)
        cursor.copy_expert("COPY region_execution FROM STDIN", updates)
        cursor.execute(
            """
            UPDATE roadmap_execution e SET status = r.status, completed_on = r.completed_on,
                comment = r.comment, version = r.version, updated_at = r.updated_at
            FROM region_execution r WHERE e.id = r.id;
            DROP TABLE region_execution;
            """
        )
        reports.flush(cursor)
        history.flush(cursor)

    def completion_day(self, rng: random.Random, ctx: dict, late: bool) -> dt.date:
        due, start = ctx["due_on"], ctx["starts_on"]
        period_end = dt.date.fromisoformat(self.seed_data["roadmap"]["period_end"])
        if ctx["kind"] in indicators.UNDATED_KINDS or due is None:
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
            at = self.at(self.order_day + dt.timedelta(days=rng.randint(1, 60)), rng)
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
            start = max(self.order_day + dt.timedelta(days=1), day - dt.timedelta(days=15))
            steps.append(_Step(IN_PROGRESS, None, "", self.at(start, rng), curator))
            if outcome == IN_PROGRESS:
                return steps
        submitted = self.submitted_at(rng, day, steps[-1].at if steps else ctx["created"])
        text = self.report_text(rng, REPORT_TEXTS, day)
        report = {"execution_id": ctx["pk"], "completed_on": day, "submitted_by_id": curator.pk}
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

    # 5. the registry

    def registry(self) -> None:
        with connection.cursor() as cursor:
            self.copies = {
                "mentee": _Copy(Mentee),
                "mentor": _Copy(Mentor),
                "mentor_school": _Copy(Mentor.schools.through, with_pk=False),
                "programme": _Copy(Programme),
                "pair": _Copy(Pair),
                "member": _Copy(PairMentee, with_pk=False),
                "consent": _Copy(Consent, with_pk=False),
            }
            self.ids = {
                "mentee": _Ids(cursor, Mentee, 20000),
                "mentor": _Ids(cursor, Mentor),
                "programme": _Ids(cursor, Programme, 500),
                "pair": _Ids(cursor, Pair),
            }
            for muni in self.munis:
                rng = self.rng("people", muni.number)
                self.mentee_keys: set = set()
                self.mentor_keys: set = set()
                for school in muni.schools:
                    pupils, teachers = self.mentees_of(rng, muni, school)
                    self.pairs_of(rng, muni, school, pupils, teachers)
                for copy in self.copies.values():
                    copy.flush(cursor)

    def unique_name(
        self, rng, female: bool, born: Callable[[], dt.date], keys: set
    ) -> tuple[Name, dt.date]:
        """A name and birth date not yet used in the municipality (its uniqueness rule)."""
        while True:
            name = self.person(rng, female)
            birth = born()
            key = (name.last.lower(), name.first.lower(), name.patronymic.lower(), birth)
            if key not in keys:
                keys.add(key)
                return name, birth

    def pupil_birth(self, rng: random.Random, grade: int) -> dt.date:
        cohort = self.year - 6 - grade  # born September cohort-1 .. August cohort
        return dt.date(cohort - 1, 9, 1) + dt.timedelta(days=rng.randrange(365))

    @staticmethod
    def phone(rng: random.Random) -> str:
        return f"+7 (928) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"

    def timestamp(self, rng: random.Random) -> dt.datetime:
        return self.at(dt.date(self.year, 9, 7) + dt.timedelta(days=rng.randrange(35)), rng)

    def mentees_of(self, rng, muni, school) -> tuple[list[_Person], list[_Person]]:
        copy = self.copies["mentee"]
        ids = iter(self.ids["mentee"].take(school.mentees))
        pupils, teachers = [], []
        for number in range(school.mentees):
            pk = next(ids)
            female = rng.random() < 0.5
            experience = None
            position = class_name = phone = ""
            if number < school.teachers:
                kind = PersonKind.TEACHER
                young = number < school.young
                female = rng.random() < 0.8
                if young:
                    start, span = dt.date(self.year - 28, 1, 1), 8 * 365
                else:
                    start, span = dt.date(self.year - 55, 1, 1), 25 * 365

                def born(start=start, span=span):
                    return start + dt.timedelta(days=rng.randrange(span))

                name, birth = self.unique_name(rng, female, born, self.mentee_keys)
                age = self.year - birth.year
                experience = (
                    rng.randint(0, min(3, age - 20)) if young else rng.randint(4, min(35, age - 22))
                )
                position = rng.choice(SUBJECTS)
                phone = self.phone(rng)
            else:
                kind = PersonKind.PUPIL
                grade = rng.choices(range(1, 12), weights=GRADE_WEIGHTS)[0]
                name, birth = self.unique_name(
                    rng, female, lambda grade=grade: self.pupil_birth(rng, grade), self.mentee_keys
                )
                class_name = f"{grade}{rng.choice(school.letters)}"
            stamp = self.timestamp(rng)
            copy.add(
                id=pk,
                municipality_id=muni.pk,
                school_id=school.pk,
                last_name=name.last,
                first_name=name.first,
                patronymic=name.patronymic,
                birth_date=birth,
                phone=phone,
                email="",
                search_name=search_key(name.full),
                created_at=stamp,
                updated_at=stamp,
                kind=kind,
                class_name=class_name,
                position=position,
                experience_years=experience,
                data_destroyed_at=None,
            )
            person = _Person(pk, kind, name, birth, class_name)
            (teachers if kind == PersonKind.TEACHER else pupils).append(person)
        return pupils, teachers

    def programmes_of(self, rng, school) -> list[dict]:
        roll = rng.random()
        if roll < 0.15:
            keys = ["tp"]
        elif roll < 0.65:
            keys = ["tp", "tt"]
        else:
            keys = ["tp", "tt", "pp" if rng.random() < 0.7 else "sp"]
        starts = {
            "tp": (dt.date(self.year, 10, 15), dt.date(self.year, 11, 2)),
            "tt": (dt.date(self.year, 9, 1),),
            "pp": (dt.date(self.year, 11, 2), dt.date(self.year + 1, 1, 11)),
            "sp": (dt.date(self.year, 11, 2),),
        }
        programmes = []
        for key in keys:
            roll = rng.random()
            review = {"review_status": Programme.Review.NOT_SENT}
            if roll < 0.6:
                review = {
                    "review_status": Programme.Review.APPROVED,
                    "reviewer": rng.choice(
                        ("ГБУ ДПО «ЧИПКРО»", "Экспертный совет департамента образования")
                    ),
                    "review_conclusion": "Программа соответствует методологии (целевой модели) "
                    "наставничества и рекомендуется к реализации.",
                    "reviewed_on": dt.date(self.year, 11, 16) + dt.timedelta(rng.randrange(40)),
                }
            elif roll < 0.75:
                review = {
                    "review_status": Programme.Review.UNDER_REVIEW,
                    "reviewer": "ГБУ ДПО «ЧИПКРО»",
                }
            elif roll < 0.85:
                review = {
                    "review_status": Programme.Review.RETURNED,
                    "reviewer": "ГБУ ДПО «ЧИПКРО»",
                    "review_conclusion": "Не определены планируемые результаты и показатели "
                    "эффективности; программа возвращена на доработку.",
                    "reviewed_on": dt.date(self.year, 11, 20) + dt.timedelta(rng.randrange(30)),
                }
            programme = {
                "id": self.ids["programme"].next(),
                "school_id": school.pk,
                "form_id": self.forms[key].pk,
                "title": f"Программа наставничества «{rng.choice(MOTTOS[key])}»",
                "starts_on": rng.choice(starts[key]),
                "ends_on": dt.date(self.year + rng.choice((7, 7, 8)), 5, 31),
                **review,
            }
            self.copies["programme"].add(**programme)
            programme["key"] = key
            programmes.append(programme)
        return programmes

    def pairs_of(self, rng, muni, school, pupils: list[_Person], teachers: list[_Person]) -> None:
        programmes = self.programmes_of(rng, school)
        by_key = {p["key"]: p for p in programmes}
        candidates: dict[str, list[_Person]] = {p["key"]: [] for p in programmes}
        peer = by_key.get("pp") or by_key.get("sp")
        for pupil in pupils:
            grade = int(pupil.class_name[:-1])
            if peer is not None and grade <= 8 and rng.random() < 0.35:
                candidates[peer["key"]].append(pupil)
            else:
                candidates["tp"].append(pupil)
        if "tt" in candidates:
            candidates["tt"] = list(teachers)

        groups: list[_Group] = []
        for programme in programmes:
            key = programme["key"]
            chosen = [p for p in candidates[key] if rng.random() < (0.85 if key == "tt" else 0.8)]
            chosen.sort(key=lambda p: p.class_name)
            sizes, weights = GROUP_SIZES[key]
            position = 0
            while position < len(chosen):
                size = min(self.limit, rng.choices(sizes, weights=weights)[0])
                members = chosen[position : position + size]
                position += size
                groups += self.group_story(rng, programme, key, members)
        self.mentors_for(rng, muni, school, groups)
        for group in groups:
            self.copies["pair"].add(
                id=group.pk,
                programme_id=group.programme["id"],
                mentor_id=group.mentor,
                starts_on=group.starts_on,
                ends_on=group.ends_on,
                status=group.status,
                termination_reason=group.reason,
                goals=rng.choice(GOALS[group.key]),
                result=rng.choice(RESULTS) if group.status == Pair.Status.COMPLETED else "",
                version=1 if group.status in (Pair.Status.ACTIVE, Pair.Status.PLANNED) else 2,
            )
            for mentee in group.mentees:
                self.copies["member"].add(
                    pair_id=group.pk,
                    mentee_id=mentee.pk,
                    form_id=group.programme["form_id"],
                    is_active=group.status == Pair.Status.ACTIVE,
                )
        self.consents_for(rng, school, groups)

    def group_story(self, rng, programme: dict, key: str, members: list) -> list[_Group]:
        start = programme["starts_on"] + dt.timedelta(days=rng.randint(0, 75))
        end_of_year = dt.date(self.year + 1, 5, 31)
        roll = rng.random()
        if roll < 0.75:
            return [_Group(programme, key, members, Pair.Status.ACTIVE, start)]
        if roll < 0.89:
            ends = dt.date(self.year + 1, 5, 20) + dt.timedelta(days=rng.randint(0, 11))
            return [_Group(programme, key, members, Pair.Status.COMPLETED, start, ends)]
        if roll < 0.96:
            planned = dt.date(self.year + 1, 9, 1) + dt.timedelta(days=rng.randint(0, 20))
            return [_Group(programme, key, members, Pair.Status.PLANNED, planned)]
        ends = min(start + dt.timedelta(days=rng.randint(30, 150)), end_of_year)
        minors = [m for m in members if m.kind == PersonKind.PUPIL and _age_on(m.born, ends) < 18]
        roll = rng.random()
        if roll < 0.45:
            stopped = _Group(programme, key, members, Pair.Status.TERMINATED, start, ends)
            stopped.reason = MENTOR_LEFT
            again = ends + dt.timedelta(days=rng.randint(5, 20))
            return [stopped, _Group(programme, key, members, Pair.Status.ACTIVE, again)]
        stopped = _Group(programme, key, members, Pair.Status.TERMINATED, start, ends)
        if roll < 0.75 and minors:
            stopped.withdrawn = rng.choice(minors)
            stopped.reason = (  # as registry.services.withdraw_consent words it
                "Отозвано согласие законного представителя на обработку персональных данных "
                f"{stopped.withdrawn.name.full} ({ends:%d.%m.%Y})"
            )
        else:
            stopped.reason = rng.choice(OTHER_REASONS)
        return [stopped]

    def new_mentor(self, rng, muni, school, key: str) -> int:
        if key in ("tp", "tt"):
            kind = PersonKind.TEACHER
        elif key == "pp":
            kind = PersonKind.PUPIL if rng.random() < 0.7 else PersonKind.GRADUATE
        else:
            kind = PersonKind.STUDENT if rng.random() < 0.7 else PersonKind.GRADUATE
        female = rng.random() < (0.75 if kind == PersonKind.TEACHER else 0.5)
        if kind == PersonKind.TEACHER:

            def born():
                return dt.date(self.year - 58, 1, 1) + dt.timedelta(days=rng.randrange(33 * 365))

        elif kind == PersonKind.PUPIL:
            grade = rng.randint(9, 11)

            def born():
                return self.pupil_birth(rng, grade)

        else:

            def born():
                return dt.date(self.year - 22, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))

        name, birth = self.unique_name(rng, female, born, self.mentor_keys)
        if kind == PersonKind.TEACHER:
            position = rng.choice(SUBJECTS)
        elif kind == PersonKind.PUPIL:
            position = f"{grade}{rng.choice(school.letters)}"
        elif kind == PersonKind.STUDENT:
            position = rng.choice(UNIVERSITIES)
        else:
            position = f"выпускник {birth.year + 18} года"
        pk = self.ids["mentor"].next()
        stamp = self.timestamp(rng)
        self.copies["mentor"].add(
            id=pk,
            municipality_id=muni.pk,
            last_name=name.last,
            first_name=name.first,
            patronymic=name.patronymic,
            birth_date=birth,
            phone=self.phone(rng) if kind == PersonKind.TEACHER else "",
            email="",
            search_name=search_key(name.full),
            created_at=stamp,
            updated_at=stamp,
            kind=kind,
            partner_id=None,
            position=position,
        )
        self.copies["mentor_school"].add(mentor_id=pk, school_id=school.pk)
        return pk

    def mentors_for(self, rng, muni, school, groups: list[_Group]) -> None:
        """Active groups fill mentors up to the limit (at most two active pairs each); the
        others go round the same mentors; a mentor who left leads only the pair they left."""
        for group in groups:
            group.pk = self.ids["pair"].next()
        by_programme: dict[int, list[_Group]] = {}
        for group in groups:
            by_programme.setdefault(group.programme["id"], []).append(group)
        for members in by_programme.values():
            key = members[0].key
            mentors: list[list[int]] = []  # [mentor id, load, active pairs]
            for group in (g for g in members if g.status == Pair.Status.ACTIVE):
                size = len(group.mentees)
                if not mentors or mentors[-1][1] + size > self.limit or mentors[-1][2] >= 2:
                    mentors.append([self.new_mentor(rng, muni, school, key), 0, 0])
                mentors[-1][1] += size
                mentors[-1][2] += 1
                group.mentor = mentors[-1][0]
            others = [g for g in members if g.status != Pair.Status.ACTIVE]
            for index, group in enumerate(others):
                if group.reason == MENTOR_LEFT or not mentors:
                    group.mentor = self.new_mentor(rng, muni, school, key)
                    if group.reason != MENTOR_LEFT:
                        mentors.append([group.mentor, 0, 0])
                else:
                    group.mentor = mentors[index % len(mentors)][0]

    def consents_for(self, rng, school, groups: list[_Group]) -> None:
        """A legal representative's consent before the first pair of every minor pupil (for
        half of those only in a planned pair); withdrawn where a pair ended because of it."""
        starts: dict[int, list[tuple[bool, dt.date]]] = {}
        people: dict[int, _Person] = {}
        withdrawn: dict[int, dt.date] = {}
        for group in groups:
            for mentee in group.mentees:
                if mentee.kind == PersonKind.PUPIL:
                    people[mentee.pk] = mentee
                    starts.setdefault(mentee.pk, []).append(
                        (group.status == Pair.Status.PLANNED, group.starts_on)
                    )
            if group.withdrawn is not None:
                withdrawn[group.withdrawn.pk] = group.ends_on
        curator = school.curator
        for pk, items in starts.items():
            planned, start = min(items)  # the first pair that began, else the planned one
            mentee = people[pk]
            if _age_on(mentee.born, start) >= 18 or (planned and rng.random() < 0.5):
                continue
            given = max(dt.date(self.year, 9, 1), start - dt.timedelta(days=rng.randint(3, 25)))
            name = mentee.name
            pool = name.pool
            roll = rng.random()
            if roll < 0.6:
                relation = Consent.Relation.MOTHER
                representative = _full_name(
                    _feminine(name.base_last), rng.choice(pool.female), rng.choice(pool.fathers)[2]
                )
            elif roll < 0.95:
                relation = Consent.Relation.FATHER
                representative = _full_name(
                    name.base_last, name.father, rng.choice(pool.fathers)[1]
                )
            else:
                relation = Consent.Relation.GUARDIAN
                representative = self.person(rng, rng.random() < 0.7).full
            ended = withdrawn.get(pk)
            self.copies["consent"].add(
                mentee_id=pk,
                representative_name=representative,
                relation=relation,
                document=f"паспорт 96 {rng.randint(0, 99):02d} {rng.randint(0, 999999):06d}",
                given_on=given,
                valid_until=_add_years(mentee.born, 18) if rng.random() < 0.3 else None,
                scan="",
                scan_name="",
                recorded_by_id=curator.pk,
                recorded_at=self.at(given, rng),
                withdrawn_on=ended,
                withdrawal_recorded_by_id=curator.pk if ended else None,
                withdrawal_recorded_at=self.at(ended, rng) if ended else None,
            )

    # 6. the monitoring

    def monitoring(self) -> None:
        form_names = {f.pk: f.name for f in self.forms.values()}
        y = self.year
        half = f"{y}/{(y + 1) % 100:02d}"
        periods = (  # title, start, end, reports due, states of the schools' reports
            (
                f"I полугодие {half}",
                dt.date(y, 9, 1),
                dt.date(y + 1, 1, 31),
                dt.date(y + 1, 2, 10),
                {"accepted": 85, "submitted": 5, "returned": 4, "draft": 3, "none": 3},
            ),
            (
                f"II полугодие {half}",
                dt.date(y + 1, 2, 1),
                dt.date(y + 1, 5, 31),
                dt.date(y + 1, 6, 10),
                {"accepted": 75, "submitted": 10, "returned": 5, "draft": 5, "none": 5},
            ),
        )
        with connection.cursor() as cursor:
            self.report_ids = _Ids(cursor, SchoolReport, 1000)
            self.set_ids = _Ids(cursor, AnswerSet, 5000)
            self.out = {
                "report": _Copy(SchoolReport),
                "event": _Copy(ReportEvent, with_pk=False),
                "set": _Copy(AnswerSet),
                "answer": _Copy(Answer, with_pk=False),
                "swot": _Copy(Swot, with_pk=False),
            }
            targets = []
            for muni in self.munis:
                rng = self.rng("monitoring", muni.number)
                ensure_questionnaires(muni.obj)
                questionnaires = list(
                    Questionnaire.objects.filter(municipality_id=muni.pk).order_by(
                        "stage", "position", "pk"
                    )
                )
                questions: dict[int, list[int]] = {}
                for questionnaire_id, pk in (
                    Question.objects.filter(questionnaire__in=questionnaires)
                    .order_by("position", "pk")
                    .values_list("questionnaire_id", "pk")
                ):
                    questions.setdefault(questionnaire_id, []).append(pk)
                for indicator, year, value in TARGETS:
                    if indicator == IndicatorCode.MENTORS:
                        value *= len(muni.schools)
                    targets.append(
                        Target(
                            municipality_id=muni.pk,
                            indicator=indicator,
                            year=year,
                            value=Decimal(value),
                            note=TARGET_NOTE,
                        )
                    )
                schools = list(School.objects.filter(municipality_id=muni.pk).order_by("pk"))
                swot_programmes = dict(
                    Programme.objects.filter(school__in=schools, form=self.forms["tp"])
                    .order_by("pk")
                    .values_list("school_id", "pk")
                )
                for title, starts_on, ends_on, due, states in periods:
                    period = save_period(
                        municipality=muni.obj,
                        title=title,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        report_due_on=due,
                    )
                    figures = indicators.compute(schools, ends_on, form_names=form_names)
                    moments = ["start", "end"] if starts_on.month < 9 else ["start"]
                    for school in muni.schools:
                        state = rng.choices(list(states), weights=list(states.values()))[0]
                        if state == "none":
                            continue
                        pk = self.school_report(rng, muni, school, period, due, state, figures)
                        self.answers(
                            rng,
                            pk,
                            figures.by_school_form[school.pk],
                            questionnaires,
                            questions,
                            moments,
                        )
                        programme = swot_programmes.get(school.pk)
                        if programme is not None and state != "draft":
                            self.out["swot"].add(
                                report_id=pk,
                                programme_id=programme,
                                **dict(
                                    zip(
                                        ("strengths", "weaknesses", "opportunities", "threats"),
                                        SWOT,
                                        strict=True,
                                    )
                                ),
                            )
            Target.objects.bulk_create(targets)
            for copy in self.out.values():
                copy.flush(cursor)

    def school_report(self, rng, muni, school, period, due, state, figures) -> int:
        """A school's report in ``state``, with the steps services.submit_report and
        review_report would have recorded, and the figures frozen as of the period's end."""
        pk = self.report_ids.next()
        curator, staff = school.curator, muni.staff
        row = {
            "id": pk,
            "period_id": period.pk,
            "school_id": school.pk,
            "status": state,
            "figures": None,
            "submitted_at": None,
            "submitted_by_id": None,
            "reviewed_at": None,
            "reviewed_by_id": None,
            "review_comment": "",
            "version": 1,
        }
        if state != "draft":
            submitted = self.at(due - dt.timedelta(days=rng.randint(-2, 9)), rng)
            trail = []
            if state == "accepted" and rng.random() < 0.1:
                back = self.at(submitted.date() + dt.timedelta(days=rng.randint(1, 4)), rng)
                trail += [
                    ("submitted", curator, submitted, ""),
                    ("returned", staff, back, rng.choice(MONITORING_RETURNS)),
                ]
                submitted = self.at(back.date() + dt.timedelta(days=rng.randint(1, 5)), rng)
            trail.append(("submitted", curator, submitted, ""))
            if state in ("accepted", "returned"):
                reviewed = self.at(submitted.date() + dt.timedelta(days=rng.randint(1, 6)), rng)
                comment = rng.choice(MONITORING_RETURNS) if state == "returned" else ""
                trail.append((state, staff, reviewed, comment))
                row.update(reviewed_at=reviewed, reviewed_by_id=staff.pk, review_comment=comment)
            row.update(
                figures=frozen_figures(figures, school.pk, at=submitted),
                submitted_at=submitted,
                submitted_by_id=curator.pk,
                version=1 + len(trail),
            )
            for action, user, at, comment in trail:
                self.out["event"].add(
                    report_id=pk, action=action, user_id=user.pk, at=at, comment=comment
                )
        self.out["report"].add(**row)
        return pk

    def answers(self, rng, report_id, by_form, questionnaires, questions, moments) -> None:
        """Averaged answers of the main form's mentors and mentees, as the demo has them."""
        counted = next((f for f in by_form if f.form_id == self.forms["tp"].pk), None)
        if counted is None or counted.pairs == 0:
            return
        for questionnaire in questionnaires:
            people = counted.mentees if questionnaire.respondent == "mentee" else counted.mentors
            for moment in moments if questionnaire.stage == Stage.MOTIVATION else [""]:
                base = {"": 7.0, "start": 5.5, "end": 7.0}[moment]
                set_pk = self.set_ids.next()
                self.out["set"].add(
                    id=set_pk,
                    report_id=report_id,
                    questionnaire_id=questionnaire.pk,
                    form_id=self.forms["tp"].pk,
                    moment=moment,
                    respondents=max(1, round(people * rng.uniform(0.6, 0.95))),
                )
                for question in questions.get(questionnaire.pk, []):
                    value = min(10.0, base + rng.random() * 2.8)
                    self.out["answer"].add(
                        answer_set_id=set_pk, question_id=question, average=f"{value:.2f}"
                    )

    # 7. the deferred foreign key checks, now rather than hidden in the commit

    def check_references(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    # 8. statistics

    def analyze(self) -> None:
        tables = [
            model._meta.db_table
            for model in (
                Mentee,
                Mentor,
                Mentor.schools.through,
                Consent,
                Programme,
                Pair,
                PairMentee,
                Execution,
                Execution.history.model,
                Report,
                SchoolReport,
                ReportEvent,
                AnswerSet,
                Answer,
                School,
                SchoolYearStats,
            )
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


COUNTED = (  # a label and a model, or a function giving the model
    ("Муниципалитеты", Municipality),
    ("Департаменты", Department),
    ("Школы", School),
    ("Численность на учебный год", SchoolYearStats),
    ("Пользователи", get_user_model),
    ("Дорожные карты", Roadmap),
    ("Исполнения мероприятий", Execution),
    ("История исполнений", lambda: Execution.history.model),
    ("Отчёты об исполнении", Report),
    ("Наставляемые", Mentee),
    ("Наставники", Mentor),
    ("Наставники в ОО (связи)", lambda: Mentor.schools.through),
    ("Согласия законных представителей", Consent),
    ("Программы наставничества", Programme),
    ("Пары и группы", Pair),
    ("Участники пар", PairMentee),
    ("Анкеты", Questionnaire),
    ("Периоды мониторинга", Period),
    ("Целевые значения", Target),
    ("Отчёты ОО о мониторинге", SchoolReport),
    ("Шаги отчётов ОО", ReportEvent),
    ("Результаты анкетирования", AnswerSet),
    ("Средние баллы", Answer),
    ("SWOT-анализы", Swot),
)


def table_counts() -> list[tuple[str, int]]:
    counts = []
    for label, model in COUNTED:
        if not hasattr(model, "_meta"):
            model = model()
        counts.append((label, model.objects.count()))
    return counts


def generate_region(
    options: RegionOptions, progress: Callable[[str, float], None] | None = None
) -> RegionResult:
    """Fill the database with a synthetic region (see the module's docstring)."""
    started = time.perf_counter()
    generator = _Generator(options, progress)
    with transaction.atomic():
        with connection.cursor() as cursor:  # one generator at a time
            cursor.execute("LOCK TABLE registry_municipality IN SHARE ROW EXCLUSIVE MODE")
        check_database(options)
        generator.step("Справочники и группы", generator.reference)
        generator.step("Муниципалитеты, департаменты, школы", generator.municipalities)
        generator.step("Пользователи", generator.users)
        generator.step("Дорожные карты, исполнения, отчёты", generator.roadmaps)
        generator.step("Реестр: наставляемые, наставники, пары", generator.registry)
        generator.step("Мониторинг: периоды, отчёты ОО", generator.monitoring)
        generator.step("Проверка внешних ключей", generator.check_references)
    generator.step("ANALYZE", generator.analyze)
    return RegionResult(
        steps=generator.steps,
        counts=table_counts(),
        elapsed=time.perf_counter() - started,
        password=generator.password,
        municipalities=[m.name for m in generator.munis],
    )
