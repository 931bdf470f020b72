from django.urls import path

from upstream.audit import views

app_name = "audit"

urlpatterns = [
    path("orgs/<uuid:org>/audit/", views.audit_log, name="log"),
    path("orgs/<uuid:org>/audit/export.csv", views.audit_export, name="export"),
]
