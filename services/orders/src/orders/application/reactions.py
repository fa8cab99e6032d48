"""Reactions to fulfilment and after-sales events (SM-ORD): shipped, delivered, a shipment refused
(OutboundRefused) and resumed (ShipmentResumed, or stamped after all; FUL-5), refund pending,
refunded or cancelled (ORD-16 amounts), and back to the previous state when a case closes.

Each reaction is a Projection with side effects and no tables: for every event it issues one
command to the Order aggregate with `Cause.of_event`, so the event ids derive from the causing
event and a redelivered event appends nothing. Reactions never run during a replay.

Other services' streams carry many event types orders does not know: the reactions skip them
(`skip_unknown_types`) instead of parking them as poison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import structlog

from jetstream_es.commands import Cause
from jetstream_es.projection import Decoded, Reaction
from orders.application.handlers import OrderCommands
from orders.domain import lifecycle
from orders.domain.state import OrderState
from shop_contracts.aggregates import AFTERSALES_REFUND_CASE, FULFILMENT_SHIPMENT, whole_stream
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.fulfilment import (
    OutboundRefused,
    ShipmentDelivered,
    ShipmentResumed,
    ShipmentStamped,
)
from shop_contracts.messages import EventData

log = structlog.get_logger(__name__)
Decide = Callable[[OrderState, datetime], Sequence[EventData]]


def decision(data: EventData) -> tuple[str, Decide] | None:
    """The order an event concerns and what the order decides about it."""
    match data:
        case ShipmentStamped():
            return data.order_id, lambda s, _: lifecycle.mark_shipped(s, data)
        case ShipmentDelivered():
            return data.order_id, lambda s, _: lifecycle.mark_delivered(s, data)
        case OutboundRefused():
            return data.order_id, lambda s, _: lifecycle.shipment_refused(s, data)
        case ShipmentResumed():
            return data.order_id, lambda s, _: lifecycle.shipment_resumed(s, data)
        case RefundRequested():
            return data.order_id, lambda s, _: lifecycle.open_refund(s, data)
        case RefundIssued():
            return data.order_id, lambda s, _: lifecycle.refund_issued(s, data)
        case RefundCaseClosed():
            return data.order_id, lambda s, _: lifecycle.close_refund_case(s, data)
    return None


class OrderReaction(Reaction):
    def __init__(self, commands: OrderCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        found = decision(item.data)
        if found is None:
            return
        order_id, decide = found
        envelope = item.event.envelope
        cause = Cause.of_event(self.name, envelope, SYSTEM_ACTOR)
        result = await self.commands.execute(order_id, cause, decide)
        if not result.event_ids:
            log.info(
                "reaction_ignored", reaction=self.name, event_type=envelope.event_type, order_id=order_id
            )


class FulfilmentReactions(OrderReaction):
    name = "orders_fulfilment_reactions"
    sources = (FULFILMENT_SHIPMENT,)
    filter_subjects = (whole_stream("fulfilment"),)  # as the deployed consumer reads
    models = (ShipmentStamped, ShipmentDelivered, OutboundRefused, ShipmentResumed)
    handles = frozenset(m.event_type for m in models)


class AftersalesReactions(OrderReaction):
    name = "orders_aftersales_reactions"
    sources = (AFTERSALES_REFUND_CASE,)
    filter_subjects = (whole_stream("aftersales"),)  # as the deployed consumer reads
    models = (RefundRequested, RefundIssued, RefundCaseClosed)
    handles = frozenset(m.event_type for m in models)
