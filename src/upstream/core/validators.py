"""One validation of text and codes, shared by the forms, the API schemas and the importers.

* Codes (FIPS) are ASCII digits only: ``str.isdigit()`` and ``\\d`` also accept "²³" and "٣٩".
* Text never holds NUL or other control characters; multi-line fields may hold tabs and line
  breaks, single-line fields may not.
* Names and titles refuse Unicode bidirectional overrides and isolates (U+202A–U+202E,
  U+2066–U+2069), which can make a name display as something else.

Each rule is a Django validator (for form and model fields) and an ``Annotated`` Pydantic type
(for API schemas) raising the same message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters refused in any text (tab, line feed and carriage return are not here)."""

LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")

CONTROL_MESSAGE = _("Remove the control characters (such as NUL) from this text.")
LINE_MESSAGE = _("Keep this to one line: no line breaks or tabs.")
BIDI_MESSAGE = _(
    "Remove the Unicode direction controls (U+202A–U+202E, U+2066–U+2069) from this text."
)
STATE_FIPS_MESSAGE = _("A state FIPS code is two digits 0-9, e.g. 39.")
COUNTY_FIPS_MESSAGE = _("A county FIPS code is five digits 0-9, e.g. 39049.")

NAME_FIELDS = frozenset({"name", "title", "full_name"})
"""Form fields that are names or titles, which refuse direction controls too."""


def is_ascii_digits(value: str) -> bool:
    """True for a non-empty string of the digits 0-9 only."""
    return value.isascii() and value.isdigit()


def text_problem(value: str, *, multiline: bool = False, name: bool = False) -> str | None:
    """The message for the first rule ``value`` breaks, or None."""
    if CONTROL_CHARACTERS.search(value):
        return str(CONTROL_MESSAGE)
    if not multiline and LINE_BREAKS.search(value):
        return str(LINE_MESSAGE)
    if name and BIDI_CONTROLS.search(value):
        return str(BIDI_MESSAGE)
    return None


def xlsx_safe(value: str) -> str:
    """``value`` without the characters a spreadsheet cell cannot hold (for text already stored)."""
    return CONTROL_CHARACTERS.sub("", value)


# --- Django validators -------------------------------------------------------------------------


def _django(value: Any, **rules: bool) -> None:
    if isinstance(value, str):
        message = text_problem(value, **rules)
        if message:
            raise ValidationError(message, code="invalid_text")


def validate_line(value: Any) -> None:
    """Single-line text: no control characters, line breaks or tabs."""
    _django(value)


def validate_multiline(value: Any) -> None:
    """Multi-line text: no control characters (tabs and line breaks are fine)."""
    _django(value, multiline=True)


def validate_name(value: Any) -> None:
    """A name or title: one line, no control characters, no direction controls."""
    _django(value, name=True)


def _digits(length: int, message: StrOrPromise) -> Any:
    def validate(value: Any) -> None:
        if isinstance(value, str) and not (len(value) == length and is_ascii_digits(value)):
            raise ValidationError(message, code="invalid")

    return validate


validate_state_fips = _digits(2, STATE_FIPS_MESSAGE)
validate_county_fips = _digits(5, COUNTY_FIPS_MESSAGE)


def apply_text_rules(form: forms.BaseForm) -> None:
    """Give every text field of ``form`` the rule its widget implies.

    A textarea is multi-line text; any other text input is one line, and a field named like a name
    or title (:data:`NAME_FIELDS`) also refuses direction controls. Passwords are left alone.
    """
    for field_name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
            continue
        if isinstance(field.widget, forms.Textarea):
            rule = validate_multiline
        elif field_name in NAME_FIELDS:
            rule = validate_name
        else:
            rule = validate_line
        if rule not in field.validators:
            field.validators.append(rule)


# --- Pydantic types ----------------------------------------------------------------------------


def _pydantic(**rules: bool) -> Any:
    def check(value: str) -> str:
        message = text_problem(value, **rules)
        if message:
            raise ValueError(str(message))
        return value

    return AfterValidator(check)


def _pydantic_digits(length: int, message: StrOrPromise, *, blank: bool = False) -> Any:
    def check(value: str) -> str:
        if blank and value == "":
            return value
        if not (len(value) == length and is_ascii_digits(value)):
            raise ValueError(str(message))
        return value

    return AfterValidator(check)


Line = Annotated[str, _pydantic()]
"""Single-line text."""
MultilineText = Annotated[str, _pydantic(multiline=True)]
"""Text that may hold tabs and line breaks."""
Name = Annotated[str, _pydantic(name=True)]
"""A name or title."""
StateFips = Annotated[str, _pydantic_digits(2, STATE_FIPS_MESSAGE)]
CountyFips = Annotated[str, _pydantic_digits(5, COUNTY_FIPS_MESSAGE, blank=True)]
"""Five ASCII digits, or empty for none."""


# --- models ------------------------------------------------------------------------------------


def text_field_errors(instance: Any) -> dict[str, list[str]]:
    """Every text rule the ``instance``'s fields break, by field (for ``Model.clean``).

    A ``TextField`` is multi-line; a ``CharField`` is one line, and a name or title also refuses
    direction controls; ``state_fips`` and ``county_fips`` are ASCII digits. Kept out of the
    field definitions so that the rules can change without a migration.
    """
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname, None)
        if not isinstance(value, str) or not value:
            continue
        if field.name == "state_fips" and not (len(value) == 2 and is_ascii_digits(value)):
            errors[field.name] = [str(STATE_FIPS_MESSAGE)]
            continue
        if field.name == "county_fips" and not (len(value) == 5 and is_ascii_digits(value)):
            errors[field.name] = [str(COUNTY_FIPS_MESSAGE)]
            continue
        if isinstance(field, models.TextField):
            message = text_problem(value, multiline=True)
        elif isinstance(field, models.CharField) and field.name != "password":
            message = text_problem(value, name=field.name in NAME_FIELDS)
        else:
            continue
        if message:
            errors[field.name] = [message]
    return errors


def validate_text_fields(instance: Any) -> None:
    """Raise the :func:`text_field_errors` of ``instance`` as one ``ValidationError``."""
    if errors := text_field_errors(instance):
        raise ValidationError(errors)
