from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeneratorConfig(AppConfig):
    name = "generator"
    verbose_name = _("Deck generator")

    def ready(self):
        from generator.api import tokens  # noqa: PLC0415 -- it imports the models (not before ready)

        tokens.connect_signals()  # follows a password's re-hash at login
