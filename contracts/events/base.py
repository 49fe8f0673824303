from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_dump,
    post_load,
    validates_schema,
)


class EventData(Schema):
    """Base of every event schema: unknown fields are ignored so producers can add fields."""

    class Meta:
        unknown = EXCLUDE


class ActionRequested(EventData):
    """An action asked of an aggregate through intake (`<aggregate>.action_requested`).

    Its `args` are checked and typed on load, and turned back into JSON on dump, by the
    action's own schema in the aggregate's table `ACTIONS` (name → an action with a
    `schema`): arguments that schema refuses make the whole event invalid, and a handler
    gets them typed. Fields the action's schema does not know are ignored, as in every
    event: a newer intake may add an optional one before workflow knows it. Each subclass
    declares its id, `action` (one of ACTIONS), `actor` and `submitted_at`."""

    ACTIONS: ClassVar[Mapping[str, Any]]
    args = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={"description": "the action's arguments, by the action's own schema"},
    )

    def _args(self, action: str) -> Schema:
        return self.ACTIONS[action].schema(unknown=EXCLUDE)

    @validates_schema
    def _args_fit_the_action(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("action") not in self.ACTIONS:
            return  # `action`'s own validation says why
        try:
            self._args(data["action"]).load(data.get("args", {}))
        except ValidationError as refused:
            raise ValidationError(refused.messages, "args") from None

    @post_load
    def _typed_args(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {**data, "args": self._args(data["action"]).load(data["args"])}

    @post_dump
    def _json_args(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("action") not in self.ACTIONS:
            return data  # the load that follows every dump refuses it
        return {**data, "args": self.ACTIONS[data["action"]].schema().dump(data.get("args", {}))}
