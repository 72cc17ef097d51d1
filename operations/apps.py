from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from operations.schedules import ensure_schedules


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self):
        post_migrate.connect(_after_migrate(ensure_schedules), sender=self, weak=False,
                             dispatch_uid="operations-ensure-schedules")


def _after_migrate(ensure):
    def handler(sender, using="default", **kwargs):
        from django.db import connections

        if "django_q_schedule" in connections[using].introspection.table_names():
            ensure()

    return handler
