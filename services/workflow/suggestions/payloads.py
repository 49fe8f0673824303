"""The data of workflow's events, built from its rows."""

from __future__ import annotations

from typing import Any

from services.workflow.suggestions.store import Suggestion


def ref(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "suggestion_id": suggestion.id,
        "number": suggestion.number,
        "tenant": suggestion.tenant,
        "title": suggestion.title,
        "lead_deputy_id": suggestion.lead_deputy_id,
        "cosigner_ids": list(suggestion.cosigner_ids),
        "is_key": suggestion.is_key,
    }


def proposers(suggestion: Suggestion) -> list[str]:
    return [suggestion.lead_deputy_id, *suggestion.cosigner_ids]
