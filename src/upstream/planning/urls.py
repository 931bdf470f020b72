from django.urls import include, path

from upstream.planning.views import (
    activities,
    exports,
    indicators,
    mine,
    outcomes,
    plans,
    principles,
)

app_name = "planning"

plan_patterns = [
    path("", plans.plan_detail, name="detail"),
    path("edit/", plans.plan_edit, name="edit"),
    path("strategies/", plans.plan_strategies, name="strategies"),
    path("activities/add/", activities.activity_add, name="activity_add"),
    path("activities/<uuid:activity>/", activities.activity_edit, name="activity_edit"),
    path("activities/<uuid:activity>/remove/", activities.activity_remove, name="activity_remove"),
    path("activities/<uuid:activity>/status/", activities.activity_status, name="activity_status"),
    path("outcomes/add/", outcomes.outcome_add, name="outcome_add"),
    path("outcomes/<uuid:outcome>/", outcomes.outcome_edit, name="outcome_edit"),
    path("outcomes/<uuid:outcome>/remove/", outcomes.outcome_remove, name="outcome_remove"),
    path("outcomes/<uuid:outcome>/indicators/add/", indicators.indicator_add, name="indicator_add"),
    path("indicators/<uuid:indicator>/", indicators.indicator_edit, name="indicator_edit"),
    path(
        "indicators/<uuid:indicator>/remove/", indicators.indicator_remove, name="indicator_remove"
    ),
    path("principles/", principles.principles, name="principles"),
    path("gaps/", plans.plan_gaps, name="gaps"),
    path("gaps/add/", plans.plan_gap_add, name="gap_add"),
    path("history/", plans.plan_history, name="history"),
    path("publish/", plans.plan_publish, name="publish"),
    path("new-draft/", plans.plan_new_draft, name="new_draft"),
    path("diff/", plans.plan_diff_view, name="diff"),
    path("export.pdf", exports.export_pdf, name="export_pdf"),
    path("export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("exports/status/", exports.export_status, name="export_status"),
]

urlpatterns = [
    path("plans/", mine.plans_mine, name="mine"),
    path("orgs/<uuid:org>/plans/", plans.plan_list, name="list"),
    path("orgs/<uuid:org>/plans/new/", plans.plan_create, name="create"),
    path("orgs/<uuid:org>/plans/<uuid:plan>/", include(plan_patterns)),
]
