"""One validation of text and codes: ASCII digits for codes, no control characters, no direction
controls in names; the same rules and messages for Django forms and Pydantic schemas."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from upstream.core.validators import (
    CountyFips,
    Line,
    MultilineText,
    Name,
    StateFips,
    apply_text_rules,
    is_ascii_digits,
    validate_county_fips,
    validate_line,
    validate_multiline,
    validate_name,
    validate_state_fips,
    xlsx_safe,
)

UNICODE_DIGITS = ["²³", "٣٩", "３９", "߃߉"]  # superscript, Arabic-Indic, full-width, N'Ko


class Codes(BaseModel):
    state: StateFips
    county: CountyFips = ""


class Texts(BaseModel):
    name: Name = "x"
    line: Line = "x"
    notes: MultilineText = "x"


@pytest.mark.parametrize("code", UNICODE_DIGITS)
def test_codes_in_other_digits_are_refused_by_both_layers(code: str) -> None:
    assert code.isdigit()  # what the old checks relied on
    assert not is_ascii_digits(code)
    with pytest.raises(ValidationError, match="two digits 0-9"):
        validate_state_fips(code)
    with pytest.raises(PydanticError, match="two digits 0-9"):
        Codes(state=code)
    with pytest.raises(ValidationError, match="five digits 0-9"):
        validate_county_fips("39" + code + "9")
    with pytest.raises(PydanticError, match="five digits 0-9"):
        Codes(state="39", county="39" + code + "9")


def test_ascii_codes_pass_and_a_county_may_be_empty_in_schemas() -> None:
    validate_state_fips("39")
    validate_county_fips("39049")
    assert Codes(state="39", county="").county == ""
    with pytest.raises(PydanticError):
        Codes(state="39\n")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"])
def test_control_characters_are_refused_in_every_kind_of_text(char: str) -> None:
    value = f"Plan{char}title"
    for validate in (validate_line, validate_multiline, validate_name):
        with pytest.raises(ValidationError, match="control characters"):
            validate(value)
    for field in ("name", "line", "notes"):
        with pytest.raises(PydanticError, match="control characters"):
            Texts(**{field: value})


@pytest.mark.parametrize("char", ["\n", "\r", "\t", "\u2028"])
def test_line_breaks_and_tabs_only_in_multiline_text(char: str) -> None:
    value = f"first{char}second"
    validate_multiline(value)
    assert Texts(notes=value).notes == value
    with pytest.raises(ValidationError, match="one line"):
        validate_line(value)
    with pytest.raises(PydanticError, match="one line"):
        Texts(name=value)


@pytest.mark.parametrize(
    "char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]
)
def test_direction_controls_are_refused_in_names_and_titles(char: str) -> None:
    value = f"Safe Harbor {char}txt.exe"
    with pytest.raises(ValidationError, match="direction controls"):
        validate_name(value)
    with pytest.raises(PydanticError, match="direction controls"):
        Texts(name=value)
    validate_multiline(value)  # prose may quote right-to-left text


def test_real_world_text_passes() -> None:
    for value in ("Coalición del Condado", "Ōhio — “Safe Harbor”", "مأوى آمن", "Ölçü 😀"):
        validate_name(value)
        Texts(name=value, line=value, notes=value)


class _Form(forms.Form):
    name = forms.CharField()
    contact = forms.CharField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea)
    password = forms.CharField(required=False, widget=forms.PasswordInput)


def _errors(**data: Any) -> dict[str, Any]:
    form = _Form(data={"name": "ok", **data})
    apply_text_rules(form)
    form.is_valid()
    return dict(form.errors)


def test_form_text_rules_follow_the_widget_and_spare_passwords() -> None:
    assert _errors() == {}
    assert "name" in _errors(name="Evil\u202eName")
    assert "contact" in _errors(contact="a\x00b")
    assert "contact" not in _errors(contact="Evil\u202eName")
    assert "notes" not in _errors(notes="line one\nline two\ttabbed")
    assert "notes" in _errors(notes="line one\x00")
    assert "password" not in _errors(password="p\x01ss\u202eword")


def test_xlsx_safe_strips_what_a_spreadsheet_cannot_hold() -> None:
    assert xlsx_safe("Plan\x00 ti\x07tle\x1b") == "Plan title"
    assert xlsx_safe("keeps\nlines\tand tabs") == "keeps\nlines\tand tabs"
