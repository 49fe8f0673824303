"""A tenant's deadline policy: the defaults of docs/domain.md with the tenant's overrides."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.workflow.domain.deadlines import DeadlinePolicy
from services.workflow.store import TenantPolicy


def policy_for(session: Session, tenant: str) -> DeadlinePolicy:
    row = session.get(TenantPolicy, tenant)
    return DeadlinePolicy.with_overrides(row.settings if row else {})
