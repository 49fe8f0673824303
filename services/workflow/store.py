"""Workflow's tables shared by every aggregate: the declarative base (with the outbox and
inbox) and the tenants' policies. Each aggregate keeps its own tables in its `store.py`."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from runtime.service import service_base

Base = service_base()


class TenantPolicy(Base):
    """A tenant's overrides of the deadline policy (DeadlinePolicy field → value)."""

    __tablename__ = "tenant_policies"

    tenant: Mapped[str] = mapped_column(String(32), primary_key=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
