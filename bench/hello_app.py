"""The physical limit for HTTP: Flask "hello world" under renda's own gunicorn settings.

It answers the same request the intake bench sends (POST JSON, 202 with a small JSON
receipt), parsing the body but doing nothing else, so renda's ratio to it is the cost of
renda's own work per request: authentication, validation, the database, the outbox.
"""

from __future__ import annotations

import uuid

from flask import Flask, request

app = Flask("hello")


@app.post("/intake/v1/suggestions")
def post() -> tuple[dict[str, str], int]:
    request.get_json()
    return {"id": str(uuid.uuid4()), "status": "pending"}, 202


@app.post("/intake/v1/votes/<vote_id>/ballots")
def ballot(vote_id: str) -> tuple[dict[str, str], int]:
    """The ballot burst's limit: the same POSTs from the same terminals, nothing decided."""
    request.get_json()
    return {"id": str(uuid.uuid4()), "status": "accepted"}, 202


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
