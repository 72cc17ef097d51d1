"""The MCP server, started as an assistant starts it (`manage.py mcp` over stdio, and over
streamable HTTP), reached with the official SDK's client: tools listed, a deck made from an
outline in a learned design and downloaded, a bad outline refused with its line."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from pptx import Presentation

from generator.learning import learn

from generator import tasks

from generator.api import tokens
from tests.conftest import CORPUS, REPO, child_env
from tests.sharedfiles import use_local_files

OUTLINE = "---\ntitle: MCP deck\n---\n\n# Assistants can make decks\n\n- From an outline\n"
BAD = "---\ntitle: x\n---\n\n# Chart\n\n```chart\ntype: radar\n```\n"
TOOLS = {"list_designs", "check_outline", "create_deck", "follow_deck", "lint_deck",
         "get_download_link", "get_slide_pictures"}


@pytest.fixture
def key(transactional_db, alice, tmp_path):
    use_local_files(settings, tmp_path / "data")
    return tokens.create(user=alice, name="assistant")[1]


@pytest.fixture
def world(key):
    import warnings

    with warnings.catch_warnings():  # generator/learning/surface.py's Pillow getdata (not this test's)
        warnings.filterwarnings("ignore", "Image.Image.getdata", DeprecationWarning)
        asset = learn.learn_design(
            path=CORPUS / "pptx" / "scanny__python-pptx__mst-slide-layouts.pptx")
    return {"key": key, "asset": asset}


def _text(result) -> str:
    return "\n".join(getattr(part, "text", "") for part in result.content)


def _data(result) -> dict:
    structured = getattr(result, "structured_content", None)
    if isinstance(structured, dict):
        return structured.get("result", structured)
    return json.loads(_text(result))


def _editor_places(outline: str) -> list[str]:
    """The places the editor's check names for `outline` (lines, slides)."""
    from generator.errors import SpecError
    from generator.sources import spec_from_source

    with pytest.raises(SpecError) as refused:
        spec_from_source("markdown", outline)
    return [place for place, _ in refused.value.problems if place.startswith("line")]


async def _session(client, world) -> int:
    listed = await client.list_tools()
    assert {tool.name for tool in listed.tools} == TOOLS
    designs = _data(await client.call_tool("list_designs", {}))
    assert world["asset"].pk in [design["id"] for design in designs]
    refused = await client.call_tool("create_deck", {"outline": BAD})
    assert refused.is_error and _editor_places(BAD) and all(
        place in _text(refused) for place in _editor_places(BAD)), _text(refused)
    created = await client.call_tool("create_deck", {"outline": OUTLINE,
                                                     "design": world["asset"].pk})
    assert not created.is_error, _text(created)
    deck = _data(created)
    assert deck["status"] == "queued" and deck["design"] == world["asset"].pk
    return deck["id"]


def _generate_in_a_thread(deck_id: int) -> int:
    """The worker's task, closing the database connections it opened in this thread (on
    PostgreSQL a thread's connection outlives it otherwise)."""
    from django.db import connections

    try:
        return tasks.generate_presentation(deck_id)
    finally:
        connections.close_all()


async def _finish(client, deck_id: int) -> str:
    await asyncio.to_thread(_generate_in_a_thread, deck_id)  # what a worker runs
    followed = _data(await client.call_tool("follow_deck", {"deck_id": deck_id}))
    assert followed["status"] == "done", followed
    lint = _data(await client.call_tool("lint_deck", {"deck_id": deck_id}))
    assert lint["summary"] is not None
    link = _data(await client.call_tool("get_download_link", {"deck_id": deck_id}))
    resources = await client.list_resources()
    uris = {str(resource.uri) for resource in resources.resources}
    assert "bcgslides://schema/deckspec.json" in uris
    guide = await client.read_resource("bcgslides://guides/outline-syntax.en.md")
    assert "#" in guide.contents[0].text
    return link["download_url"]


def _download(client, url: str, key: str) -> Presentation:
    from urllib.parse import urlsplit

    response = client.get(urlsplit(url).path, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    return Presentation(io.BytesIO(b"".join(response.streaming_content)))


def test_an_assistant_makes_a_deck_over_stdio(world, client):
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable, args=["manage.py", "mcp"], cwd=str(REPO),
        env=child_env(BCGSLIDES_API_TOKEN=world["key"], BCGSLIDES_BASE_URL="http://testserver"))

    async def run():
        async with Client(params) as mcp_client:
            deck_id = await _session(mcp_client, world)
            return await _finish(mcp_client, deck_id)

    url = asyncio.run(run())
    deck = _download(client, url, world["key"])
    assert deck.slides[0].shapes.title.text == "MCP deck"


def test_stdio_refuses_to_start_without_a_valid_token(transactional_db):
    result = subprocess.run([sys.executable, "manage.py", "mcp"], cwd=REPO, capture_output=True,
                            text=True, timeout=120, env=child_env(BCGSLIDES_API_TOKEN="bcg_no"))
    assert result.returncode != 0 and "BCGSLIDES_API_TOKEN" in result.stderr
    assert result.stdout == ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def mcp_http_server(**env: str):
    """`manage.py mcp --http` on a free port, on this test's database; yields its /mcp URL."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "manage.py", "mcp", "--http", "--port", str(port)],
                               cwd=REPO, env=child_env(**env), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


@pytest.fixture
def http_server(key):
    with mcp_http_server() as url:
        yield url


def test_an_assistant_makes_a_deck_over_http_with_its_token(world, http_server, client):
    import httpx2
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    async def run(key):
        async with httpx2.AsyncClient(headers={"Authorization": f"Token {key}"},
                                      timeout=60) as http:
            async with Client(streamable_http_client(http_server, http_client=http)) as mcp_client:
                deck_id = await _session(mcp_client, world)
                return await _finish(mcp_client, deck_id)

    url = asyncio.run(run(world["key"]))
    assert _download(client, url, world["key"]).slides[0].shapes.title.text == "MCP deck"


def test_http_over_the_token_rate_is_429(key):
    import httpx2

    with mcp_http_server(API_RATE_LIMIT="3/min") as url:
        answers = [httpx2.post(url, headers={"Authorization": f"Token {key}"},
                               json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
                   for _ in range(4)]
    assert [answer.status_code for answer in answers][-1] == 429
    assert all(answer.status_code != 429 for answer in answers[:3])
    assert int(answers[-1].headers["retry-after"]) >= 1


def test_http_without_a_valid_token_is_refused(http_server):
    import httpx2

    for headers in ({}, {"Authorization": "Token bcg_wrong"}):
        response = httpx2.post(http_server, headers=headers, json={
            "jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
