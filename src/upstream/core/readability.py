"""How easy Spanish text is to read: the Fernández-Huerta score.

Fernández Huerta (1959) adapted Flesch's reading ease to Spanish:
``206.84 − 0.60 × P − 1.02 × F``, with P the syllables per 100 words and F the words per sentence
(the sentence term is Flesch's own; the often-quoted "sentences per 100 words" would make more,
shorter sentences read harder, the opposite of what the score measures). Higher is easier:
90–100 very easy, 80–90 easy (about sixth grade), 70–80 fairly easy, 60–70 standard.

Upstream asks for 80 or more on every page a person who is not a professional user reads
(``PERSON_FACING``; docs/decisions/0019-languages.md). Screening pages join that list when they
are added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Sixth grade, about "easy" on the Fernández-Huerta scale.
THRESHOLD = 80.0

_STRONG = set("aeoáéó")
_ACCENTED_WEAK = set("íú")
_VOWELS = set("aeiouáéíóúü")
_WORD = re.compile(r"[a-záéíóúüñ]+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…]+|[:;]\s|\n\s*\n")


def _hiatus(first: str, second: str) -> bool:
    """Whether two adjacent vowels belong to different syllables."""
    if first in _STRONG and second in _STRONG:
        return True  # po-e-ta, le-er
    return first in _ACCENTED_WEAK or second in _ACCENTED_WEAK  # dí-a, pa-ís, o-ír


def syllables(word: str) -> int:
    """The syllables of one Spanish word (at least one for any word with letters)."""
    word = word.lower()
    if word.endswith("y") and len(word) > 1 and word[-2] in _VOWELS:
        word = word[:-1] + "i"  # hoy, muy, Paraguay: the final y closes a diphthong
    elif word == "y":
        return 1
    count = 0
    previous = ""
    for char in word:
        if char in _VOWELS:
            if not previous or _hiatus(previous, char):
                count += 1
            previous = char
        else:
            previous = ""
    return max(count, 1)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> int:
    """Sentences in ``text``: ended by . ! ? … (a final unended one counts too)."""
    parts = [part for part in _SENTENCE_END.split(text) if _WORD.search(part)]
    return max(len(parts), 1 if _WORD.search(text) else 0)


@dataclass(frozen=True)
class Reading:
    score: float
    words: int
    sentences: int
    syllables: int


def fernandez_huerta(text: str) -> Reading:
    """The Fernández-Huerta reading ease of Spanish ``text``; ValueError if it has no words."""
    found = words(text)
    if not found:
        raise ValueError("the text has no words to measure")
    total = sum(syllables(word) for word in found)
    count = sentences(text)
    n = len(found)
    score = 206.84 - 0.60 * (100 * total / n) - 1.02 * (n / count)
    return Reading(score=round(score, 1), words=n, sentences=count, syllables=total)


@dataclass(frozen=True)
class PersonFacing:
    """A template a person who is not a professional user reads, and what it needs to render."""

    template: str
    context: dict[str, Any]


# Every page addressed to someone signing in, invited, or (later) being screened.
PERSON_FACING: tuple[PersonFacing, ...] = (
    PersonFacing("accounts/sign_in.html", {"form": None}),
    PersonFacing("accounts/password_reset.html", {"form": None}),
    PersonFacing("accounts/password_reset_sent.html", {}),
    PersonFacing("accounts/password_reset_unusable.html", {}),
    PersonFacing("accounts/invitation_unusable.html", {}),
    PersonFacing("accounts/locked_out.html", {"minutes": 15}),
    PersonFacing("core/welcome.html", {}),
    PersonFacing("core/403.html", {}),
    PersonFacing("core/404.html", {}),
    PersonFacing("core/500.html", {}),
    PersonFacing("403_csrf.html", {}),
)
