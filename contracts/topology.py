"""Exchanges, queues and bindings: one topic exchange, one quorum queue per service.

Names carry a prefix (RENDA_BUS_PREFIX) so that several deployments, or test runs, can
share one broker without touching each other.
"""

from __future__ import annotations

from dataclasses import dataclass

SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "intake": (
        "submission.accepted",
        "submission.rejected",
        "submission.failed",
        "vote.opened",
        "consultation.published",
        "opinion.contact_erased",
        "project.completed",
    ),
    "workflow": (
        "suggestion.submitted",
        "suggestion.action_requested",
        "opinion.submitted",
        "opinion.action_requested",
        "vote.open_requested",
        "vote.ballots_released",
        "project.proposed",
        "project.action_requested",
        "project.list_approval_requested",
        "project.evaluation_submitted",
        "consultation.submitted",
        "consultation.opinion_submitted",
        "consultation.action_requested",
    ),
    "scoring": (
        "suggestion.accepted",
        "suggestion.marked_key",
        "vote.voted",
        "project.task_done",
        "opinion.adopted",
        "suggestion.returned",
        "suggestion.converted",
        "suggestion.merged",
        "duty_activity.submitted",
        "points.correction_requested",
        "points_list.publish_requested",
        "duty_interview.decided",
        "duty_stars.confirm_requested",
        "station_rating.requested",
        "review.command_requested",
        "duty_report.requested",
    ),
    "notify": (
        "suggestion.assigned",
        "suggestion.assignment_withdrawn",
        "suggestion.returned",
        "suggestion.converted",
        "suggestion.merged",
        "suggestion.marked_key",
        "suggestion.adjust_requested",
        "suggestion.extension_requested",
        "suggestion.extended",
        "suggestion.replied",
        "suggestion.evaluated",
        "suggestion.awaiting_meeting",
        "suggestion.closed",
        "suggestion.done",
        "assignment.colour_changed",
        "suggestion.follow_up_colour_changed",
        "supervision.opinion_recorded",
        "opinion.registered",
        "opinion.escalated",
        "opinion.forwarded",
        "opinion.adopted",
        "opinion.closed",
        "opinion.overdue",
        "vote.tallied",
        "submission.accepted",
        "submission.rejected",
        "duty_interview.recorded",
        "consultation.published",
        "consultation.report_submitted",
        "consultation.opinion_answered",
        "duty_report.issued",
        "review.result_announced",
        "review.opinion_issued",
        "review.deadline",
    ),
}
"""Which events (routing keys) each service consumes."""

PRODUCERS: dict[str, str] = {
    "suggestion.submitted": "intake",
    "suggestion.action_requested": "intake",
    "opinion.submitted": "intake",
    "opinion.action_requested": "intake",
    "vote.open_requested": "intake",
    "project.proposed": "intake",
    "project.action_requested": "intake",
    "project.list_approval_requested": "intake",
    "vote.ballots_released": "intake",
    "vote.voted": "intake",
    "project.task_done": "workflow",
    "project.completed": "workflow",
    "project.evaluation_submitted": "intake",
    "duty_activity.submitted": "intake",
    "points.correction_requested": "intake",
    "points_list.publish_requested": "intake",
    "duty_interview.decided": "intake",
    "duty_stars.confirm_requested": "intake",
    "station_rating.requested": "intake",
    "review.command_requested": "intake",
    "duty_interview.recorded": "scoring",
    "consultation.submitted": "intake",
    "consultation.opinion_submitted": "intake",
    "consultation.action_requested": "intake",
    "duty_report.requested": "intake",
    "duty_report.issued": "scoring",
    "review.result_announced": "scoring",
    "review.opinion_issued": "scoring",
    "review.deadline": "scoring",
    **{
        name: "workflow"
        for name in (
            "submission.accepted",
            "submission.rejected",
            "submission.failed",
            "suggestion.accepted",
            "suggestion.returned",
            "suggestion.converted",
            "suggestion.merged",
            "suggestion.marked_key",
            "suggestion.assigned",
            "suggestion.assignment_withdrawn",
            "suggestion.adjust_requested",
            "suggestion.extension_requested",
            "suggestion.extended",
            "suggestion.replied",
            "suggestion.evaluated",
            "suggestion.awaiting_meeting",
            "suggestion.closed",
            "suggestion.done",
            "assignment.colour_changed",
            "suggestion.follow_up_colour_changed",
            "supervision.opinion_recorded",
            "opinion.registered",
            "opinion.classified",
            "opinion.escalated",
            "opinion.forwarded",
            "opinion.adopted",
            "opinion.closed",
            "opinion.overdue",
            "opinion.contact_erased",
            "vote.opened",
            "vote.tallied",
            "consultation.published",
            "consultation.report_submitted",
            "consultation.opinion_answered",
        )
    },
}
"""Which service publishes each event (a contract test holds every event to one)."""


@dataclass(frozen=True)
class Names:
    prefix: str

    @property
    def events_exchange(self) -> str:
        """Topic exchange for every domain event; routing key `<aggregate>.<event>`."""
        return f"{self.prefix}.events"

    @property
    def dead_letter_exchange(self) -> str:
        """Direct exchange; routing key is the service whose queue gave the message up."""
        return f"{self.prefix}.dlx"

    @property
    def requeue_exchange(self) -> str:
        """Direct exchange that delivers to one service's queue only (retries, replays)."""
        return f"{self.prefix}.requeue"

    @property
    def retry_exchange(self) -> str:
        return f"{self.prefix}.retry"

    def queue(self, service: str) -> str:
        return f"{self.prefix}.{service}"

    def dead_letter_queue(self, service: str) -> str:
        return f"{self.prefix}.{service}.dlq"

    def retry_queue(self, service: str, tier: int) -> str:
        return f"{self.prefix}.{service}.retry.{tier}"

    @staticmethod
    def retry_routing_key(service: str, tier: int) -> str:
        return f"{service}.retry.{tier}"
