"""The CustomerFlag aggregate, one per customer (SM-CUST-FLAG, AS-18): customer service proposes an
inferior-customer flag, the customer-service supervisor confirms and records it or dismisses it.

Two steps, two people: the supervisor cannot confirm a flag they proposed themselves (designer
reading of "report to the supervisor, who confirms"). A dismissed flag may be proposed again with
new reasons; a confirmed one stays (lifting a flag is not in the rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from aftersales.customers.domain.status import CustomerFlagStatus as S
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import AFTERSALES_CUSTOMER_FLAG
from shop_contracts.commands import aftersales as c
from shop_contracts.events.aftersales import CustomerFlagConfirmed, CustomerFlagProposed, CustomerFlagRejected
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class CustomerFlagState:
    status: S | None = None
    customer_id: str = ""
    reason: str = ""
    proposed_by: str = ""

    @property
    def exists(self) -> bool:
        return self.status is not None


def evolve(state: CustomerFlagState, event: EventData) -> CustomerFlagState:
    match event:
        case CustomerFlagProposed():
            return replace(
                state,
                status=S.PROPOSED,
                customer_id=event.customer_id,
                reason=event.reason,
                proposed_by=event.proposed_by,
            )
        case CustomerFlagConfirmed():
            return replace(state, status=S.CONFIRMED)
        case CustomerFlagRejected():
            return replace(state, status=S.DISMISSED)
    return state


registry = EventRegistry([CustomerFlagProposed, CustomerFlagConfirmed, CustomerFlagRejected])
CUSTOMER_FLAG = AggregateType.of(AFTERSALES_CUSTOMER_FLAG, registry, CustomerFlagState, evolve)


def _expect_proposed(state: CustomerFlagState, command: str) -> None:
    if state.status != S.PROPOSED:
        raise RuleViolated(
            f"{command} needs a proposed flag on customer {state.customer_id or '?'}; it is {state.status}",
            "SM-CUST-FLAG",
        )


def propose(
    state: CustomerFlagState, cmd: c.FlagCustomer, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "FlagCustomer")
    if state.status == S.PROPOSED:
        raise RuleViolated(f"a flag on customer {cmd.customer_id} awaits the supervisor", "SM-CUST-FLAG")
    if state.status == S.CONFIRMED:
        raise RuleViolated(f"customer {cmd.customer_id} is flagged already", "SM-CUST-FLAG")
    return [
        CustomerFlagProposed(
            customer_id=cmd.customer_id, reason=cmd.reason, proposed_by=cmd.actor.id, proposed_at=now
        )
    ]


def confirm(
    state: CustomerFlagState, cmd: c.ConfirmCustomerFlag, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "ConfirmCustomerFlag")
    _expect_proposed(state, "ConfirmCustomerFlag")
    if cmd.actor.id == state.proposed_by:
        raise RuleViolated("the supervisor cannot confirm a flag they proposed themselves", "AS-18")
    return [
        CustomerFlagConfirmed(
            customer_id=state.customer_id,
            reason=state.reason,
            proposed_by=state.proposed_by,
            confirmed_by=cmd.actor.id,
            note=cmd.note,
            confirmed_at=now,
        )
    ]


def reject(
    state: CustomerFlagState, cmd: c.RejectCustomerFlag, policy: AftersalesPolicy, now: datetime
) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "RejectCustomerFlag")
    _expect_proposed(state, "RejectCustomerFlag")
    return [
        CustomerFlagRejected(
            customer_id=state.customer_id, rejected_by=cmd.actor.id, note=cmd.note, rejected_at=now
        )
    ]
