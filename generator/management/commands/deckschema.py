"""manage.py deckschema: print the DeckSpec JSON Schema (what the API accepts and the LLM fills)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from generator.spec import json_schema


class Command(BaseCommand):
    help = "Print the JSON Schema of a DeckSpec."
    requires_system_checks: list = []

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(json_schema(), ensure_ascii=False, indent=2))
