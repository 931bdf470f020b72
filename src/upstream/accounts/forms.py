"""Forms of accounts, built on ``core.forms.UswdsForm`` (re-exported here for older imports)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from upstream.accounts.models import ApiKey, Organization
from upstream.accounts.policy import GRANTABLE, Role
from upstream.core.forms import UswdsForm
from upstream.core.validators import validate_state_fips
from upstream.core.vocabularies import SECTORS
from upstream.core.widgets import CountiesField, CountyField, PlacesForm, StateField


def _password_help() -> str:
    return " ".join(password_validators_help_texts())


class SignInForm(UswdsForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailForm(UswdsForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(UswdsForm):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = _password_help()
        self._describe()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords are not the same.")
        return data


class AcceptInvitationForm(NewPasswordForm):
    full_name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["full_name", "password1", "password2"]


class CodeForm(UswdsForm):
    code = forms.CharField(
        label=_("One-time code"),
        max_length=40,  # a recovery code, however it is spaced
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class EnrollForm(UswdsForm):
    code = forms.CharField(
        label=_("6-digit code from your app"),
        max_length=6,
        min_length=6,
        help_text=_(
            "Scan the QR code or type the key into your authenticator app, then enter "
            "the code it shows."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ConfirmIdentityForm(UswdsForm):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("One-time code"),
        max_length=40,
        required=False,
        help_text=_("Needed if you use two-factor sign-in."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


def role_choices(grantor_role: str) -> list[tuple[str, str]]:
    allowed = GRANTABLE.get(Role(grantor_role), frozenset())
    return [(role.value, role.label) for role in Role if role in allowed]


class InviteForm(UswdsForm):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"),
        help_text=_("Administrators, screeners and providers must set up two-factor sign-in."),
    )

    def __init__(self, *args: Any, grantor_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("role", role_choices(grantor_role))


class RoleForm(UswdsForm):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, grantor_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("role", role_choices(grantor_role))


class OrganizationForm(UswdsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"),
        choices=list(SECTORS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every sector the organization works in."),
    )
    county_fips = CountyField(blank="None: no single county")
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    @classmethod
    def initial_for(cls, org: Organization) -> dict[str, Any]:
        return {name: getattr(org, name) for name in cls.base_fields}


class ApiKeyForm(UswdsForm):
    name = forms.CharField(
        label=_("Key name"),
        max_length=100,
        help_text=_("What uses the key, e.g. “county dashboard”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=ApiKey.Scope.choices, widget=forms.RadioSelect, initial="read"
    )


class CoalitionForm(PlacesForm, UswdsForm):
    name = forms.CharField(label=_("Coalition name"), max_length=200)
    state_fips = StateField(several_counties=True, validators=[validate_state_fips])
    county_fips = CountiesField(
        help_text=_("Choose none for the whole state; hold Ctrl (or Command) to choose several.")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)


class CoalitionInviteSearchForm(UswdsForm):
    """Find an organization to invite: part of its name or its exact contact e-mail, and/or a
    sector. Nothing is listed until one of them is given."""

    q = forms.CharField(
        label=_("Organization name or contact e-mail"),
        required=False,
        max_length=200,
        help_text=_("At least 3 letters of the name, or the organization's exact contact e-mail."),
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", "Any sector"), *SECTORS.items()],
        help_text=_(
            "With no name, suggests organizations of this sector in the coalition's state."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        query = " ".join((data.get("q") or "").split())
        data["q"] = query
        if query and "@" not in query and len(query) < 3:
            self.add_error("q", "Type at least 3 letters of the name, or the exact e-mail.")
        return data


class LanguageSwitchForm(forms.Form):
    """The switcher in every page's header: one language, and the page to go back to."""

    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


class AccountSettingsForm(UswdsForm):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Upstream's pages and emails to you use this language."),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices(
            "language", [("", gettext("Your browser's language")), *settings.LANGUAGES]
        )
