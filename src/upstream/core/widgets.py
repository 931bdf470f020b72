"""State and county pickers: people choose "Franklin County, Ohio" from lists, not FIPS codes.

``StateField`` is a select of the 50 states and DC. ``CountyField`` (one county) and
``CountiesField`` (several, for coalitions) list the counties of the state the form holds; with no
state yet they list every county, grouped by state, so the form works without JavaScript. With
JavaScript, htmx replaces the county options whenever the state changes (``county_options``).
``PlacesForm`` checks that the counties are in the chosen state, by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from upstream.core.places import county_choices, county_name, state_choices, state_name

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STATE_FIELD = "state_fips"
COUNTY_FIELD = "county_fips"
WHOLE_STATE = _("None: the whole state")


def county_groups(state_fips: str | None, *, blank: StrOrPromise | None) -> list[Any]:
    """County choices of one state, or of all states grouped under each state's name."""
    head: list[Any] = [("", blank)] if blank is not None else []
    if state_fips:
        return head + county_choices(state_fips)
    groups: dict[str, list[tuple[str, str]]] = {}
    for fips, name in county_choices():
        groups.setdefault(fips[:2], []).append((fips, name))
    return head + [(state_name(state), counties) for state, counties in groups.items()]


class StateField(forms.ChoiceField):
    """The 50 states and DC by name; choosing one refreshes the county list (htmx)."""

    def __init__(self, *, several_counties: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("State"))
        super().__init__(**kwargs)
        self.choices = [("", "- Select a state -"), *state_choices()]
        url = reverse_lazy("county_options")
        self.widget.attrs.update(
            {
                "hx-get": format_lazy("{}?multiple=1", url) if several_counties else url,
                "hx-trigger": "change",
                "hx-target": f"#id_{COUNTY_FIELD}",
                "hx-swap": "innerHTML",
                "hx-include": f"#id_{COUNTY_FIELD}",
                "aria-controls": f"id_{COUNTY_FIELD}",
            }
        )


class _CountyBoundField(forms.BoundField):
    """Shows only the counties of the state the form holds (all, grouped, when it holds none)."""

    def as_widget(self, widget: Any = None, attrs: Any = None, only_initial: bool = False) -> Any:
        field: Any = self.field  # a CountyField or CountiesField
        state = self.form[STATE_FIELD].value() if STATE_FIELD in self.form.fields else None
        if not state:
            state = self.form.initial.get(STATE_FIELD) or field.state_hint(self.value())
        known = dict(state_choices())
        widget = widget or field.widget
        widget.choices = county_groups(
            state if state in known else None, blank=None if field.multiple else field.blank
        )
        return super().as_widget(widget, attrs, only_initial)


class CountyField(forms.ChoiceField):
    """One county (optional): a five-digit FIPS code chosen by name."""

    multiple = False

    def __init__(self, *, blank: StrOrPromise = WHOLE_STATE, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("County"))
        kwargs.setdefault("required", False)
        self.blank = blank
        super().__init__(**kwargs)
        self.choices = [("", blank), *county_choices()]

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        return _CountyBoundField(form, self, field_name)

    def state_hint(self, value: Any) -> str | None:
        return str(value)[:2] if value else None

    def validate(self, value: Any) -> None:
        if value and not self.valid_value(value):
            raise ValidationError(_("Choose a county from the list."), code="invalid_choice")
        super().validate(value)


class CountiesField(forms.MultipleChoiceField):
    """Several counties (optional), for a coalition's area."""

    multiple = True
    blank = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Counties"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": "8"}))
        super().__init__(**kwargs)
        self.choices = county_choices()

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        return _CountyBoundField(form, self, field_name)

    def state_hint(self, value: Any) -> str | None:
        values = [v for v in (value or []) if v]
        return str(values[0])[:2] if values else None

    def validate(self, value: Any) -> None:
        for code in value or []:
            if not self.valid_value(code):
                raise ValidationError(_("Choose counties from the list."), code="invalid_choice")
        super().validate(value)


class PlacesForm(forms.Form):
    """A form with ``state_fips`` and ``county_fips`` (one or several): counties of that state."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        state = cleaned.get(STATE_FIELD)
        counties = cleaned.get(COUNTY_FIELD)
        if not state or not counties:
            return cleaned
        codes = [counties] if isinstance(counties, str) else list(counties)
        outside = [code for code in codes if not code.startswith(state)]
        if outside:
            names = "; ".join(county_name(code) for code in outside)
            self.add_error(
                COUNTY_FIELD,
                f"{names} {'is' if len(outside) == 1 else 'are'} not in {state_name(state)}: "
                f"choose counties of {state_name(state)}, or none for the whole state.",
            )
        return cleaned


def county_options_html(choices: list[Any], selected: set[str]) -> str:
    """``<option>`` (and ``<optgroup>``) elements of ``county_groups`` choices."""

    def option(value: str, label: str) -> str:
        chosen = " selected" if value in selected else ""
        return str(format_html('<option value="{}"{}>{}</option>', value, chosen, label))

    parts = []
    for value, label in choices:
        if isinstance(label, list):
            inner = "".join(option(v, name) for v, name in label)
            parts.append(str(format_html('<optgroup label="{}">', value)) + inner + "</optgroup>")
        else:
            parts.append(option(value, label))
    return "".join(parts)


def county_options(request: HttpRequest) -> HttpResponse:
    """The county options of ``?state_fips=``, for htmx to swap into the county select
    (``?multiple=1``: without the "whole state" choice)."""
    state = request.GET.get(STATE_FIELD, "")
    multiple = request.GET.get("multiple") == "1"
    known = dict(state_choices())
    choices = county_groups(
        state if state in known else None, blank=None if multiple else WHOLE_STATE
    )
    return HttpResponse(county_options_html(choices, set(request.GET.getlist(COUNTY_FIELD))))
