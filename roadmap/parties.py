"""Responsible parties as documents write them, matched to the shared list (справочник).

Schools and municipalities write the same party many ways: «Зам. директора по УВР» and
«Заместитель директора по УВР», «Педагог - психолог» and «Педагог-психолог», «ОО» and
«Образовательные организации». A name is compared by a key: lower case, single spaces, hyphens
without spaces, abbreviations written out and every word in its dictionary form. Positions
inside a school (директор, классные руководители, педагог-психолог…) are the school: the party
«образовательные организации», whose part every participating school owes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from roadmap.text import clean_line, morph

KNOWN = "known"  # the name is in the list as written
MATCHED = "matched"  # the same party written another way
SCHOOL = "school"  # a position inside a school: the schools' party
NEW = "new"  # not in the list: added when the draft is created

DEPARTMENT_KIND = "department"
SCHOOLS_KIND = "schools"
EXTERNAL_KIND = "external"
SCHOOLS_NAME = "Образовательные организации"

_LATIN_LOOKALIKES = str.maketrans("aceopxykmtbhAСEOPXYKMTBH", "асеорхукмтвнАСЕОРХУКМТВН")
_CYRILLIC_RE = re.compile(r"[а-яё]", re.IGNORECASE)
_DASH_RE = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")
_WORD_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_AND_RE = re.compile(r"\s+и\s+")

# Abbreviations officials use in the «Ответственный» column, written out.
ABBREVIATIONS = {
    "зам": "заместитель",
    "замдиректора": "заместитель директора",
    "дир": "директор",
    "рук": "руководитель",
    "кл": "классный",
    "пед": "педагог",
    "соц": "социальный",
    "зав": "заведующий",
    "нач": "начальник",
    "спец": "специалист",
    "отв": "ответственный",
    "учит": "учитель",
    "оо": "образовательная организация",
    "оу": "образовательное учреждение",
    "мцн": "муниципальный центр наставничества",
    "шмо": "школьное методическое объединение",
    "уо": "управление образования",
}
# A name that is only an abbreviation of a whole party.
WHOLE_NAMES = {"до": "департамент образования", "ду": "департамент образования"}

# Words (dictionary forms) naming a position or a body inside a school.
SCHOOL_WORDS = frozenset(
    {
        "директор",
        "завуч",
        "заместитель",
        "классный",
        "педагог",
        "психолог",
        "педагог-психолог",
        "педагог-организатор",
        "учитель",
        "учитель-предметник",
        "учитель-логопед",
        "куратор",
        "воспитатель",
        "вожатый",
        "советник",
        "библиотекарь",
        "логопед",
        "дефектолог",
        "тьютор",
        "наставник",
        "школа",
        "гимназия",
        "лицей",
        "сош",
        "оош",
        "мбоу",
        "мкоу",
        "моу",
        "гбоу",
        "мбдоу",
        "образовательный",
        "педколлектив",
        "педагогический",
    }
)
# Words that name a body outside the school: with one of these a name is never the school.
OUTSIDE_WORDS = frozenset(
    {
        "департамент",
        "управление",
        "отдел",
        "министерство",
        "минпросвещения",
        "минобрнаука",
        "мэрия",
        "муниципальный",
        "центр",
        "институт",
        "университет",
        "колледж",
        "чипкро",
        "ипк",
        "ипкро",
        "комиссия",
        "кдн",
        "пдн",
        "мвд",
        "полиция",
        "больница",
        "поликлиника",
        "предприятие",
        "партнёр",
        "партнер",
        "работодатель",
        "фонд",
        "ассоциация",
        "движение",
    }
)
DEPARTMENT_WORDS = frozenset({"департамент", "управление", "отдел", "муниципальный"})


@dataclass
class PartyMatch:
    """One responsible party of a measure: as the document wrote it and what it stands for."""

    text: str  # as written (cleaned)
    name: str  # the list's name, or the name it will be added under
    kind: str  # ResponsibleParty.Kind value
    status: str  # KNOWN, MATCHED, SCHOOL or NEW


def party_key(text: str) -> str:
    """«Зам.  директора по УВР» and «заместителю директора по увр» give the same key."""
    text = clean_line(text).casefold().replace("ё", "е")
    text = re.sub(r"[^\W\d_]+", _fix_script, text)
    text = _DASH_RE.sub("-", text)
    words = _WORD_RE.findall(text)
    if len(words) == 1 and words[0] in WHOLE_NAMES:
        words = WHOLE_NAMES[words[0]].split()
    expanded: list[str] = []
    for word in words:
        expanded.extend(ABBREVIATIONS.get(word, word).split())
    return " ".join(_lemma(word) for word in expanded)


def _fix_script(match: re.Match[str]) -> str:
    word = match.group()
    if _CYRILLIC_RE.search(word) and not word.isascii():
        return word.translate(_LATIN_LOOKALIKES)
    return word


def _lemma(word: str) -> str:
    if not word.isalpha() and "-" in word:
        return "-".join(_lemma(part) for part in word.split("-"))
    if not word.isalpha():
        return word
    return morph().parse(word)[0].normal_form.replace("ё", "е")


def display_name(text: str) -> str:
    """A new party's name: cleaned, hyphens between words without spaces, a capital first."""
    name = re.sub(r"(?<=[^\W\d_])\s+[-\u2010-\u2015\u2212]\s+(?=[^\W\d_])", "-", clean_line(text))
    return name[:1].upper() + name[1:]


