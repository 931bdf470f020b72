from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "upstream.referrals"
    label = "referrals"
    verbose_name = "Referrals"
