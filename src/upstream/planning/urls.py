from django.urls import include, path

from upstream.planning.views import exports, items, mine, plans

app_name = "planning"

plan_patterns = [
    path("", plans.plan_detail, name="detail"),
    path("edit/", plans.plan_edit, name="edit"),
    path("strategies/", plans.plan_strategies, name="strategies"),
    path("activities/add/", items.activity_add, name="activity_add"),
    path("activities/<uuid:activity>/", items.activity_edit, name="activity_edit"),
    path("activities/<uuid:activity>/remove/", items.activity_remove, name="activity_remove"),
    path("activities/<uuid:activity>/status/", items.activity_status, name="activity_status"),
    path("outcomes/add/", items.outcome_add, name="outcome_add"),
    path("outcomes/<uuid:outcome>/", items.outcome_edit, name="outcome_edit"),
    path("outcomes/<uuid:outcome>/remove/", items.outcome_remove, name="outcome_remove"),
    path("outcomes/<uuid:outcome>/indicators/add/", items.indicator_add, name="indicator_add"),
    path("indicators/<uuid:indicator>/", items.indicator_edit, name="indicator_edit"),
    path("indicators/<uuid:indicator>/remove/", items.indicator_remove, name="indicator_remove"),
    path("principles/", items.principles, name="principles"),
    path("gaps/", plans.plan_gaps, name="gaps"),
    path("gaps/add/", plans.plan_gap_add, name="gap_add"),
    path("history/", plans.plan_history, name="history"),
    path("publish/", plans.plan_publish, name="publish"),
    path("new-draft/", plans.plan_new_draft, name="new_draft"),
    path("diff/", plans.plan_diff_view, name="diff"),
    path("export.pdf", exports.export_pdf, name="export_pdf"),
    path("export.xlsx", exports.export_xlsx, name="export_xlsx"),
]

urlpatterns = [
    path("plans/", mine.plans_mine, name="mine"),
    path("orgs/<uuid:org>/plans/", plans.plan_list, name="list"),
    path("orgs/<uuid:org>/plans/new/", plans.plan_create, name="create"),
    path("orgs/<uuid:org>/plans/<uuid:plan>/", include(plan_patterns)),
]
