from contracts.events import opinion, submission, suggestion

ALL_EVENT_TYPES = [*submission.EVENT_TYPES, *suggestion.EVENT_TYPES, *opinion.EVENT_TYPES]
