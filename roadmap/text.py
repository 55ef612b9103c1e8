"""Text as people type it into Word and Excel, cleaned the same way for the seed and for imports.

What is cleaned is only what careless typing or a PDF conversion adds: runs of spaces, invisible
characters, «00» typed for «ОО», a year glued to the word after it («2020года») and words
broken by a hyphen at the end of a line («наставни- чества»). Everything else is kept as
written, line breaks included.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["clean_line", "clean_text", "morph"]

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES_RE = re.compile(r"[^\S\n]+")
# «00» alone (not in 100, 10:00, 2.00 or a code) is the letters «ОО», a school.
_ZERO_ZERO_RE = re.compile(r"(?<![\w.,:/№-])00(?![\w.,:/-])")
# A year glued to «года», «году», «год», «г.»: «2020года» is «2020 года».
_GLUED_YEAR_RE = re.compile(r"(?<![\w.,:/№-])((?:19|20)\d\d)(?=(?:год|г\.))")
# A word broken at the end of a line: «наставни- чества», «материально-\nтехническое».
_BROKEN_WORD_RE = re.compile(r"([^\W\d_]+)-[ \n]+([^\W\d_]+)")


@lru_cache(maxsize=1)
def morph():
    """The Russian dictionary (pymorphy3), loaded once on first use (about 0.1 s)."""
    import logging

    import pymorphy3

    logging.getLogger("pymorphy3").setLevel(logging.WARNING)  # no line per process start
    return pymorphy3.MorphAnalyzer(lang="ru")


def _join_broken_word(match: re.Match[str]) -> str:
    left, right = match[1], match[2]
    if not right[0].islower():
        return match[0]
    analyzer = morph()
    if analyzer.word_is_known((left + right).lower()):
        return left + right
    if analyzer.word_is_known(f"{left}-{right}".lower()):
        return f"{left}-{right}"
    return match[0]  # «октябрь- ноябрь» and the like stay as written


def clean_text(text: str) -> str:
    """Lines stripped, spaces single, blank lines at either end dropped; line breaks kept."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    text = "\n".join(lines)
    if "-" in text:
        text = _BROKEN_WORD_RE.sub(_join_broken_word, text)
    if "00" in text:
        text = _ZERO_ZERO_RE.sub("ОО", text)
    if "г" in text:
        text = _GLUED_YEAR_RE.sub(r"\1 ", text)
    return text


def clean_line(text: str) -> str:
    """``clean_text`` on one line: line breaks become spaces."""
    return " ".join(line for line in clean_text(text).split("\n") if line)
