from contracts.events import submission, suggestion

ALL_EVENT_TYPES = [*submission.EVENT_TYPES, *suggestion.EVENT_TYPES]
