from marshmallow import Schema, fields, validate

from contracts.vocabulary import CATEGORIES


class AssignmentOut(Schema):
    unit_id = fields.String()
    role = fields.String(metadata={"description": "lead or co"})
    round = fields.Integer()
    assigned_at = fields.AwareDateTime()
    deadline = fields.Date()


class SuggestionOut(Schema):
    id = fields.String()
    number = fields.String()
    tenant = fields.String()
    state = fields.String()
    lead_deputy_id = fields.String()
    cosigner_ids = fields.List(fields.String())
    title = fields.String()
    body = fields.String()
    category = fields.String()
    occasion = fields.String()
    session_name = fields.String(allow_none=True)
    urgent = fields.Boolean()
    return_reason = fields.String(allow_none=True)
    submitted_at = fields.AwareDateTime()
    accepted_at = fields.AwareDateTime()
    assignments = fields.List(fields.Nested(AssignmentOut))


class SuggestionQuery(Schema):
    tenant = fields.String(metadata={"description": "a node id within the key's reach"})
    state = fields.String(validate=validate.OneOf(["accepted", "returned", "assigned"]))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class SuggestionPage(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(SuggestionOut))