def split_parties(text: str) -> Iterator[str]:
    """The cell «Департамент образования, образовательные организации» -> two names.

    A part without a letter or digit («—», «-») names nobody and is left out.
    """
    for part in re.split(r"[,;\n]", text or ""):
        part = clean_line(part).strip(" .")
        if any(ch.isalnum() for ch in part):
            yield part


class PartyMatcher:
    """Matches written names to the list; remembers the new ones met in the same file."""

    def __init__(self, parties: Iterable[tuple[str, str]]):
        self.exact: dict[str, tuple[str, str]] = {}
        self.by_key: dict[str, tuple[str, str]] = {}
        self.schools: tuple[str, str] | None = None
        for name, kind in parties:
            self.exact.setdefault(name.casefold(), (name, kind))
            self.by_key.setdefault(party_key(name), (name, kind))
            if kind == SCHOOLS_KIND and self.schools is None:
                self.schools = (name, kind)
        self.known_words = {key: set(key.split()) for key in self.by_key}
        self.new: dict[str, PartyMatch] = {}

    def match_cell(self, text: str) -> list[PartyMatch]:
        found: list[PartyMatch] = []
        for part in split_parties(text):
            pieces = _AND_RE.split(part)
            resolved = [self._resolve(piece) for piece in pieces] if len(pieces) > 1 else [None]
            if all(resolved):
                found.extend(m for m in resolved if m is not None)
            else:
                found.append(self.match(part))
        return found

    def match(self, text: str) -> PartyMatch:
        text = clean_line(text)
        found = self._resolve(text)
        if found is not None:
            return found
        key = party_key(text)
        if set(key.split()) & SCHOOL_WORDS:  # a school position with no schools' party listed
            return self._new(key, SCHOOLS_NAME, SCHOOLS_KIND, text=text)
        words = set(key.split())
        kind = DEPARTMENT_KIND if words & DEPARTMENT_WORDS and "образование" in words else None
        return self._new(key, display_name(text), kind or EXTERNAL_KIND, text=text)

    def _resolve(self, text: str) -> PartyMatch | None:
        """The party a name stands for without adding one; None for a party not listed."""
        text = clean_line(text)
        exact = self.exact.get(text.casefold())
        if exact is not None:
            return PartyMatch(text, exact[0], exact[1], KNOWN)
        key = party_key(text)
        same = self.by_key.get(key) or self._containing(key)
        if same is not None:
            is_new = any(m.name == same[0] for m in self.new.values())
            return PartyMatch(text, same[0], same[1], NEW if is_new else MATCHED)
        words = set(key.split())
        if words & SCHOOL_WORDS and not words & OUTSIDE_WORDS and self.schools is not None:
            is_new = any(m.name == self.schools[0] for m in self.new.values())
            return PartyMatch(text, self.schools[0], SCHOOLS_KIND, NEW if is_new else SCHOOL)
        return None

    def _containing(self, key: str) -> tuple[str, str] | None:
        """A list party whose every word the name has: «Специалист департамента образования»."""
        words = set(key.split())
        inside = [
            k for k, party_words in self.known_words.items() if party_words and party_words <= words
        ]
        best = max(inside, key=lambda k: len(self.known_words[k]), default=None)
        return self.by_key[best] if best is not None else None

    def _new(self, key: str, name: str, kind: str, *, text: str) -> PartyMatch:
        if kind == SCHOOLS_KIND:
            self.schools = (name, kind)
            self.new.setdefault(party_key(name), PartyMatch(text, name, kind, NEW))
            return PartyMatch(text, name, kind, NEW)
        first = self.new.setdefault(key, PartyMatch(text, name, kind, NEW))
        self.by_key.setdefault(key, (name, kind))
        self.known_words.setdefault(key, set(key.split()))
        return PartyMatch(text, first.name, first.kind, NEW)
