"""The actions on a livelihood project proposal through 四方联荐 and the session: the one
list of their names, who may ask, and the schema of each one's arguments.

Intake validates a request's body with the action's schema at the door; the same schema
validates `args` of `project.action_requested` when workflow consumes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from contracts.fields import BoundedInteger, StrictBoolean

Note = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class ProjectActionIn(Schema):
    class Meta:
        unknown = RAISE


class StationScreenIn(ProjectActionIn):
    station = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"example": "兴东街道代表联络站"},
    )
    note = Note


class ConsultIn(ProjectActionIn):
    unit_ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)),
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "the departments the township asks"},
    )


class FeasibilityIn(ProjectActionIn):
    unit_id = fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the department, when a county system writes for it"},
    )
    feasible = StrictBoolean(required=True)
    note = Note


class ShortlistIn(ProjectActionIn):
    note = fields.String(validate=validate.Length(max=5000))


class DropIn(ProjectActionIn):
    reason = Note


class CommentIn(ProjectActionIn):
    deputy_id = fields.String(required=True, validate=validate.Length(min=1, max=32))
    text = Note


class AmendIn(ProjectActionIn):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    estimated_cost = BoundedInteger(
        minimum=0, maximum=10**12, metadata={"description": "yuan, when the plan changes it"}
    )


class ProjectAction(NamedTuple):
    schema: type[ProjectActionIn]
    roles: tuple[str, ...]
    summary: str


PROJECT_ACTIONS: dict[str, ProjectAction] = {
    "screen": ProjectAction(
        StationScreenIn,
        ("system", "committee"),
        "A station screens and completes the recommendation and passes it to the township.",
    ),
    "consult": ProjectAction(
        ConsultIn, ("system", "committee"), "The township asks the relevant departments."
    ),
    "feasibility": ProjectAction(
        FeasibilityIn,
        ("unit", "system", "committee"),
        "A department consulted gives its feasibility review note.",
    ),
    "shortlist": ProjectAction(
        ShortlistIn,
        ("system", "committee"),
        "The township puts it on its candidate list (after a feasibility note).",
    ),
    "drop": ProjectAction(DropIn, ("system", "committee"), "Not taken further, with the reason."),
    "comment": ProjectAction(
        CommentIn,
        ("deputy", "system", "committee"),
        "A deputy's comment at the session, before the vote.",
    ),
    "amend": ProjectAction(
        AmendIn, ("system", "committee"), "The plan as amended after deliberation."
    ),
}


def load_project_args(action: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """An action's arguments as they arrive on the bus, checked by the action's schema."""
    return PROJECT_ACTIONS[action].schema(unknown=EXCLUDE).load(args)
