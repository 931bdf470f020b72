from django.urls import include, path

from upstream.api import api
from upstream.core import views as core_views

urlpatterns = [
    path("", include("upstream.framework.urls", namespace="framework")),
    path("", include("upstream.accounts.urls", namespace="accounts")),
    path("", include("upstream.audit.urls", namespace="audit")),
    path("community/", include("upstream.community.urls", namespace="community")),
    path("", include("upstream.planning.urls", namespace="planning")),
    path("", include("upstream.people.urls", namespace="people")),
    path("", include("upstream.directory.urls", namespace="directory")),
    path("", include("upstream.tasks.urls", namespace="tasks")),
    path("healthz", core_views.health, name="health"),
    path("places/counties", core_views.county_options, name="county_options"),
    path("api/v1/", api.urls),
]

handler400 = "upstream.core.views.error_400"
handler403 = "upstream.core.views.error_403"
handler404 = "upstream.core.views.error_404"
handler500 = "upstream.core.views.error_500"
