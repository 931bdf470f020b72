"""Plan forms. They only shape input; the services validate it and say what is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from upstream.core.forms import UswdsForm
from upstream.core.vocabularies import HORIZONS, choices
from upstream.core.widgets import CountyField, PlacesForm, StateField
from upstream.framework import selectors as framework
from upstream.planning.models import PlanActivity
from upstream.planning.vocabularies import (
    ACTIVITY_STATUSES,
    DIRECTIONS,
    FREQUENCIES,
    PRINCIPLE_RATINGS,
    PRIORITY_POPULATIONS,
)

if TYPE_CHECKING:  # annotations only: forms reach the framework through its selectors
    from upstream.framework.models import FrameworkVersion

_DATE = {"type": "date"}


def _queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    if isinstance(field, forms.ModelChoiceField):  # also ModelMultipleChoiceField
        field.queryset = queryset


class KeyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PlanForm(PlacesForm, UswdsForm):
    title = forms.CharField(max_length=200)
    coalition: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # the coalitions of the person's organization, given by the view
        required=False,
        empty_label="None: a plan of our organization only",
        help_text="A coalition plan can name any member organization as lead or partner.",
    )
    framework_version: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Framework version"
    )
    period_start = forms.DateField(label="Period start", widget=forms.DateInput(_DATE))
    period_end = forms.DateField(label="Period end", widget=forms.DateInput(_DATE))
    state_fips = StateField()
    county_fips = CountyField(help_text="Leave it at “the whole state” for a statewide plan.")
    populations = forms.MultipleChoiceField(
        label="Priority populations",
        choices=list(PRIORITY_POPULATIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, coalitions: Any, versions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "coalition", coalitions)
        _queryset(self, "framework_version", versions)


class PlanDetailsForm(PlacesForm, UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = PlanForm.base_fields["title"]
    period_start = PlanForm.base_fields["period_start"]
    period_end = PlanForm.base_fields["period_end"]
    state_fips = PlanForm.base_fields["state_fips"]
    county_fips = PlanForm.base_fields["county_fips"]
    populations = PlanForm.base_fields["populations"]


class StrategiesForm(UswdsForm):
    strategies: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Strategies of the plan",
    )

    def __init__(self, *args: Any, version: FrameworkVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "strategies", framework.items_in_order(version_id=version.pk)["strategy"])
        self.fields["strategies"].label_from_instance = lambda obj: obj.name  # type: ignore[attr-defined]


class ActivityForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    strategy = KeyChoiceField(queryset=None)
    framework_activity = KeyChoiceField(
        queryset=None,
        required=False,
        label="From the framework",
        empty_label="None: a custom activity",
        help_text=(
            "Choosing one fills the form in from the framework (without JavaScript, press "
            "“Fill in from the framework” below); edit anything you need."
        ),
    )
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    level = KeyChoiceField(queryset=None, label="Social-ecological level")
    tier = KeyChoiceField(queryset=None, label="Prevention tier")
    population = forms.ChoiceField(
        choices=[("", "General population"), *PRIORITY_POPULATIONS.items()],
        required=False,
        label="Population",
    )
    lead_organization: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Lead organization"
    )
    partners: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Partner organizations",
    )
    start = forms.DateField(required=False, widget=forms.DateInput(_DATE))
    end = forms.DateField(required=False, widget=forms.DateInput(_DATE))
    status = forms.ChoiceField(choices=list(ACTIVITY_STATUSES.items()))
    budget = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, max_digits=12, label="Budget (USD)"
    )

    def __init__(
        self, *args: Any, version: FrameworkVersion, organizations: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        items = framework.items_in_order(version_id=version.pk)
        querysets: dict[str, Any] = {
            "strategy": items["strategy"],
            "framework_activity": items["activity"],
            "level": items["level"],
            "tier": items["tier"],
            "lead_organization": organizations,
            "partners": organizations,
        }
        for name, queryset in querysets.items():
            _queryset(self, name, queryset)

    @staticmethod
    def initial_for(activity: PlanActivity) -> dict[str, Any]:
        return {
            "revision": activity.revision,
            "strategy": activity.plan_strategy.strategy_id,
            "framework_activity": activity.framework_activity_id,
            "name": activity.name,
            "description": activity.description,
            "level": activity.level_id,
            "tier": activity.tier_id,
            "population": activity.population,
            "lead_organization": activity.lead_organization_id,
            "partners": [p.pk for p in activity.partners.all()],
            "start": activity.start,
            "end": activity.end,
            "status": activity.status,
            "budget": activity.budget,
        }


class StatusForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=list(ACTIVITY_STATUSES.items()))


class OutcomeForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    horizon = forms.ChoiceField(choices=choices(HORIZONS))
    activities = forms.ModelMultipleChoiceField(
        queryset=PlanActivity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Activities that drive it",
    )

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "activities", activities)


class IndicatorForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=200)
    definition = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.CharField(
        max_length=60, required=False, help_text="For example: percent of students, people."
    )
    data_source = forms.CharField(max_length=200, required=False, label="Data source")
    baseline_value = forms.DecimalField(required=False, max_digits=14, decimal_places=3)
    baseline_date = forms.DateField(required=False, widget=forms.DateInput(_DATE))
    target_value = forms.DecimalField(required=False, max_digits=14, decimal_places=3)
    target_date = forms.DateField(required=False, widget=forms.DateInput(_DATE))
    direction = forms.ChoiceField(choices=list(DIRECTIONS.items()), label="Desired direction")
    frequency = forms.ChoiceField(choices=list(FREQUENCIES.items()), label="Reporting frequency")


class PrincipleForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rating = forms.ChoiceField(choices=list(PRINCIPLE_RATINGS.items()), widget=forms.RadioSelect)
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Evidence",
        help_text="What shows where you are: documents, decisions, data.",
    )
    practices = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Practices in place"
    )

    def __init__(self, *args: Any, practices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("practices", practices)
