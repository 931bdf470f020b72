from django.urls import path

from upstream.tasks import views

app_name = "tasks"

urlpatterns = [
    path("operators/jobs/", views.jobs_page, name="jobs"),
    path("operators/jobs/<str:name>/run", views.job_run_now, name="job_run"),
    path("tasks/<uuid:run>/", views.task_status, name="status"),
]
