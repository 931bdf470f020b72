"""The forms every app builds on. Each field is rendered by includes/field.html, which ties its
hint and error to the input with ``aria-describedby``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from upstream.core.validators import apply_text_rules

_CLASSES = {
    "select": "usa-select",
    "selectmultiple": "usa-select",
    "textarea": "usa-textarea",
    "checkboxselectmultiple": "usa-checkbox__input",
    "radioselect": "usa-radio__input",
    "checkbox": "usa-checkbox__input",
    "file": "usa-file-input",
}


class UswdsForm(forms.Form):
    """USWDS classes, and hints and errors described to assistive technology."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_text_rules(self)  # no control characters; names refuse direction controls
        self._describe()

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def _set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices

    def _describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            kind = bound.widget_type
            css = _CLASSES.get(kind, "usa-input")
            errors = bool(
                self.is_bound and getattr(self, "_errors", None) and self.errors.get(name)
            )
            if errors and css == "usa-input":
                css += " usa-input--error"
            field.widget.attrs["class"] = css
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-hint")
            if errors:
                described.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described and kind not in ("checkboxselectmultiple", "radioselect"):
                field.widget.attrs["aria-describedby"] = " ".join(described)
            else:
                field.widget.attrs.pop("aria-describedby", None)


def form_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: each field's errors on that field, the rest
    (and errors for fields the form does not have) above it."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
