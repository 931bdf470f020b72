"""The custom-index form: what the index is about, and one theme/weight/direction row per indicator.

Only the problems the form alone can see are raised here; everything else about the
specification (keys, years, weights, geographies) is checked by
:func:`upstream.community.services.index_define_and_compute`, whose messages the page shows.
Choices are offered by the widgets but not checked by the fields for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from upstream.core.forms import UswdsForm
from upstream.core.validators import apply_text_rules

DEFAULT_YEAR = "2022"
DEFAULT_WEIGHT = "1"
RANKINGS = [("national", _("Nationally")), ("state", _("Within each state"))]
_ROW_PARTS = ("theme", "weight", "direction")
# Labels and hints with markup, translated when rendered (in the language of the request).
_safe = lazy(mark_safe, SafeString)
DIRECTIONS = [
    ("higher", pgettext_lazy("more vulnerable when the value is", "higher")),
    ("lower", pgettext_lazy("more vulnerable when the value is", "lower")),
]


def _with_defaults(data: Any, defaults: dict[str, str]) -> Any:
    """``data`` with ``defaults`` for the names it lacks (not for those posted blank)."""
    if data is None:
        return None
    data = data.copy()
    for name, value in defaults.items():
        if name not in data:
            data[name] = value
    return data


class _ExtraClasses(UswdsForm):
    """Keeps size classes (``usa-input--small``) that :class:`UswdsForm` would replace."""

    extra_classes: dict[str, str] = {}

    def _describe(self) -> None:
        super()._describe()
        for name, extra in self.extra_classes.items():
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs['class']} {extra}"


class IndexForm(_ExtraClasses):
    """What the index is called, where and how it ranks counties."""

    key = forms.CharField(
        label=_("Key"),
        required=False,
        help_text=_safe(
            _("Letters, digits and hyphens, e.g. <code>county-tvi-2022</code>. Used in links.")
        ),
        widget=forms.TextInput(attrs={"required": True}),
    )
    name = forms.CharField(
        label=_("Name"), required=False, widget=forms.TextInput(attrs={"required": True})
    )
    description = forms.CharField(
        label=_safe(
            format_lazy('{} <span class="usa-hint">{}</span>', _("Description"), _("(optional)"))
        ),
        required=False,
        widget=forms.Textarea,
    )
    geography_set = forms.CharField(
        label=_("Geographies"), required=False, strip=False, widget=forms.Select
    )
    year = forms.CharField(
        label=_("Year of the data"),
        required=False,
        initial=DEFAULT_YEAR,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "required": True}),
    )
    ranking = forms.CharField(
        label=_("Rank counties"),
        required=False,
        strip=False,
        initial="national",
        widget=forms.Select(choices=RANKINGS),
    )
    population = forms.CharField(
        label=_safe(
            format_lazy(
                '{} <span class="usa-hint">{}</span>',
                _("Population indicator"),
                _("(optional: counties with zero population are left out)"),
            )
        ),
        required=False,
        strip=False,
        widget=forms.Select,
    )

    extra_classes = {"year": "usa-input--small"}

    def __init__(
        self,
        data: Any = None,
        *,
        geography_sets: Iterable[tuple[str, str]],
        indicators: Iterable[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(_with_defaults(data, {"ranking": "national"}), **kwargs)
        self.fields["geography_set"].widget.choices = list(geography_sets)
        self.fields["population"].widget.choices = [("", gettext("None")), *indicators]

    def spec(self) -> dict[str, Any]:
        """The specification's fields other than its themes; call once the form is valid."""
        data = self.cleaned_data
        year = data["year"]
        spec: dict[str, Any] = {
            "key": data["key"],
            "name": data["name"],
            "description": data["description"],
            "geography_set": data["geography_set"],
            "year": int(year) if year.isascii() and year.isdigit() else year,
            "ranking": data["ranking"],
        }
        if data["population"]:
            spec["population"] = data["population"]
        return spec


