from contracts.events import project, submission, suggestion

ALL_EVENT_TYPES = [*submission.EVENT_TYPES, *suggestion.EVENT_TYPES, *project.EVENT_TYPES]
