"""Names of people and places for the synthetic region: Chechen and Russian surnames, first
names and patronymics made from the father's name, towns and streets of the republic.

A person is drawn from a random stream (``person(rng, female)``): the same stream gives the
same people. ``unique_name`` keeps the municipality's rule that two people of one kind never
share a full name and a birth date.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass


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
        return full_name(self.last, self.first, self.patronymic)


def feminine(last_name: str) -> str:
    return last_name + "а" if last_name.endswith(("ов", "ев", "ёв", "ин")) else last_name


def full_name(last: str, first: str, patronymic: str) -> str:
    return " ".join(p for p in (last, first, patronymic) if p)


def initials_name(first: str, patronymic: str, last: str) -> str:
    return f"{first[0]}.{patronymic[0]}. {last}"


def person(rng: random.Random, female: bool) -> Name:
    pool = RUSSIAN if rng.random() < RUSSIAN_SHARE else CHECHEN
    base = rng.choice(pool.last)
    father, son, daughter = rng.choice(pool.fathers)
    if female:
        return Name(feminine(base), rng.choice(pool.female), daughter, base, father, pool)
    return Name(base, rng.choice(pool.male), son, base, father, pool)


def unique_name(
    rng: random.Random, female: bool, born: Callable[[], dt.date], keys: set
) -> tuple[Name, dt.date]:
    """A name and birth date not yet in ``keys`` (the municipality's uniqueness rule)."""
    while True:
        name = person(rng, female)
        birth = born()
        key = (name.last.lower(), name.first.lower(), name.patronymic.lower(), birth)
        if key not in keys:
            keys.add(key)
            return name, birth
