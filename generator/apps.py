from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeneratorConfig(AppConfig):
    name = "generator"
    verbose_name = _("Deck generator")

    def ready(self):
        from generator.api import tokens  # noqa: F401 -- connects its signal receivers(password re-hash)
