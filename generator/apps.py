from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeneratorConfig(AppConfig):
    name = "generator"
    verbose_name = _("Deck generator")

    def ready(self):
        # connects its signal receivers (password re-hash); it imports the models, which
        # cannot load before the app registry is ready
        from generator.api import tokens  # noqa: F401, PLC0415 -- imports models: only in ready()
