"""webargs' parser for every blueprint, made cheap for the hot paths.

flask-smorest hands webargs a schema *class*; webargs then builds a new instance (and
deep-copies its declared fields) on every request, and parses the JSON body itself
although the door (`runtime.http._check_input`) has already parsed and checked it. This
parser builds each schema once and takes the door's document.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Request
from flask_smorest import Blueprint
from marshmallow import Schema
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class RendaParser(FlaskParser):
    def __init__(self) -> None:
        super().__init__()
        self._schemas: dict[type[Schema], Schema] = {}
        self._lock = threading.Lock()

    def _get_schema(self, argmap: Any, req: Request) -> Schema:
        # A schema instance holds no per-request state (renda's schemas use no context),
        # so one instance per class serves every thread.
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                with self._lock:
                    schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        parsed = req.get_json(silent=True, cache=True)
        # The door cached its checked document on the request; without one (a body the door
        # did not need to read), webargs parses as it always does.
        return parsed if parsed is not None else super()._raw_load_json(req)


def install() -> None:
    """Every flask-smorest Blueprint decorated after this uses the parser (it is read when
    `@blp.arguments` is applied, so runtime.http installs it at import)."""
    Blueprint.ARGUMENTS_PARSER = RendaParser()
