"""Plan forms. They only shape input; the services validate it and say what is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
    label_choices,
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
    title = forms.CharField(label=_("Title"), max_length=200)
    coalition: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,  # the coalitions of the person's organization, given by the view
        required=False,
        label=_("Coalition"),
        empty_label=_("None: a plan of our organization only"),
        help_text=_("A coalition plan can name any member organization as lead or partner."),
    )
    framework_version: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label=_("Framework version")
    )
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(_DATE))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(_DATE))
    state_fips = StateField()
    county_fips = CountyField(help_text=_("Leave it at “the whole state” for a statewide plan."))
    populations = forms.MultipleChoiceField(
        label=_("Priority populations"),
        choices=label_choices(PRIORITY_POPULATIONS),
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
        label=_("Strategies of the plan"),
    )

    def __init__(self, *args: Any, version: FrameworkVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "strategies", framework.items_in_order(version_id=version.pk)["strategy"])
        self.fields["strategies"].label_from_instance = lambda obj: obj.name  # type: ignore[attr-defined]


class ActivityForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    strategy = KeyChoiceField(queryset=None, label=_("Strategy"))
    framework_activity = KeyChoiceField(
        queryset=None,
        required=False,
        label=_("From the framework"),
        empty_label=_("None: a custom activity"),
        help_text=_(
            "Choosing one fills the form in from the framework (without JavaScript, press "
            "“Fill in from the framework” below); edit anything you need."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    level = KeyChoiceField(queryset=None, label=_("Social-ecological level"))
    tier = KeyChoiceField(queryset=None, label=_("Prevention tier"))
    population = forms.ChoiceField(
        choices=[("", _("General population")), *label_choices(PRIORITY_POPULATIONS)],
        required=False,
        label=_("Population"),
    )
    lead_organization: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label=_("Lead organization")
    )
    partners: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Partner organizations"),
    )
    start = forms.DateField(label=_("Start"), required=False, widget=forms.DateInput(_DATE))
    end = forms.DateField(label=_("End"), required=False, widget=forms.DateInput(_DATE))
    status = forms.ChoiceField(label=_("Status"), choices=label_choices(ACTIVITY_STATUSES))
    budget = forms.DecimalField(
        required=False, min_value=0, decimal_places=2, max_digits=12, label=_("Budget (USD)")
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
    status = forms.ChoiceField(label=_("Status"), choices=label_choices(ACTIVITY_STATUSES))


class OutcomeForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    horizon = forms.ChoiceField(label=_("Horizon"), choices=choices(HORIZONS))
    activities = forms.ModelMultipleChoiceField(
        queryset=PlanActivity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Activities that drive it"),
    )

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "activities", activities)


class IndicatorForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    definition = forms.CharField(
        label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=60,
        required=False,
        help_text=_("For example: percent of students, people."),
    )
    data_source = forms.CharField(max_length=200, required=False, label=_("Data source"))
    baseline_value = forms.DecimalField(
        label=_("Baseline value"), required=False, max_digits=14, decimal_places=3
    )
    baseline_date = forms.DateField(
        label=_("Baseline date"), required=False, widget=forms.DateInput(_DATE)
    )
    target_value = forms.DecimalField(
        label=_("Target value"), required=False, max_digits=14, decimal_places=3
    )
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(_DATE)
    )
    direction = forms.ChoiceField(choices=label_choices(DIRECTIONS), label=_("Desired direction"))
    frequency = forms.ChoiceField(
        choices=label_choices(FREQUENCIES), label=_("Reporting frequency")
    )


class PrincipleForm(UswdsForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rating = forms.ChoiceField(
        label=_("Rating"), choices=label_choices(PRINCIPLE_RATINGS), widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Evidence"),
        help_text=_("What shows where you are: documents, decisions, data."),
    )
    practices = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Practices in place")
    )

    def __init__(self, *args: Any, practices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("practices", practices)
