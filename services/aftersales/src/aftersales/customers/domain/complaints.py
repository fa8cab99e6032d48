"""The Complaint aggregate (SM-CMP): registered by customer service with a response due within the
SLA (AS-15, AS-20; C13: 24 hours), responded to, escalated to the escalation point (AS-19: the
policy's `escalation_role`, the customer-service supervisor by default) and resolved.

`ComplaintResponseOverdue` is a mark, not a state: the complaint stays open and can still be
answered (late, `within_sla=false`). An escalated complaint can be answered by the agent or the
role it was escalated to, and only the roles of `ResolveEscalatedComplaint` resolve it (AS-19;
they need no role of `ResolveComplaint`). Every decision is pure: state, command and `now` in,
events out, or a refusal naming the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from aftersales.customers.domain.status import ComplaintStatus as S
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import Forbidden, RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import AFTERSALES_COMPLAINT
from shop_contracts.commands import aftersales as c
from shop_contracts.duty import Cover
from shop_contracts.events.aftersales import (
    ComplaintEscalated,
    ComplaintRegistered,
    ComplaintResolved,
    ComplaintResponded,
    ComplaintResponseOverdue,
)
from shop_contracts.messages import EventData

RESPONSE_DEADLINE = "complaint_response"


def response_deadline_id(complaint_id: str) -> str:
    """One response deadline per complaint (AS-15): scheduling it twice keeps one."""
    return f"{RESPONSE_DEADLINE}/{complaint_id}"


@dataclass(frozen=True)
class ComplaintState:
    status: S | None = None
    complaint_id: str = ""
    customer_id: str = ""
    registered_by: str = ""
    registered_at: datetime | None = None
    respond_by: datetime | None = None
    responded_at: datetime | None = None
    overdue: bool = False
    escalated_to: str | None = None
    """The role the complaint was escalated to (AS-19), None while not escalated."""

    @property
    def exists(self) -> bool:
        return self.status is not None


def evolve(state: ComplaintState, event: EventData) -> ComplaintState:
    match event:
        case ComplaintRegistered():
            return replace(
                state,
                status=S.OPEN,
                complaint_id=event.complaint_id,
                customer_id=event.customer_id,
                registered_by=event.registered_by,
                registered_at=event.registered_at,
                respond_by=event.respond_by,
            )
        case ComplaintResponded():
            to = S.ESCALATED if state.status == S.ESCALATED else S.RESPONDED
            return replace(state, status=to, responded_at=event.responded_at)
        case ComplaintResponseOverdue():
            return replace(state, overdue=True)
        case ComplaintEscalated():
            return replace(state, status=S.ESCALATED, escalated_to=event.escalated_to)
        case ComplaintResolved():
            return replace(state, status=S.RESOLVED)
    return state


registry = EventRegistry(
    [ComplaintRegistered, ComplaintResponded, ComplaintResponseOverdue, ComplaintEscalated, ComplaintResolved]
)
COMPLAINT = AggregateType.of(AFTERSALES_COMPLAINT, registry, ComplaintState, evolve)


def _expect(state: ComplaintState, command: str, *allowed: S) -> None:
    if state.status not in allowed:
        wanted = " or ".join(a.value for a in allowed)
        raise RuleViolated(
            f"{command} needs complaint {state.complaint_id} to be {wanted}; it is {state.status}", "SM-CMP"
        )


def register(
    state: ComplaintState, cmd: c.RegisterComplaint, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RegisterComplaint")
    if state.exists:
        raise RuleViolated(f"complaint {cmd.complaint_id} already exists", "SM-CMP")
    return [
        ComplaintRegistered(
            complaint_id=cmd.complaint_id,
            customer_id=cmd.customer_id,
            order_id=cmd.order_id,
            channel=cmd.channel,
            subject=cmd.subject,
            registered_by=cmd.actor.id,
            registered_at=now,
            respond_by=now + policy.complaint_response_within,
        )
    ]


def respond(
    state: ComplaintState, cmd: c.RespondToComplaint, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    if not (state.escalated_to and cmd.actor.has_any(state.escalated_to)):
        policy.roles.require(cmd.actor, "RespondToComplaint")
    _expect(state, "RespondToComplaint", S.OPEN, S.ESCALATED)
    if state.responded_at is not None:
        raise RuleViolated(f"complaint {state.complaint_id} has been responded to already", "SM-CMP")
    due = state.respond_by
    return [
        ComplaintResponded(
            complaint_id=state.complaint_id,
            response=cmd.response,
            responded_by=cmd.actor.id,
            responded_at=now,
            within_sla=due is None or now <= due,
        )
    ]


def escalate(
    state: ComplaintState, cmd: c.EscalateComplaint, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "EscalateComplaint")
    _expect(state, "EscalateComplaint", S.OPEN, S.RESPONDED)
    return [
        ComplaintEscalated(
            complaint_id=state.complaint_id,
            escalated_by=cmd.actor.id,
            escalated_to=policy.escalation_role,
            reason=cmd.reason,
            escalated_at=now,
        )
    ]


def resolve(
    state: ComplaintState, cmd: c.ResolveComplaint, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    if state.status != S.ESCALATED:
        policy.roles.require(cmd.actor, "ResolveComplaint")
    elif not cmd.actor.has_any(*policy.roles.roles("ResolveEscalatedComplaint")):
        raise Forbidden(
            f"complaint {state.complaint_id} is escalated: "
            f"{' or '.join(policy.roles.roles('ResolveEscalatedComplaint'))} resolves it",
            "AS-19",
        )
    _expect(state, "ResolveComplaint", S.RESPONDED, S.ESCALATED)
    return [
        ComplaintResolved(
            complaint_id=state.complaint_id,
            resolution=cmd.resolution,
            resolved_by=cmd.actor.id,
            resolved_at=now,
        )
    ]


def response_overdue(
    state: ComplaintState, due: datetime, now: datetime, cover: Cover | None = None
) -> Sequence[EventData]:
    """The deadline fell due (AS-15): overdue once, unless answered or closed meanwhile. `cover`:
    who was on duty when it fell due; outside online hours the event names them and why, or the
    escalation role when nobody was (DUTY-1, AS-22)."""
    if not state.exists or state.responded_at is not None or state.status == S.RESOLVED:
        return []
    if state.overdue or now < due or state.registered_at is None:
        return []
    overdue = ComplaintResponseOverdue(
        complaint_id=state.complaint_id,
        customer_id=state.customer_id,
        registered_by=state.registered_by,
        registered_at=state.registered_at,
        due_at=due,
        detected_at=now,
    )
    if cover is not None and cover.routed:
        routing = {
            "assigned_to": cover.assigned_to,
            "duty_reason": cover.reason,
            "escalate_to": cover.escalate_to,
        }
        overdue = overdue.model_copy(update=routing)
    return [overdue]
