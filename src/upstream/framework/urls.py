from django.urls import include, path, re_path

from upstream.framework import views

app_name = "framework"

version_patterns = [
    path("", views.landing, name="landing"),
    path("principles/<slug:key>/", views.principle_detail, name="principle"),
    path("levels/<slug:key>/", views.level_detail, name="level"),
    path("tiers/<slug:key>/", views.tier_detail, name="tier"),
    path("strategies/", views.strategy_list, name="strategies"),
    path("strategies/<slug:key>/", views.strategy_detail, name="strategy"),
    path("activities/<slug:key>/", views.activity_detail, name="activity"),
    path("factors/", views.factor_list, name="factors"),
    path("matrix/", views.matrix, name="matrix"),
    path("glossary/", views.glossary, name="glossary"),
    path("search/", views.search, name="search"),
    re_path(r"^pack\.(?P<fmt>yaml|json)$", views.pack_download, name="pack"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("frameworks/", views.framework_list, name="list"),
    path("search/", views.search_default, name="search_default"),
    path("frameworks/<slug:framework>/", views.framework_latest, name="latest"),
    path("frameworks/<slug:framework>/changes/", views.version_diff, name="diff"),
    path("frameworks/<slug:framework>/<str:version>/", include(version_patterns)),
]
