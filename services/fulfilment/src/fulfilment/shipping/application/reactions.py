"""Reactions of the shipping side (SM-SHIP, SM-SHIP-BATCH; FUL-1, FUL-2, FUL-20, FUL-22, AS-3, AS-6).

- orders: OrderPlaced, OrderPaid, BuyerRemarkRecorded and OrderConfirmed are the four facts a
  shipment waits for; the last one queues it (OrderQueuedForShipping) on the shipping day its
  moment decides (FUL-2). OrderDetailsCorrected (ORD-6) corrects its lines and address before
  its documents are printed. OrderCancelled cancels a shipment not yet stamped.
- after-sales: RefundRequestApproved with no return required (goods not received) for the whole
  order cancels the shipment if it is not stamped yet (AS-3). Either cancellation ends a shipment
  at once only from Queued|InPacket (SM-SHIP); checked or dispatched it becomes a recall the keeper
  answers (ShipmentRecallRequested, see domain/shipment.py); a partial refund leaves it to ship
  (several partial cases that add up to the whole order cancel it through OrderCancelled); ReturnShippedByBuyer announces a return parcel (AS-6).
- fulfilment's own stream: OrderQueuedForShipping puts the shipment on its day's list (the next
  shipping day when that day's report is already made); ShippingDocumentsPrinted gives every
  shipment of the batch its documents (InPacket); the stock ledger's StockReserved and
  StockShortage decide whether it may be dispatched (FUL-20, FUL-22).

Each reaction derives its event ids from the causing event (`Cause.of_event`), so a redelivered
event appends nothing; a fact that no longer applies decides nothing.
"""

from __future__ import annotations

from datetime import datetime

import structlog

from fulfilment.shipping.application.handlers import ShippingCommands
from fulfilment.shipping.domain import returns, shipment, shipping_day
from fulfilment.shipping.domain.events import (
    OrderFactNoted,
    ReturnParcelExpected,
    ShipmentDocumentsAssigned,
    ShipmentStockNoted,
)
from fulfilment.shipping.domain.shipping_day import day_id
from jetstream_es.commands import Cause
from jetstream_es.projection import Decoded, Reaction
from shop_contracts.aggregates import (
    AFTERSALES_REFUND_CASE,
    FULFILMENT_SHIPMENT,
    FULFILMENT_STOCK_ALLOCATION,
    ORDERS_ORDER,
    whole_stream,
)
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.fulfilment import (
    OrderQueuedForShipping,
    ShipmentLine,
    ShippingDocumentsPrinted,
)
from shop_contracts.events.order_progress import OrderCancelled
from shop_contracts.events.orders import (
    BuyerRemarkRecorded,
    OrderConfirmed,
    OrderDetailsCorrected,
    OrderPaid,
    OrderPlaced,
)
from shop_contracts.events.refund_case import RefundRequestApproved, ReturnShippedByBuyer
from shop_contracts.events.stock import StockReserved, StockShortage
from shop_contracts.messages import EventData

log = structlog.get_logger(__name__)
MAX_CARRY_DAYS = 31


def order_fact(data: EventData, at: datetime) -> OrderFactNoted | None:
    """The fact an orders event brings to its shipment (shipment id = order id)."""
    match data:
        case OrderPlaced():
            lines = tuple(
                ShipmentLine(sku=ln.sku, quantity=ln.quantity, size=ln.size, unit_price=ln.unit_price)
                for ln in data.lines
            )
            return OrderFactNoted(
                shipment_id=data.order_id,
                order_id=data.order_id,
                fact="placed",
                lines=lines,
                shipping=data.shipping,
                amount=data.amount,
                noted_at=at,
            )
        case OrderPaid():
            return OrderFactNoted(shipment_id=data.order_id, order_id=data.order_id, fact="paid", noted_at=at)
        case BuyerRemarkRecorded():
            return OrderFactNoted(
                shipment_id=data.order_id,
                order_id=data.order_id,
                fact="remarked",
                logistics_method=data.logistics_method,
                requirements=data.requirements,
                noted_at=at,
            )
        case OrderConfirmed():
            return OrderFactNoted(
                shipment_id=data.order_id, order_id=data.order_id, fact="confirmed", noted_at=at
            )
    return None


class ShippingReaction(Reaction):
    def __init__(self, commands: ShippingCommands) -> None:
        super().__init__()
        self.commands = commands

    def cause(self, item: Decoded) -> Cause:
        return Cause.of_event(self.name, item.event.envelope, SYSTEM_ACTOR)


