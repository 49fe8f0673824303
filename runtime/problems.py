"""RFC 9457 problem details: every error answer, never a stack trace."""

from __future__ import annotations

from typing import Any

from flask import Response, json
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE)


def field_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten marshmallow/webargs messages into [{field, reason}], nested names dotted."""
    out: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict | list) and not _is_message_list(value):
                out.extend(field_errors(value, name))
            else:
                for reason in value if isinstance(value, list) else [value]:
                    out.append({"field": name, "reason": str(reason)})
    elif isinstance(messages, list):
        out.extend({"field": prefix or "body", "reason": str(m)} for m in messages)
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_message_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


class DomainProblem(HTTPException):
    """Raised by views to answer with a problem, optionally naming a field."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        field: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(description=detail)
        self.code = status
        self.title = title
        self.field = field
        # What is wrong with the field, when the detail says more (e.g. names the field).
        self.reason = reason or detail


def from_http_exception(exc: HTTPException) -> Response:
    response = _problem_for(exc)
    # Keep what the exception says about the protocol (Allow on 405, Retry-After, …).
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="renda"'
    return response


def _problem_for(exc: HTTPException) -> Response:
    status = exc.code or 500
    if isinstance(exc, DomainProblem):
        errors = [{"field": exc.field, "reason": exc.reason}] if exc.field else None
        return problem(status, exc.title, exc.description, errors=errors)
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages:
        # webargs nests by location ("json", "query", "headers"); the field name is enough.
        flat: dict[str, Any] = {}
        for location, by_field in messages.items():
            if isinstance(by_field, dict):
                flat.update(by_field)
            else:
                flat[location] = by_field
        # Errors about the body as a whole (not JSON, not an object) name the body.
        for whole in ("json", "_schema"):
            if whole in flat:
                flat.setdefault("body", [])
                flat["body"] = [*_as_list(flat["body"]), *_as_list(flat.pop(whole))]
        return problem(
            status,
            "Invalid request",
            "Some fields are missing or wrong; see errors.",
            errors=field_errors(flat),
        )
    return problem(status, exc.name, exc.description)
