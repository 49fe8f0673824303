"""Each service's OpenAPI document, telling the truth about errors, and its Swagger UI.

Every error answer is an RFC 9457 problem (`runtime/problems.py`), so the document says
so once for all operations instead of flask-smorest's default `Error` as JSON: a spec
plugin adds to each operation the problem answers the runtime can give it.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

import flask_swagger_ui
from apispec import BasePlugin
from flask import Flask, send_from_directory
from flask_smorest import Api
from marshmallow import INCLUDE, Schema, fields

from runtime.problems import PROBLEM_TYPE

PROBLEM_STATUSES = (400, 401, 403, 404, 413, 415, 422, 429, 500, 503)
"""Every status the runtime answers with a problem; 409 is sent by nothing yet."""
DOCS_ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
"""Swagger UI's files, served by the app itself: a deployment may have no internet."""


class FieldErrorSchema(Schema):
    field = fields.String(
        required=True, metadata={"description": "the field, parameter or header, dotted"}
    )
    reason = fields.String(required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details; other members may follow (RFC 9457 §3.2)."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        metadata={"description": "what is wrong with which field, when fields are wrong"},
    )


def forbidding(view: Any) -> None:
    """Document on a view that it answers 403 (it checks the key's role or subject)."""
    doc = getattr(view, "_apidoc", {})
    # The dict is shared with the wrapped view (functools.wraps): copy before changing.
    manual = dict(doc.get("manual_doc", {}))
    manual["responses"] = {**manual.get("responses", {}), 403: HTTPStatus(403).name}
    view._apidoc = {**doc, "manual_doc": manual}


def throttling(view: Any) -> None:
    """Document on a view that it answers 429 with Retry-After (it is rate-limited)."""
    doc = getattr(view, "_apidoc", {})
    manual = dict(doc.get("manual_doc", {}))
    manual["responses"] = {**manual.get("responses", {}), 429: HTTPStatus(429).name}
    view._apidoc = {**doc, "manual_doc": manual}


class ProblemResponses(BasePlugin):
    """Adds to every operation the problem answers the runtime may give it: 500 and 503
    (its database unreachable) always;
    400, 413, 415 and 422 for a body; 422 for parameters (a NUL in a path segment too);
    401 and 404 (missing or beyond the key's reach) unless it needs no key."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **_: Any
    ) -> None:
        for operation in (operations or {}).values():
            codes = {500, 503}
            if "requestBody" in operation:
                codes |= {400, 413, 415, 422}
            if operation.get("parameters") or "{" in (path or ""):
                codes.add(422)
            if operation.get("security") != []:
                codes |= {401, 404}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                responses.setdefault(code, HTTPStatus(code).name)


class ProblemApi(Api):
    """flask-smorest's Api, documenting problem+json errors and no catch-all `default`."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_responses(self) -> None:
        for code in PROBLEM_STATUSES:
            status = HTTPStatus(code)
            response: dict[str, Any] = {
                "description": f"{status.phrase} (problem details)",
                "content": {PROBLEM_TYPE: {"schema": ProblemSchema}},
            }
            if code in (429, 503):
                response["headers"] = {
                    "Retry-After": {
                        "description": "seconds until the limit's window ends"
                        if code == 429
                        else "seconds after which to try again (with the same Idempotency-Key)",
                        "schema": {"type": "integer", "minimum": 1},
                    }
                }
            self.spec.components.response(status.name, response, lazy=True)


def api_config(name: str) -> dict[str, Any]:
    """The flask-smorest settings of one service's document and Swagger UI."""
    prefix = name.upper() + "_"
    return {
        f"{prefix}API_TITLE": f"renda {name}",
        f"{prefix}API_VERSION": "v1",
        f"{prefix}OPENAPI_VERSION": "3.1.0",
        f"{prefix}OPENAPI_URL_PREFIX": f"/{name}/v1",
        f"{prefix}OPENAPI_JSON_PATH": "openapi.json",
        f"{prefix}OPENAPI_SWAGGER_UI_PATH": "docs",
        f"{prefix}OPENAPI_SWAGGER_UI_URL": f"/{name}/v1/docs/assets/",
        # No validator badge: it would send the document to an outside service.
        f"{prefix}OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
    }


def serve_docs_assets(app: Flask, name: str) -> None:
    def asset(filename: str) -> Any:
        return send_from_directory(DOCS_ASSETS, filename, max_age=86400)

    app.add_url_rule(
        f"/{name}/v1/docs/assets/<path:filename>", endpoint=f"{name}_docs_assets", view_func=asset
    )


def is_public_doc(path: str, name: str) -> bool:
    """The document and its UI need no key."""
    base = f"/{name}/v1/"
    return path in (base + "openapi.json", base + "docs") or path.startswith(base + "docs/assets/")
