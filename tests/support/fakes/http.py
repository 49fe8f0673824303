"""A small threaded HTTP server on loopback whose answers a test scripts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


Answer = tuple[int, dict[str, Any]]
Responder = Callable[[Request], Answer]


@dataclass
class FakeServer:
    """Answers each request with `respond`; keeps every request it got, in order."""

    respond: Responder
    delay: float = 0.0
    requests: list[Request] = field(default_factory=list)

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:
                    # The sender died mid-request (a SIGKILLed worker): like a real server,
                    # take nothing from a request that never arrived whole.
                    self.close_connection = True
                    return
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                if fake.delay:
                    time.sleep(fake.delay)
                with fake.lock:
                    fake.requests.append(request)
                    status, body = fake.respond(request)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _handle

            def log_message(self, *args: object) -> None:
                pass

        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def scripted(*statuses: int, then: int = 200) -> Responder:
    """Answer with each status in turn, then `then` for ever."""
    remaining = list(statuses)

    def respond(_: Request) -> Answer:
        return (remaining.pop(0) if remaining else then), {}

    return respond
