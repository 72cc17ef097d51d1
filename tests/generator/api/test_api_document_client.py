"""A client built from /api/schema alone: the document validates (openapi-spec-validator),
and create -> follow -> download is driven by its operations, with every request body and
every answer checked against the schemas it declares."""

from __future__ import annotations

import io
import json

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from pptx import Presentation
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator import tasks

from generator.api import tokens
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db

OUTLINE = "---\ntitle: Document-driven\n---\n\n# The schema is the contract\n\n- One source\n"


class DocumentClient:
    """Calls operations by id, fills path templates, checks bodies against the document."""

    def __init__(self, client, document: dict, key: str):
        self.client, self.document, self.key = client, document, key
        self.registry = Registry().with_resource(
            "urn:api", Resource.from_contents(document, default_specification=DRAFT202012))
        self.operations = {op["operationId"]: (method, path, op)
                           for path, item in document["paths"].items()
                           for method, op in item.items()}

    def _check(self, instance, schema: dict) -> None:
        resolved = json.loads(json.dumps(schema).replace('"#/components', '"urn:api#/components'))
        OAS31Validator(resolved, registry=self.registry).validate(instance)

    def call(self, operation_id: str, body=None, **path_values):
        method, path, op = self.operations[operation_id]
        for name, value in path_values.items():
            path = path.replace("{" + name + "}", str(value))
        assert "{" not in path, f"missing a path value for {path}"
        kwargs = {"HTTP_AUTHORIZATION": f"Token {self.key}"}
        if body is not None:
            self._check(body, op["requestBody"]["content"]["application/json"]["schema"])
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(self.client, method)(path, **kwargs)
        declared = op["responses"].get(str(response.status_code))
        assert declared, f"{operation_id} answered an undeclared {response.status_code}"
        media_type = response["Content-Type"].split(";")[0]
        assert media_type in declared["content"], (media_type, list(declared["content"]))
        if "json" in media_type:
            self._check(response.json(), declared["content"][media_type]["schema"])
        return response


def _operation_id(document: dict, method: str, summary_word: str) -> str:
    """Find an operation the way a person reads the docs: by method and what it says."""
    found = [op["operationId"] for item in document["paths"].values()
             for verb, op in item.items()
             if verb == method and summary_word.lower() in op.get("summary", "").lower()]
    assert len(found) == 1, (method, summary_word, found)
    return found[0]


def test_a_client_from_the_document_creates_follows_and_downloads(
        client, alice, settings, tmp_path, empty_queue, django_capture_on_commit_callbacks):
    use_local_files(settings, tmp_path)
    document = client.get("/api/schema").json()
    validate(document)  # a valid OpenAPI 3.1 document
    api = DocumentClient(client, document, tokens.create(user=alice)[1])
    create = _operation_id(document, "post", "create a deck")
    follow = _operation_id(document, "get", "follow a deck")
    download = _operation_id(document, "get", "download the .pptx")

    with django_capture_on_commit_callbacks(execute=True):
        created = api.call(create, {"outline": OUTLINE})
    assert created.status_code == 202
    deck_id = created.json()["id"]
    assert api.call(follow, pk=deck_id).json()["status"] == "queued"
    tasks.generate_presentation(deck_id)  # what a worker runs
    followed = api.call(follow, pk=deck_id).json()
    assert followed["status"] == "done" and followed["download_url"]

    pptx = api.call(download, pk=deck_id)
    deck = Presentation(io.BytesIO(b"".join(pptx.streaming_content)))
    assert deck.slides[0].shapes.title.text == "Document-driven"


def test_the_document_client_sees_refusals_as_declared_problems(client, alice):
    document = client.get("/api/schema").json()
    api = DocumentClient(client, document, tokens.create(user=alice)[1])
    bad = "---\ntitle: x\n---\n\n# Chart\n\n```chart\ntype: radar\n```\n"
    refused = api.call(_operation_id(document, "post", "create a deck"), {"outline": bad})
    assert refused.status_code == 400 and refused.json()["problems"][0]["line"]
    missing = api.call(_operation_id(document, "get", "follow a deck"), pk=999999)
    assert missing.status_code == 404
