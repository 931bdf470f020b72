from django.urls import path

from upstream.people.views import consents, people

app_name = "people"

urlpatterns = [
    path("orgs/<uuid:org>/people/", people.person_list, name="list"),
    path("orgs/<uuid:org>/people/new/", people.person_create, name="create"),
    path("orgs/<uuid:org>/people/reason/", people.person_reason, name="reason"),
    path("orgs/<uuid:org>/people/settings/", people.people_settings, name="settings"),
    path("orgs/<uuid:org>/people/<uuid:person>/", people.person_detail, name="detail"),
    path("orgs/<uuid:org>/people/<uuid:person>/edit/", people.person_edit, name="edit"),
    path(
        "orgs/<uuid:org>/people/<uuid:person>/consents/new/",
        consents.consent_add,
        name="consent_add",
    ),
    path(
        "orgs/<uuid:org>/people/<uuid:person>/consents/<uuid:consent>/withdraw/",
        consents.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "orgs/<uuid:org>/people/<uuid:person>/consents/<uuid:consent>/fhir.json",
        consents.consent_fhir,
        name="consent_fhir",
    ),
]
