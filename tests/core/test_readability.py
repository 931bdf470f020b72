"""The Fernández-Huerta reading ease, and the reading level of the Spanish pages people read."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from upstream.accounts.forms import EmailForm, SignInForm
from upstream.core.readability import (
    PERSON_FACING,
    THRESHOLD,
    fernandez_huerta,
    sentences,
    syllables,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("casa", 2),
        ("teléfono", 4),
        ("poeta", 3),  # hiatus of two strong vowels
        ("leer", 2),
        ("aire", 2),  # diphthong
        ("ciudad", 2),  # weak + weak
        ("país", 2),  # accented weak vowel: hiatus
        ("día", 2),
        ("murciélago", 4),
        ("hoy", 1),  # final y closes the diphthong
        ("Paraguay", 3),
        ("y", 1),
        ("que", 1),
        ("pingüino", 3),
        ("sol", 1),
    ],
)
def test_spanish_syllables(word: str, expected: int) -> None:
    assert syllables(word) == expected


def test_sentences_end_at_stops_and_questions() -> None:
    assert sentences("Hola. ¿Cómo está? ¡Bien!") == 3
    assert sentences("Sin punto final") == 1
    assert sentences("") == 0


def test_the_formula() -> None:
    # 3 words, 4 syllables (el, sol, sa-le), 1 sentence: 206.84 − 0.60·(400/3) − 1.02·3
    reading = fernandez_huerta("El sol sale.")
    assert (reading.words, reading.syllables, reading.sentences) == (3, 4, 1)
    assert reading.score == pytest.approx(206.84 - 80 - 3.06, abs=0.05)


def test_one_long_sentence_reads_harder_than_the_same_words_in_short_ones() -> None:
    short = fernandez_huerta("Pase. Siéntese. Aquí tiene agua. Le vamos a ayudar.")
    long = fernandez_huerta("Pase, siéntese, aquí tiene agua y le vamos a ayudar")
    assert short.score > long.score


def test_long_words_and_sentences_read_harder() -> None:
    easy = fernandez_huerta("Mi casa es su casa. Pase y coma.")
    hard = fernandez_huerta(
        "La implementación interinstitucional de intervenciones comunitarias "
        "multisectoriales requiere coordinación administrativa considerablemente "
        "especializada."
    )
    assert easy.score > 90
    assert hard.score < 30


def test_text_without_words_is_refused() -> None:
    with pytest.raises(ValueError, match="no words"):
        fernandez_huerta(" 123 … ")


def _main_text(html: str) -> str:
    """The visible text of the page's main content (header, menus and footer left out)."""
    match = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    body = match.group(1) if match else html
    body = re.sub(r"<(script|style|form)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"</(p|h\d|li|dt|dd|div|section|td|th|button|a)>", ".\n", body)
    text = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"(\s*\.\s*)+", ". ", text).strip()


@pytest.mark.django_db
def test_person_facing_spanish_pages_read_at_about_sixth_grade(
    capsys: pytest.CaptureFixture[str],
) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    forms = {"accounts/sign_in.html": SignInForm(), "accounts/password_reset.html": EmailForm()}
    report = []
    with translation.override("es"):
        for page in PERSON_FACING:
            context = {**page.context, "form": forms.get(page.template)}
            html = render_to_string(page.template, context, request=request)
            reading = fernandez_huerta(_main_text(html))
            report.append((page.template, reading))
    with capsys.disabled():
        print("\nFernández-Huerta reading ease of the Spanish person-facing pages:")
        for template, reading in report:
            print(f"  {reading.score:6.1f}  {template} ({reading.words} words)")
    hard = [(template, reading.score) for template, reading in report if reading.score < THRESHOLD]
    assert hard == [], f"below {THRESHOLD}: rewrite these in shorter words and sentences"
