"""A local stand-in for the OpenAI API: a real HTTP server on 127.0.0.1 speaking the
chat-completions wire protocol, driven by the real `openai` SDK in tests.

Replies are scripted in order; every request is recorded (path, headers, JSON body).
Token usage is derived from the real request and reply sizes (4 bytes a token).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Scripted:
    status: int = 200
    content: str | None = None  # the assistant message content
    body: dict | None = None  # a raw JSON body (errors)
    delay: float = 0.0
    headers: dict = field(default_factory=dict)


@dataclass
class Request:
    path: str
    headers: dict
    body: dict


class FakeOpenAI:
    """Start with `start()`; `url` is the base URL to give the SDK."""

    def __init__(self, *, json_schema: bool = True):
        self.script: deque[Scripted] = deque()
        self.requests: list[Request] = []
        self.json_schema = json_schema
        self.default: Scripted | None = None
        self.by_schema: dict[str, Scripted] = {}  # replies by response schema name, reused
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- scripting ---------------------------------------------------------------------
    def reply(self, data: dict | str, *, delay: float = 0.0) -> None:
        content = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        self.script.append(Scripted(content=content, delay=delay))

    def error(self, status: int, message: str = "error", *, headers: dict | None = None,
              delay: float = 0.0) -> None:
        body = {"error": {"message": message, "type": "server_error", "code": None}}
        self.script.append(Scripted(status=status, body=body, headers=headers or {},
                                    delay=delay))

    def answer_schema(self, name: str, data: dict | str) -> None:
        """Answer every request for the response schema `name` with `data` (after the
        script is used up): concurrent clients then each get the reply they asked for."""
        content = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        self.by_schema[name] = Scripted(content=content)

    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # -- serving -----------------------------------------------------------------------
    def _next(self, request: dict) -> Scripted:
        with self._lock:
            if self.script:
                return self.script.popleft()
        schema = ((request.get("response_format") or {}).get("json_schema") or {}).get("name")
        if schema in self.by_schema:
            return self.by_schema[schema]
        if self.default is not None:
            return self.default
        return Scripted(status=500, body={"error": {"message": "no scripted reply",
                                                    "type": "server_error"}})

    def _completion(self, request: dict, content: str) -> dict:
        # the prompt is the messages plus any response schema (servers count both)
        sent = {"messages": request.get("messages", []),
                "response_format": request.get("response_format")}
        prompt = math.ceil(len(json.dumps(sent, ensure_ascii=False).encode()) / 4)
        completion = math.ceil(len(content.encode()) / 4)
        return {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": request.get("model", "gpt-4o-mini"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content, "refusal": None}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion,
                      "prompt_tokens_details": {"cached_tokens": 0}},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(Request(self.path, dict(self.headers), body))
                rf = body.get("response_format") or {}
                if rf.get("type") == "json_schema" and not fake.json_schema:
                    return self._send(400, {"error": {
                        "message": "Invalid parameter: 'response_format' of type 'json_schema' "
                                   "is not supported with this model.",
                        "type": "invalid_request_error", "param": "response_format"}}, {})
                scripted = fake._next(body)
                if scripted.delay:
                    time.sleep(scripted.delay)
                if scripted.status != 200:
                    return self._send(scripted.status, scripted.body, scripted.headers)
                self._send(200, fake._completion(body, scripted.content), scripted.headers)

            def _send(self, status: int, payload: dict, headers: dict):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler
