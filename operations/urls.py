"""Operations endpoints; names are prefixed "ops-"."""

from django.urls import path

from operations import views

urlpatterns = [
    path("api/health", views.health_view, name="ops-health"),
    path("api/health/live", views.liveness_view, name="ops-health-live"),
    path("api/tasks/stats", views.tasks_stats, name="ops-tasks-stats"),
]
