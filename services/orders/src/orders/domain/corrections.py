"""Corrections versus immutability: conflict C1 between ORD-5 and ORD-6 (also ORD-13).

Policy `aftersales_before_confirmation` (default): after-sales customer service (the roles of
`CorrectOrderDetails` in `ORDERS_COMMAND_ROLES`, conflict C9) may correct the
recipient, phone, address, or a line's goods (sku) and size, before the order is confirmed, with
a reason; the correction is a new OrderDetailsCorrected event, the placed order is never rewritten.
Policy `forbid`: every correction is refused.

Every other attempt (another field, another actor, a confirmed order, the `forbid` policy) is
refused with ORD-5 (ORD-13 for the sales owner) and recorded as OrderAmendmentRejected.
"""

from __future__ import annotations

from collections.abc import Sequence

from jetstream_es.errors import InvalidCommand
from orders.domain.placing import existing
from orders.domain.policy import CorrectionPolicy, OrderPolicy
from orders.domain.state import BEFORE_CONFIRMATION, OrderState
from shop_contracts.commands.orders import CorrectOrderDetails
from shop_contracts.events.orders import FieldCorrection, OrderAmendmentRejected, OrderDetailsCorrected
from shop_contracts.messages import EventData

CORRECTABLE = frozenset({"recipient", "phone", "address", "sku", "size"})


def _refuse(cmd: CorrectOrderDetails, rule: str, reason: str) -> list[EventData]:
    """The decision to record a refused amendment (ORD-5, ORD-13): the handler appends it and
    answers `rule_violated` with its rule and reason."""
    return [
        OrderAmendmentRejected(
            order_id=cmd.order_id,
            command_id=cmd.command_id,
            actor_id=cmd.actor.id,
            actor_roles=cmd.actor.roles,
            attempted_fields=cmd.changes.changed_fields(),
            rule=rule,
            reason=reason,
        )
    ]


def _corrections(state: OrderState, cmd: CorrectOrderDetails) -> list[FieldCorrection]:
    changes, shipping = cmd.changes, state.shipping
    found = [
        FieldCorrection(field=name, old=getattr(shipping, name), new=new)
        for name in ("recipient", "phone", "address")
        if (new := getattr(changes, name)) is not None and shipping is not None
    ]
    for change in changes.lines:
        if change.line > len(state.lines):
            raise InvalidCommand(
                f"order {cmd.order_id} has {len(state.lines)} lines, not {change.line}",
                fields=[f"changes.lines.{changes.lines.index(change)}.line"],
            )
        line = state.lines[change.line - 1]
        for name in ("sku", "size"):
            new = getattr(change, name)
            if new is not None:
                found.append(
                    FieldCorrection(field=f"lines.{change.line}.{name}", old=getattr(line, name), new=new)
                )
    return [c for c in found if c.old != c.new]


def correct_details(state: OrderState, cmd: CorrectOrderDetails, policy: OrderPolicy) -> Sequence[EventData]:
    existing(state, cmd.order_id)
    fields = cmd.changes.changed_fields()
    if cmd.changes.sales_owner is not None:
        return _refuse(cmd, "ORD-13", "the sales owner is set once and never reassigned (ORD-13)")
    if policy.corrections is CorrectionPolicy.FORBID:
        return _refuse(
            cmd, "ORD-5", "orders cannot be changed once placed; corrections are switched off (ORD-5)"
        )
    binding = [f for f in fields if f.rsplit(".", 1)[-1] not in CORRECTABLE]
    if binding:
        return _refuse(cmd, "ORD-5", f"{', '.join(binding)} cannot be changed once the order exists (ORD-5)")
    allowed = policy.roles.roles("CorrectOrderDetails")
    if not cmd.actor.has_any(*allowed):
        return _refuse(
            cmd, "ORD-5", f"only {' or '.join(allowed)} may correct an order (ORD-6); others may not (ORD-5)"
        )
    if state.status not in BEFORE_CONFIRMATION:
        return _refuse(
            cmd, "ORD-5", f"order {cmd.order_id} is {state.status}; corrections end at confirmation (ORD-5)"
        )
    corrections = _corrections(state, cmd)
    if not corrections:
        return []
    return [
        OrderDetailsCorrected(
            order_id=cmd.order_id,
            corrections=tuple(corrections),
            reason=cmd.reason,
            corrected_by=cmd.actor.id,
        )
    ]
