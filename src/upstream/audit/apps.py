from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "upstream.audit"
    label = "audit"
    verbose_name = "Audit log"
