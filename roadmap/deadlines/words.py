"""The words of a deadline: text normalised into tokens (Latin look-alikes, dashes, stray
dots), month names in every case, and the phrases a deadline is made of."""

from __future__ import annotations

import re
import unicodedata

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"


KEPT = frozenset("0123456789.,/-")


LATIN_LOOKALIKES = str.maketrans("aceopxykmtbh", "асеорхукмтвн")


WORD_RE = re.compile(r"[^\W\d_]+")


CYRILLIC_RE = re.compile(r"[а-я]")


ORDINAL_RE = re.compile(
    r"(?<![0-9a-z])([0-9]{1,2}|[ivx]{1,4})(?:\s*-\s*|)"
    r"(?:ый|ий|ой|ого|его|го|ое|ее|ом|ем|ая|ья|й|е|м|я)(?![^\W\d_])"
)


LETTER_DIGIT_RE = re.compile(r"(?<=[0-9])(?=[^\W\d_])|(?<=[^\W\d_])(?=[0-9])")


STRAY_DOT_RE = re.compile(r"\.(?![0-9])|(?<![0-9])\.")


SEPARATOR_RE = re.compile(r"([-,/])")


def fix_script(match: re.Match[str]) -> str:
    """Documents pasted from Word often mix Latin look-alikes into Cyrillic words."""
    word = match.group()
    if CYRILLIC_RE.search(word) and not word.isascii():
        return word.translate(LATIN_LOOKALIKES)
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased words, numbers, dates and separators, with spelling noise removed."""
    chars = []
    for ch in unicodedata.normalize("NFKC", text).lower():
        if ch in KEPT:
            chars.append(ch)
        elif ch == "ё":
            chars.append("е")
        elif ch == "і":  # Cyrillic «і» typed for the Roman numeral
            chars.append("i")
        elif ch in DASHES:
            chars.append("-")
        elif ch == ";":
            chars.append(",")
        elif ch.isalpha():
            chars.append(ch)
        elif unicodedata.category(ch) != "Cf":  # soft hyphens and zero-width marks vanish
            chars.append(" ")
    s = WORD_RE.sub(fix_script, "".join(chars))
    s = ORDINAL_RE.sub(r"\1", s)
    s = LETTER_DIGIT_RE.sub(" ", s)
    s = STRAY_DOT_RE.sub(" ", s)
    toks = [SPELLING.get(t, t) for t in SEPARATOR_RE.sub(r" \1 ", s).split()]
    while toks and toks[-1] == ",":
        toks.pop()
    while toks and toks[0] == ",":
        toks.pop(0)
    return toks


def month_forms() -> dict[str, int]:
    forms: dict[str, int] = {}
    soft = {1: "январ", 2: "феврал", 4: "апрел", 6: "июн", 7: "июл"}
    soft |= {9: "сентябр", 10: "октябр", 11: "ноябр", 12: "декабр"}
    for month, stem in soft.items():
        for ending in ("ь", "я", "е", "ю", "ем"):
            forms[stem + ending] = month
    for month, stem in {3: "март", 8: "август"}.items():
        for ending in ("", "а", "е", "у", "ом"):
            forms[stem + ending] = month
    for word in ("май", "мая", "мае", "маю", "маем"):
        forms[word] = 5
    abbreviations = {"янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "июн": 6, "июл": 7}
    abbreviations |= {"авг": 8, "сен": 9, "сент": 9, "окт": 10, "ноя": 11, "нояб": 11, "дек": 12}
    return forms | abbreviations


MONTHS = month_forms()


YEAR_WORDS_SINGULAR = frozenset({"г", "год", "года", "году", "годом"})


YEAR_WORDS_PLURAL = frozenset({"гг", "годы", "годов", "годах", "годам"})


YEAR_WORDS = YEAR_WORDS_SINGULAR | YEAR_WORDS_PLURAL


ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


ORDINAL_STEMS = (("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4))


SPELLING = {"течении": "течение"}  # «в течении года»: a frequent misspelling


END_WORDS = frozenset({"конца", "концу", "окончания", "окончанию"})


DATE_RE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})(?:\.([0-9]{4}|[0-9]{2}))?")


IN_PREFIXES = (
    ("в",),
    ("во",),
    ("в", "течение"),
    ("в", "течение", "всего"),
    ("на", "протяжении"),
    ("на", "протяжении", "всего"),
    ("в", "период"),
    ("в", "ходе"),
)


RANGE_PREFIXES = (
    *IN_PREFIXES,
    ("с",),
    ("со",),
    ("в", "период", "с"),
    ("в", "период", "со"),
    ("в", "течение", "периода", "с"),
)


DUE_PREFIXES = (
    ("до",),
    ("к",),
    ("по",),
    ("не", "позднее"),
    ("не", "позже"),
    ("срок", "до"),
    ("в", "срок"),
    ("в", "срок", "до"),
    ("в", "срок", "не", "позднее"),
    ("в", "срок", "не", "позже"),
)


SCHEDULE_RE = re.compile(
    r"(?:в соответствии (?:с|со)|согласно)(?: .*)?"
    r"|по (?:[а-я]+ )?(?:график|план)[а-я]*(?: .*)?"
    r"|по мере [а-я]+(?: .*)?"
    r"|по (?:запросу|требованию|согласованию|необходимости)(?: .*)?"
)


WHOLE = r"(?:период|периода|срок|срока|время|времени)"


REALISATION = r"(?: реализации(?: .+)?)?"


THROUGHOUT_RE = re.compile(
    rf"(?:в течение|на протяжении|в ходе|в период|за) (?:всего |весь |все )?{WHOLE}{REALISATION}"
    rf"|(?:весь|все|всего) {WHOLE}{REALISATION}"
    rf"|{WHOLE} реализации(?: .+)?"
    r"|(?:в течение|на протяжении|в ходе|в период) (?:всего )?реализации(?: .+)?"
    r"|постоянно|ежедневно|систематически"
)


WHOLE_YEAR_RE = re.compile(r"(?:в течение|на протяжении) (?:всего )?(?:учебного )?года")


YEAR_END_RE = re.compile(
    r"по (?:итогам|окончании|завершении) (?:учебного )?года|(?:в конце|к концу) учебного года"
)


RESULTS_PREFIXES = (
    ("по", "итогам"),
    ("по", "окончании"),
    ("по", "завершении"),
    ("в", "конце"),
)


RECURRING_PHRASES = {
    "еженедельно": "week",
    "ежемесячно": "month",
    "ежеквартально": "quarter",
    "ежеполугодно": "halfyear",
    "ежегодно": "year",
    "ежегодная актуализация": "year",
    "ежегодное обновление": "year",
    "каждую неделю": "week",
    "каждый месяц": "month",
    "каждый квартал": "quarter",
    "каждое полугодие": "halfyear",
    "каждый год": "year",
    "ежечетвертно": "term",
    "каждую четверть": "term",
    "в каждой четверти": "term",
    "по итогам четверти": "term",
    "по итогам каждой четверти": "term",
    "в конце каждой четверти": "term",
    "по окончании каждой четверти": "term",
}


TIMES_RE = re.compile(
    r"(?:не (?:реже|менее) )?(?:(один|одного|[0-9]{1,2}|два|три|четыре) )?"
    r"раза? в (неделю|месяц|квартал|четверть|полугодие|полгода|год)"
)


TIMES_UNITS = {
    "неделю": "week",
    "месяц": "month",
    "квартал": "quarter",
    "четверть": "term",
    "полугодие": "halfyear",
    "полгода": "halfyear",
    "год": "year",
}


TIMES_A_YEAR = {
    "2": "halfyear",
    "два": "halfyear",
    "4": "quarter",
    "четыре": "quarter",
    "12": "month",
}
