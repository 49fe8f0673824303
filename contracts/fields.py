"""Field types shared by the API schemas: what JSON says is what the database can keep.

marshmallow's own types are lenient where a contract must not be: `Boolean` takes `1`,
`"true"` and `"yes"`, and `Integer` takes any size a database column then overflows on.
"""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import fields, validate

INT32_MAX = 2**31 - 1
"""The largest value of an SQL INTEGER column on PostgreSQL (SQLite takes 2**63 - 1)."""
MAX_OFFSET = 1_000_000
FIRST_YEAR, LAST_YEAR = 2000, 2100


class StrictBoolean(fields.Boolean):
    """JSON `true` or `false`, nothing else (not `0`/`1`, not `"true"`)."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "must be a JSON boolean, true or false"
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        # `1 in {True}` is true in Python: marshmallow's truthy sets cannot refuse 1 and 0.
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class BoundedInteger(fields.Integer):
    """An integer within [minimum, maximum] (by default what an SQL INTEGER holds).

    In a body it must be a JSON integer (`strict`); in a query string it is text, so
    pass `strict=False` there."""

    def __init__(
        self, *, minimum: int = -INT32_MAX - 1, maximum: int = INT32_MAX, **kwargs: Any
    ) -> None:
        kwargs.setdefault("strict", True)
        super().__init__(validate=validate.Range(min=minimum, max=maximum), **kwargs)


def Year(**kwargs: Any) -> BoundedInteger:
    """A calendar year of the platform's life, e.g. in `?year=2026`."""
    return BoundedInteger(minimum=FIRST_YEAR, maximum=LAST_YEAR, strict=False, **kwargs)


def Offset(**kwargs: Any) -> BoundedInteger:
    """How many items of a list to skip."""
    kwargs.setdefault("load_default", 0)
    return BoundedInteger(minimum=0, maximum=MAX_OFFSET, strict=False, **kwargs)


def Limit(maximum: int = 500, **kwargs: Any) -> BoundedInteger:
    """How many items of a list to return at most."""
    kwargs.setdefault("load_default", 50)
    return BoundedInteger(minimum=1, maximum=maximum, strict=False, **kwargs)
