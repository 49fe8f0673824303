"""Calling the services' public APIs as the signed-in person.

One client, two ways to reach the APIs: in the one-process mode straight through their
WSGI app (no socket, no port), as a separate process over HTTP to each service's API
(one gateway, or a URL per service). Either way the request is the one a county system
would send.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.test import Client

RECEIPT_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def field_errors(self) -> dict[str, str]:
        """A problem's `errors` by field (RFC 9457 with renda's errors list)."""
        errors = self.body.get("errors", []) if isinstance(self.body, dict) else []
        found = {e.get("field", ""): e.get("reason", "") for e in errors if isinstance(e, dict)}
        if isinstance(self.body, dict) and self.body.get("field"):
            found.setdefault(self.body["field"], self.body.get("detail", ""))
        return found


Send = Callable[[str, str, dict[str, str], bytes | None], Answer]


def wsgi_transport(app: Any) -> Send:
    client = Client(app)

    def send(method: str, url: str, headers: dict[str, str], data: bytes | None) -> Answer:
        # In-process, the visitor's address is the request's own (no proxy to trust).
        address = headers.pop("X-Forwarded-For", None)
        environ = {"REMOTE_ADDR": address} if address else None
        response = client.open(
            url, method=method, headers=headers, data=data, environ_overrides=environ
        )
        return Answer(response.status_code, _json(response.get_data()))

    return send


def http_transport(api_url_for: Callable[[str], str], timeout: float = 10.0) -> Send:
    """Over HTTP to the API of the service a path starts with (`/workflow/v1/…` → workflow)."""

    def send(method: str, url: str, headers: dict[str, str], data: bytes | None) -> Answer:
        base = api_url_for(url.lstrip("/").split("/", 1)[0]).rstrip("/")
        request = urllib.request.Request(base + url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.status, _json(response.read()))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, _json(exc.read()))

    return send


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def multipart(
    boundary: str, fields: dict[str, str], files: list[tuple[str, str, str, bytes]]
) -> bytes:
    """A multipart/form-data body (RFC 7578); names and file names are quoted, their
    quotes and line breaks escaped as browsers do."""

    def quoted(text: str) -> str:
        return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")

    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted(name)}"\r\n\r\n'.encode()
        + value.encode()
        + b"\r\n"
        for name, value in fields.items()
    ]
    parts += [
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{quoted(name)}"; '
            f'filename="{quoted(filename)}"\r\nContent-Type: {media_type}\r\n\r\n'
        ).encode()
        + data
        + b"\r\n"
        for name, filename, media_type, data in files
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@dataclass
class Api:
    send: Send
    token: str | None = None
    correlation_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json", "X-Correlation-Id": self.correlation_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return {**headers, **(extra or {})}

    def get(self, path: str, **params: Any) -> Answer:
        query = {k: v for k, v in params.items() if v not in (None, "")}
        url = path + ("?" + urllib.parse.urlencode(query) if query else "")
        return self.send("GET", url, self._headers(), None)

    def post(
        self,
        path: str,
        body: dict[str, Any],
        idempotency_key: str,
        client_address: str | None = None,
    ) -> Answer:
        """`client_address`: the visitor's, for the public form's per-address limit
        (over HTTP the gateway must trust the console's X-Forwarded-For, ADR 0011)."""
        headers = self._headers(
            {"Content-Type": "application/json", "Idempotency-Key": idempotency_key}
        )
        if client_address:
            headers["X-Forwarded-For"] = client_address
        return self.send("POST", path, headers, json.dumps(body).encode())

    def post_form(
        self,
        path: str,
        fields: dict[str, str],
        files: list[tuple[str, str, str, bytes]],
        idempotency_key: str,
        client_address: str | None = None,
    ) -> Answer:
        """A multipart/form-data write (fields and files: name, filename, type, bytes), for
        the doors that take photos; otherwise as `post`."""
        boundary = uuid.uuid4().hex
        headers = self._headers(
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Idempotency-Key": idempotency_key,
            }
        )
        if client_address:
            headers["X-Forwarded-For"] = client_address
        return self.send("POST", path, headers, multipart(boundary, fields, files))

    def write(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Answer:
        """A direct write to a service that owns it without a receipt (notify's inbox,
        preferences, webhooks and notices): the answer is the outcome. A form's
        `idempotency_key` makes a double submit one write where the service takes one."""
        extra = {"Content-Type": "application/json"} if body is not None else {}
        if idempotency_key:
            extra["Idempotency-Key"] = idempotency_key
        headers = self._headers(extra)
        data = json.dumps(body).encode() if body is not None else None
        return self.send(method, path, headers, data)

    def act(self, suggestion_id: str, action: str, body: dict[str, Any], key: str) -> Answer:
        """An action through intake; waits briefly for the receipt to settle."""
        path = f"/intake/v1/suggestions/{urllib.parse.quote(suggestion_id)}/{action}"
        answer = self.post(path, body, key)
        if answer.status != 202:
            return answer
        return self.settled(answer.body["id"], answer)

    def settled(self, receipt_id: str, answer: Answer) -> Answer:
        deadline = time.monotonic() + RECEIPT_WAIT_SECONDS
        while answer.ok and answer.body.get("status") == "pending":
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
            answer = self.get(f"/intake/v1/receipts/{receipt_id}")
        return answer