class IndicatorRowsForm(_ExtraClasses):
    """Theme, weight and direction for each indicator with data, named by indicator key.

    Fields are named by key, not position: a row added meanwhile cannot shift them. Rows whose
    theme names differ only in case or spacing form one theme; two different names whose keys
    would be the same are refused rather than merged.
    """

    def __init__(self, data: Any = None, *, indicators: Sequence[Any], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        self.indicators = list(indicators)
        defaults = {}
        for indicator in self.indicators:
            defaults[f"weight-{indicator.key}"] = DEFAULT_WEIGHT
            defaults[f"direction-{indicator.key}"] = indicator.direction
        super().__init__(_with_defaults(data, defaults), **kwargs)
        for indicator in self.indicators:
            key = indicator.key
            self.fields[f"theme-{key}"] = forms.CharField(
                label=gettext("Theme for %(name)s") % {"name": indicator.name}, required=False
            )
            self.fields[f"weight-{key}"] = forms.CharField(
                label=gettext("Weight for %(name)s") % {"name": indicator.name},
                required=False,
                strip=False,
                initial=DEFAULT_WEIGHT,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            self.fields[f"direction-{key}"] = forms.CharField(
                label=gettext("Direction for %(name)s") % {"name": indicator.name},
                required=False,
                strip=False,
                initial=indicator.direction,
                widget=forms.Select(choices=DIRECTIONS),
            )
        self.extra_classes = {f"weight-{i.key}": "usa-input--small" for i in self.indicators}
        apply_text_rules(self)  # as UswdsForm does for the fields it was made with
        self._describe()

    def _describe(self) -> None:
        super()._describe()
        for indicator in self.indicators:
            if f"theme-{indicator.key}" not in self.fields:
                continue  # UswdsForm describes the fields before the rows are added
            attrs = self.fields[f"theme-{indicator.key}"].widget.attrs
            attrs["aria-describedby"] = " ".join(
                ["themes-hint", *attrs.get("aria-describedby", "").split()]
            )

    def rows(self) -> list[dict[str, Any]]:
        """One row per indicator: the indicator and its bound theme, weight and direction fields."""
        return [
            {
                "indicator": indicator,
                "fields": [
                    self[f"{part}-{indicator.key}"] for part in ("theme", "weight", "direction")
                ],
            }
            for indicator in self.indicators
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        themes: dict[str, dict[str, Any]] = {}  # by name, case and spacing folded
        names_by_key: dict[str, str] = {}
        for indicator in self.indicators:
            typed = cleaned.get(f"theme-{indicator.key}")
            if not typed:
                continue
            name = " ".join(typed.split())
            theme = themes.get(name.casefold())
            if theme is None:
                key = slugify(name).upper().replace("-", "_") or f"THEME_{len(themes) + 1}"
                if key in names_by_key:
                    self.add_error(
                        None,
                        gettext(
                            "themes “%(first)s” and “%(second)s” would share the key %(key)s: "
                            "give them names that differ in more than punctuation"
                        )
                        % {"first": names_by_key[key], "second": name, "key": key},
                    )
                names_by_key.setdefault(key, name)
                theme = themes[name.casefold()] = {"key": key, "name": name, "variables": []}
            raw = cleaned.get(f"weight-{indicator.key}", "")
            try:
                weight: float | str = float(raw)
            except ValueError:
                weight = raw
            theme["variables"].append(
                {
                    "indicator": indicator.key,
                    "weight": weight,
                    "direction": cleaned.get(f"direction-{indicator.key}", ""),
                }
            )
        self.themes = list(themes.values())
        return cleaned


def problems(*forms_: forms.BaseForm) -> list[str]:
    """Every message of the bound ``forms_``, for the summary at the top of the page."""
    found: list[str] = []
    for form in forms_:
        found.extend(str(e) for e in form.non_field_errors())
        for name, errors in form.errors.items():
            if name != NON_FIELD_ERRORS:
                found.extend(f"{form[name].label}: {e}" for e in errors)
    return found


UPLOAD_KINDS = [
    ("svi", "CDC/ATSDR SVI CSV (county or tract file, as CDC publishes it)"),
    ("indicators", "Indicator CSV: fips, indicator, year, value and optionally moe"),
]
IF_STORED = [
    ("refuse", "Refuse the file (nothing is written)"),
    ("replace", "Overwrite the stored values"),
]


class UploadForm(UswdsForm):
    """An SVI or indicator CSV to import in the background (the file itself is checked by
    :func:`upstream.community.services.uploads.upload_receive`)."""

    kind = forms.ChoiceField(label="Kind of file", choices=UPLOAD_KINDS, widget=forms.RadioSelect)
    file = forms.FileField(
        label="CSV file",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="UTF-8 text with a header line. The whole file is imported or none of it.",
    )
    year = forms.IntegerField(
        label="SVI release year",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="SVI files only, when the file name does not say it (SVI_2022_US_county.csv).",
    )
    geography_set = forms.ChoiceField(
        label="Geography set",
        required=False,
        help_text="The boundaries the codes belong to (blank: the one for the data's year).",
    )
    if_stored = forms.ChoiceField(
        label="Indicator CSV: when a value is already stored",
        choices=IF_STORED,
        initial="refuse",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, geography_sets: Sequence[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("geography_set", [("", "(default)"), *geography_sets])
