"""Customer contacts outside refunds and complaints: negative reviews tracked to a reply (the
`Review` aggregate, AS-16, SM-CMP review variant), and the consultation log and return visits
(the `CustomerContact` aggregate, one entry per id: AS-17, AS-21, AS-14).

A review reply records the Wangwang account found by the reverse lookup and the facts checked
with the customer, so lookup and fact check are part of the reply (SM-CMP's CustomerLookedUp and
FactsVerified steps folded in). A consultation is routed to one of the configured departments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import AFTERSALES_CUSTOMER_CONTACT, AFTERSALES_REVIEW
from shop_contracts.commands import aftersales as c
from shop_contracts.events.aftersales import (
    ConsultationLogged,
    NegativeReviewRecorded,
    ReviewReplied,
    RevisitRecorded,
)
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class ReviewState:
    review_id: str = ""
    customer_id: str = ""
    recorded: bool = False
    replied: bool = False

    @property
    def exists(self) -> bool:
        return self.recorded


def evolve_review(state: ReviewState, event: EventData) -> ReviewState:
    match event:
        case NegativeReviewRecorded():
            return replace(state, review_id=event.review_id, customer_id=event.customer_id, recorded=True)
        case ReviewReplied():
            return replace(state, replied=True)
    return state


REVIEW = AggregateType.of(
    AFTERSALES_REVIEW, EventRegistry([NegativeReviewRecorded, ReviewReplied]), ReviewState, evolve_review
)


@dataclass(frozen=True)
class ContactState:
    kind: str | None = None

    @property
    def exists(self) -> bool:
        return self.kind is not None


def evolve_contact(state: ContactState, event: EventData) -> ContactState:
    return replace(state, kind=event.event_type)


CUSTOMER_CONTACT = AggregateType.of(
    AFTERSALES_CUSTOMER_CONTACT,
    EventRegistry([ConsultationLogged, RevisitRecorded]),
    ContactState,
    evolve_contact,
)


def record_review(
    state: ReviewState, cmd: c.RecordNegativeReview, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RecordNegativeReview")
    if state.exists:
        raise RuleViolated(f"review {cmd.review_id} is recorded already", "AS-16")
    return [
        NegativeReviewRecorded(
            review_id=cmd.review_id,
            customer_id=cmd.customer_id,
            order_id=cmd.order_id,
            rating=cmd.rating,
            excerpt=cmd.excerpt,
            recorded_by=cmd.actor.id,
            recorded_at=now,
        )
    ]


def reply(
    state: ReviewState, cmd: c.ReplyToReview, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "ReplyToReview")
    if state.replied:
        raise RuleViolated(f"review {state.review_id} has a reply already", "AS-16")
    return [
        ReviewReplied(
            review_id=state.review_id,
            customer_id=state.customer_id,
            wangwang_id=cmd.wangwang_id,
            facts_checked=cmd.facts_checked,
            reply=cmd.reply,
            replied_by=cmd.actor.id,
            replied_at=now,
        )
    ]


def _new_entry(state: ContactState, entry_id: str) -> None:
    if state.exists:
        raise RuleViolated(f"customer contact {entry_id} is recorded already", "AS-17")


def log_consultation(
    state: ContactState, cmd: c.LogConsultation, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "LogConsultation")
    _new_entry(state, cmd.consultation_id)
    if cmd.routed_to not in policy.departments:
        known = ", ".join(sorted(policy.departments))
        raise RuleViolated(f"department {cmd.routed_to!r} is not one of: {known}", "AS-17")
    return [
        ConsultationLogged(
            consultation_id=cmd.consultation_id,
            customer_id=cmd.customer_id,
            kind=cmd.kind,
            topic=cmd.topic,
            routed_to=cmd.routed_to,
            logged_by=cmd.actor.id,
            logged_at=now,
        )
    ]


def record_revisit(
    state: ContactState, cmd: c.RecordRevisit, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RecordRevisit")
    _new_entry(state, cmd.revisit_id)
    rated = cmd.satisfaction
    return [
        RevisitRecorded(
            revisit_id=cmd.revisit_id,
            customer_id=cmd.customer_id,
            order_id=cmd.order_id,
            note=cmd.note,
            satisfaction=rated,
            meets_target=None if rated is None else rated >= policy.satisfaction_target,
            visited_by=cmd.actor.id,
            visited_at=now,
        )
    ]
