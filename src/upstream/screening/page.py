"""An instrument shaped for a form in one language: what to show, in what order, with what.

The page model is what a template renders; it is built from the instrument and the server's
:class:`~upstream.screening.scoring.Evaluation`, never from what a browser claims.
"""

from __future__ import annotations

from dataclasses import dataclass

from upstream.screening.questionnaire import AnswerValue, Coding, Instrument, Text
from upstream.screening.scoring import Evaluation


@dataclass(frozen=True, slots=True)
class OptionView:
    key: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class ItemView:
    link_id: str
    type: str
    depth: int
    text: str
    prefix: str | None
    help: tuple[str, ...]
    control: str | None
    options: tuple[OptionView, ...]
    answers: tuple[AnswerValue, ...]
    required: bool
    read_only: bool
    entry_format: str | None
    unit: str | None
    max_length: int | None
    untranslated: bool


def option_key(value: AnswerValue) -> str:
    """A stable form value for an option: ``system|code`` for a Coding, else the value as text."""
    if isinstance(value, Coding):
        return f"{value.system or ''}|{value.code}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _label(display: Text, value: AnswerValue, language: str | None) -> str:
    found = display.get(language)
    if found:
        return found
    if isinstance(value, Coding):
        return value.display or value.code
    return str(value)


def page_model(
    instrument: Instrument, evaluation: Evaluation, *, language: str | None = None
) -> tuple[ItemView, ...]:
    """The enabled, visible items in document order; help items fold into the item they explain."""
    out: list[ItemView] = []
    for item in instrument.walk():
        if item.link_id not in evaluation.enabled or item.hidden or item.control == "help":
            continue
        helps = tuple(
            text
            for child in item.children
            if (c := instrument.items[child]).control == "help" and (text := c.text.get(language))
        )
        given = evaluation.answers.get(item.link_id) or ()
        options = tuple(
            OptionView(
                key=option_key(o.value),
                label=_label(o.display, o.value, language),
                selected=any(option_key(a) == option_key(o.value) for a in given),
            )
            for o in evaluation.options.get(item.link_id) or ()
        )
        untranslated = (
            language is not None and language != instrument.language and not item.text.has(language)
        )
        out.append(
            ItemView(
                link_id=item.link_id,
                type=item.type,
                depth=item.depth,
                text=item.text.get(language) or "",
                prefix=item.prefix.get(language),
                help=helps,
                control=item.control,
                options=options,
                answers=given,
                required=item.required,
                read_only=item.is_computed,
                entry_format=item.entry_format.get(language),
                unit=item.unit,
                max_length=item.max_length,
                untranslated=bool(untranslated and item.text),
            )
        )
    return tuple(out)
