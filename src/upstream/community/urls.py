from django.urls import path

from upstream.community import views

app_name = "community"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("table.csv", views.map_csv, name="map_csv"),
    path("counties/<str:fips>/", views.county_profile, name="county"),
    path("indices/", views.index_list, name="indices"),
    path("indices/<slug:key>/", views.index_detail, name="index"),
    path("orgs/<uuid:org>/indices/new/", views.index_new, name="index_new"),
    path("orgs/<uuid:org>/uploads/", views.upload_page, name="uploads"),
]
