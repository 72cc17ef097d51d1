"""Serve the MCP server: over stdio for a local assistant, or over streamable HTTP.

stdio acts as the user of the API token in BCGSLIDES_API_TOKEN (checked once, here);
--http serves http://HOST:PORT/mcp where every request sends its own token.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from generator.api import mcp_server
from generator.management.database import ensure_ready


class Command(BaseCommand):
    help = "Serve the MCP server (tools to make decks) over stdio, or over HTTP with --http."

    def add_arguments(self, parser):
        parser.add_argument("--http", action="store_true",
                            help="serve streamable HTTP at /mcp instead of stdio")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--base-url", default=os.environ.get("BCGSLIDES_BASE_URL", ""),
                            help="the web app's address, for download links (stdio)")

    def handle(self, *args, **options):
        ensure_ready(stderr=self.stderr)
        if options["http"]:
            return self._serve_http(options)
        key = os.environ.get("BCGSLIDES_API_TOKEN", "")
        user = mcp_server.user_for_token(key) if key else None
        if user is None:
            raise CommandError(_("Set BCGSLIDES_API_TOKEN to a valid API token (make one on the "
                                 "Tokens page or with manage.py apitoken)."))
        mcp_server.current_user_id.set(user.pk)
        if options["base_url"]:
            mcp_server.base_url.set(options["base_url"])
        mcp_server.build().run("stdio")

    def _serve_http(self, options):
        import uvicorn

        if not 0 < options["port"] < 65536:
            raise CommandError("--port is 1..65535.")
        app = mcp_server.http_app(host=options["host"])
        self.stderr.write(f"MCP over streamable HTTP at http://{options['host']}:"
                          f"{options['port']}/mcp (send Authorization: Token <key>)")
        uvicorn.run(app, host=options["host"], port=options["port"], log_level="warning")
