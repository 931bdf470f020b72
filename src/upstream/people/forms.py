"""Forms of the people pages. They parse input; the services validate and decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from upstream.core.forms import UswdsForm
from upstream.core.vocabularies import choices
from upstream.people.policy import REASON_MIN_LENGTH
from upstream.people.vocabularies import (
    CONSENT_GIVERS,
    CONSENT_METHODS,
    CONSENT_SCOPES,
    IDENTIFYING_FIELDS,
    LANGUAGES,
)

_DATE = {"type": "date"}
_DATETIME = {"type": "datetime-local"}


class ReasonForm(UswdsForm):
    reason = forms.CharField(
        label=_("Why do you need to read these personal records?"),
        help_text=format_lazy(
            _(
                "At least {count} characters, for example a request you are handling. "
                "The reason is kept in the audit log with every record you open."
            ),
            count=REASON_MIN_LENGTH,
        ),
        min_length=REASON_MIN_LENGTH,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PeopleSettingsForm(UswdsForm):
    recorded_fields = forms.MultipleChoiceField(
        label=_("Identifying fields this organization records"),
        help_text=_(
            "Record only what your work needs. Every field is optional and stored encrypted; "
            "with none chosen, people are known by their random public id only."
        ),
        choices=choices(IDENTIFYING_FIELDS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PersonForm(UswdsForm):
    """The identifying fields the organization records (none: the form has no fields)."""

    def __init__(self, *args: Any, recorded: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        available: dict[str, forms.Field] = {
            "display_name": forms.CharField(
                label=_("Name"),
                required=False,
                max_length=200,
                help_text=_("As the person gives it."),
            ),
            "birth_date": forms.DateField(
                label=_("Date of birth"), required=False, widget=forms.DateInput(_DATE)
            ),
            "contact": forms.CharField(
                label=_("Contact"),
                required=False,
                max_length=200,
                help_text=_("A phone number or email the person agreed to be reached at."),
            ),
            "preferred_language": forms.ChoiceField(
                label=_("Preferred language"),
                required=False,
                choices=[("", _("Not recorded")), *choices(LANGUAGES)],
            ),
        }
        for name in IDENTIFYING_FIELDS:
            if name in recorded:
                self.fields[name] = available[name]
        self._describe()


class ConsentForm(UswdsForm):
    scope = forms.ChoiceField(
        label=_("What the person consents to"),
        choices=choices(CONSENT_SCOPES),
        widget=forms.RadioSelect,
    )
    shared_with = forms.MultipleChoiceField(
        label=_("Organizations to share with"),
        help_text=_("Only for a consent to share: partners in your coalitions."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(
        label=_("How it was given"), choices=choices(CONSENT_METHODS), widget=forms.RadioSelect
    )
    given_by = forms.ChoiceField(
        label=_("Given by"), choices=choices(CONSENT_GIVERS), initial="person"
    )
    given_at = forms.DateTimeField(
        label=_("Given at"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(_DATETIME),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Optional: the consent ends at the start of this day."),
        widget=forms.DateInput(_DATE),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        help_text=_("Optional; stored encrypted."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, partners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("shared_with", partners)
        if not partners:
            self.fields["shared_with"].help_text = gettext(
                "Your organization is in no coalition with partners, so it cannot name any."
            )

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