class OrdersReactions(ShippingReaction):
    name = "fulfilment_orders_reactions"
    sources = (ORDERS_ORDER,)
    filter_subjects = (whole_stream("orders"),)  # the consumer's filter as deployed
    models = (
        OrderPlaced,
        OrderPaid,
        BuyerRemarkRecorded,
        OrderConfirmed,
        OrderCancelled,
        OrderDetailsCorrected,
    )
    handles = frozenset(m.event_type for m in models)

    async def react(self, item: Decoded) -> None:
        data, cause = item.data, self.cause(item)
        policy = self.commands.policy
        if isinstance(data, OrderCancelled):
            await self.commands.cancel_shipment(data.order_id, cause, "order_cancelled", data.case_id)
            return
        if isinstance(data, OrderDetailsCorrected):
            await self.commands.shipments.execute(
                data.order_id, cause, lambda s, _: shipment.correct_details(s, data), must_exist=False
            )
            return
        fact = order_fact(data, item.event.envelope.occurred_at)
        if fact is not None:
            await self.commands.shipments.execute(
                fact.shipment_id, cause, lambda s, _: shipment.note_fact(s, fact, policy), must_exist=False
            )


class AftersalesReactions(ShippingReaction):
    name = "fulfilment_aftersales_reactions"
    sources = (AFTERSALES_REFUND_CASE,)
    filter_subjects = (whole_stream("aftersales"),)  # the consumer's filter as deployed
    models = (RefundRequestApproved, ReturnShippedByBuyer)
    handles = frozenset(m.event_type for m in models)

    async def react(self, item: Decoded) -> None:
        data, cause = item.data, self.cause(item)
        match data:
            case RefundRequestApproved() if not data.return_required and data.whole_order is not False:
                await self.commands.cancel_shipment(data.order_id, cause, "refund", data.case_id)
            case ReturnShippedByBuyer():
                expected = ReturnParcelExpected(
                    case_id=data.case_id,
                    order_id=data.order_id,
                    waybill_no=data.waybill_no,
                    shipped_at=data.shipped_at,
                )
                await self.commands.returns.execute(
                    data.case_id, cause, lambda s, _: returns.expect(s, expected), must_exist=False
                )


class ShippingFlow(ShippingReaction):
    name = "fulfilment_shipping_flow"
    sources = (FULFILMENT_SHIPMENT, FULFILMENT_STOCK_ALLOCATION)
    filter_subjects = (whole_stream("fulfilment"),)  # the consumer's filter as deployed
    models = (OrderQueuedForShipping, ShippingDocumentsPrinted, StockReserved, StockShortage)
    handles = frozenset(m.event_type for m in models)

    async def react(self, item: Decoded) -> None:
        data, cause = item.data, self.cause(item)
        match data:
            case OrderQueuedForShipping():
                await self.join_day(data, cause)
            case ShippingDocumentsPrinted():
                for doc in data.documents:
                    assigned = ShipmentDocumentsAssigned(
                        shipment_id=doc.shipment_id,
                        batch_date=data.batch_date,
                        report_no=data.report_no,
                        waybill_no=doc.waybill_no,
                        outbound_note_no=doc.outbound_note_no,
                        invoice_no=doc.invoice_no,
                    )
                    await self.commands.shipments.execute(
                        doc.shipment_id,
                        cause,
                        lambda s, _, a=assigned: shipment.assign_documents(s, a),  # type: ignore[misc]
                        must_exist=False,
                    )
            case StockReserved() | StockShortage():
                noted = ShipmentStockNoted(
                    shipment_id=data.shipment_id,
                    reserved=isinstance(data, StockReserved),
                    short=data.short if isinstance(data, StockShortage) else (),
                    noted_at=item.event.envelope.occurred_at,
                )
                await self.commands.shipments.execute(
                    data.shipment_id, cause, lambda s, _: shipment.note_stock(s, noted), must_exist=False
                )

    async def join_day(self, queued: OrderQueuedForShipping, cause: Cause) -> None:
        """Join the day the shipment was queued for, or the next shipping day whose report is not
        made yet (FUL-2)."""
        policy, days = self.commands.policy, self.commands.days
        day = queued.batch_date
        for _ in range(MAX_CARRY_DAYS):
            state = await days.state(day_id(day), fresh=True)
            if queued.shipment_id in state.shipments:
                return
            if state.accepts_shipments:
                carried = None if day == queued.batch_date else queued.batch_date
                result = await days.execute(
                    day_id(day),
                    cause,
                    lambda s, _, d=day, f=carried: shipping_day.join(  # type: ignore[misc]
                        s, d, queued.shipment_id, queued.order_id, f
                    ),
                    must_exist=False,
                )
                if result.event_ids:
                    return
                continue
            day = policy.next_shipping_day(day.fromordinal(day.toordinal() + 1))
        log.error(
            "shipment_found_no_open_day", shipment_id=queued.shipment_id, from_day=str(queued.batch_date)
        )
        raise RuntimeError(
            f"shipment {queued.shipment_id} found no open shipping day after {queued.batch_date}"
        )
