from django.urls import include, path

from upstream.accounts.views import auth, coalitions, demo, org, profile

app_name = "accounts"

org_patterns = [
    path("", org.dashboard, name="dashboard"),
    path("edit/", org.organization_edit, name="organization_edit"),
    path("members/", org.members, name="members"),
    path("members/invite/", org.invite, name="invite"),
    path("members/<uuid:member>/", org.member_detail, name="member"),
    path("members/<uuid:member>/role/", org.member_role, name="member_role"),
    path("members/<uuid:member>/remove/", org.member_remove, name="member_remove"),
    path("members/<uuid:member>/unlock/", org.member_unlock, name="member_unlock"),
    path(
        "members/<uuid:member>/reset-two-factor/",
        org.member_reset_two_factor,
        name="member_reset_two_factor",
    ),
    path(
        "invitations/<uuid:invitation>/revoke/",
        org.invitation_revoke,
        name="invitation_revoke",
    ),
    path("keys/", org.api_keys, name="api_keys"),
    path("keys/<uuid:key>/revoke/", org.api_key_revoke, name="api_key_revoke"),
    path("coalitions/", coalitions.coalition_list, name="coalitions"),
    path("coalitions/<uuid:coalition>/", coalitions.coalition_detail, name="coalition"),
    path(
        "coalitions/<uuid:coalition>/invite/",
        coalitions.coalition_invite,
        name="coalition_invite",
    ),
    path("coalitions/<uuid:coalition>/leave/", coalitions.coalition_leave, name="coalition_leave"),
    path(
        "coalition-invitations/<uuid:invitation>/",
        coalitions.coalition_answer,
        name="coalition_answer",
    ),
]

urlpatterns = [
    path("account/sign-in/", auth.sign_in, name="sign_in"),
    path("account/sign-out/", auth.sign_out, name="sign_out"),
    path("account/password-reset/", auth.password_reset, name="password_reset"),
    path(
        "account/password-reset/<uuid:user>/<str:token>/",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("account/two-factor/", auth.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/verify/", auth.two_factor_verify, name="two_factor_verify"),
    path("account/two-factor/recovery-codes/", auth.recovery_codes, name="recovery_codes"),
    path("account/confirm/", auth.confirm_identity, name="confirm_identity"),
    path("account/settings/", profile.account_settings, name="account_settings"),
    path("language/", profile.language_switch, name="language_switch"),
    path("account/demo-code/", demo.demo_code, name="demo_code"),
    path("invitations/<str:token>/", auth.invitation_accept, name="invitation_accept"),
    path("orgs/", auth.home, name="home"),
    path("orgs/switch/", auth.organizations, name="organizations"),
    path("orgs/<uuid:org>/", include(org_patterns)),
]
