from marshmallow import EXCLUDE, Schema


class EventData(Schema):
    """Base of every event schema: unknown fields are ignored so producers can add fields."""

    class Meta:
        unknown = EXCLUDE
