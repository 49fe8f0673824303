from contracts.events import consultation, duty, opinion, project, review, submission, suggestion

ALL_EVENT_TYPES = [
    *submission.EVENT_TYPES,
    *suggestion.EVENT_TYPES,
    *opinion.EVENT_TYPES,
    *project.EVENT_TYPES,
    *duty.EVENT_TYPES,
    *review.EVENT_TYPES,
    *consultation.EVENT_TYPES,
]
