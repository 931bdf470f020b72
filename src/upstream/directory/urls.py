from django.urls import path

from upstream.directory import views

app_name = "directory"

urlpatterns = [
    path("orgs/<uuid:org>/directory/import/", views.import_page, name="import"),
    path("orgs/<uuid:org>/directory/export.json", views.export_json, name="export_json"),
    path("orgs/<uuid:org>/directory/export.zip", views.export_datapackage, name="export_zip"),
]
