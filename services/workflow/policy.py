"""A tenant's policies: the defaults of docs/domain.md with the tenant's overrides — the
deadline policy of suggestions, the opinions' settings, and the rules of the projects' votes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from runtime.db import once_per_transaction
from services.workflow.consultations.domain.policy import ConsultationPolicy
from services.workflow.consultations.store import ConsultationPolicyRow
from services.workflow.domain.deadlines import DeadlinePolicy
from services.workflow.opinions.domain.policy import OpinionPolicy
from services.workflow.opinions.store import OpinionPolicyRow
from services.workflow.projects.domain.rules import VoteRules
from services.workflow.projects.store import VoteRuleSet
from services.workflow.store import TenantPolicy


def policy_for(session: Session, tenant: str) -> DeadlinePolicy:
    """Read once per transaction: only the operator's own transaction changes it."""

    def read() -> DeadlinePolicy:
        row = session.get(TenantPolicy, tenant)
        return DeadlinePolicy.with_overrides(row.settings if row else {})

    return once_per_transaction(session, (TenantPolicy,), tenant, read)


def opinion_policy_for(session: Session, tenant: str) -> OpinionPolicy:
    row = session.get(OpinionPolicyRow, tenant)
    return OpinionPolicy.with_overrides(row.settings if row else {})


def set_opinion_policy(session: Session, tenant: str, changes: dict[str, int]) -> OpinionPolicy:
    """Merge the changes into the tenant's opinion settings; a bad one changes nothing."""
    row = session.get(OpinionPolicyRow, tenant) or OpinionPolicyRow(tenant=tenant, settings={})
    policy = OpinionPolicy.with_overrides({**row.settings, **changes})
    row.settings = {**row.settings, **changes}
    session.add(row)
    return policy


def vote_rules_for(session: Session, tenant: str) -> VoteRules:
    """The tenant's vote rules now; a vote keeps the copy it took when it opened."""
    row = session.get(VoteRuleSet, tenant)
    return VoteRules.with_overrides(row.settings if row else {})


def consultation_policy_for(session: Session, tenant: str) -> ConsultationPolicy:
    row = session.get(ConsultationPolicyRow, tenant)
    return ConsultationPolicy.with_overrides(row.settings if row else {})


def set_consultation_policy(
    session: Session, tenant: str, changes: dict[str, int]
) -> ConsultationPolicy:
    """Merge the changes into the tenant's consultation settings; a bad one changes nothing."""
    row = session.get(ConsultationPolicyRow, tenant) or ConsultationPolicyRow(
        tenant=tenant, settings={}
    )
    policy = ConsultationPolicy.with_overrides({**row.settings, **changes})
    row.settings = {**row.settings, **changes}
    session.add(row)
    return policy
