"""The audit log's filter form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from upstream.audit.actions import action_choices
from upstream.core.forms import UswdsForm


class AuditFilterForm(UswdsForm):
    person = forms.ChoiceField(label=_("Person"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("person", [("", gettext("Anyone")), *people])
        self._set_choices("action", [("", gettext("Any action")), *action_choices()])

    def filters(self) -> dict[str, Any]:
        """The valid filters, by selector argument (none when the form does not validate)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "actor_uuid": data.get("person") or None,
            "action": data.get("action") or None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
