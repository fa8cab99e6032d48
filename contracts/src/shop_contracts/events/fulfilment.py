"""Fulfilment's integration events (rules.md §10.2, SM-SHIP-BATCH, SM-SHIP): ShipmentStamped, the
moment an order counts as shipped (FUL-6); ShipmentDelivered, which starts the 7-day quality window
(AS-11, FUL-11); ShipmentCancelled (AS-3); ReturnParcelReceived (AS-6); the shipping day's report,
printed documents, packet, filling in and submission (FUL-1, FUL-3, FUL-7); the accessories check
with its checklist, for after-sales to compare a returned parcel with (FUL-4); refusals and their
resumption once the paperwork is fixed (FUL-5), dispatch, tracking and courier exceptions (FUL-10, FUL-11);
the recall of a shipment a cancellation reached after its accessories check (SM-SHIP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData

SHIPPING_ONLY_STAMP: Final = "發貨專用章"


class ShipmentLine(BaseModel):
    """One item of a shipment: what the warehouse must pick (and reserve) for the order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=10_000)
    size: str | None = Field(default=None, min_length=1, max_length=32)
    unit_price: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="the order's binding unit price (ORD-5), printed on the invoice (FUL-1); "
        "absent on lines noted before it was carried",
    )


class OrderQueuedForShipping(EventData):
    """A confirmed, paid and remarked order joined a shipping day's queue (FUL-1, FUL-2).

    Its lines are what the stock ledger reserves for the shipment (FUL-20).
    """

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    batch_date: dt.date = Field(description="the shipping day whose 14:00 batch takes the order")
    lines: tuple[ShipmentLine, ...] = Field(min_length=1)
    logistics_method: str = Field(min_length=1, max_length=64)
    queued_at: AwareDatetime


class ShipmentStamped(EventData):
    """The outbound note carries the shipping-only stamp (發貨專用章); only now is the order shipped."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    outbound_note_no: str = Field(min_length=1, max_length=64)
    waybill_no: str = Field(min_length=1, max_length=64)
    stamp: Literal["發貨專用章"] = "發貨專用章"
    keeper: str = Field(min_length=1, max_length=128)
    stamped_at: AwareDatetime


class ShipmentDelivered(EventData):
    """The carrier delivered the shipment; the buyer has the goods (AS-2 branch, AS-11 window start)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    delivered_at: AwareDatetime


class ShipmentCancelled(EventData):
    """Fulfilment cancelled a shipment before it left, e.g. after an approved refund for goods not
    received (AS-3, SM-SHIP): from Queued|InPacket (or before it queued, or while refused) at once;
    from AccessoriesChecked|Dispatched only once the keeper confirmed the recall
    (ShipmentRecallConfirmed)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(default="refund", min_length=1, max_length=200)
    cancelled_at: AwareDatetime


class ReturnParcelReceived(EventData):
    """The warehouse received the buyer's return parcel for a refund case (AS-6, SM-RET)."""

    case_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    order_id: str | None = Field(default=None, pattern=ID_PATTERN)
    received_at: AwareDatetime


# -- the shipping day and the shipment's way out (SM-SHIP-BATCH, SM-SHIP, rules.md §10.2) ------


class ShipmentDocuments(BaseModel):
    """The three documents printed for one order of a daily report, each numbered in its series."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    outbound_note_no: str = Field(min_length=1, max_length=64)
    invoice_no: str = Field(min_length=1, max_length=64)


class DailyShippingReportGenerated(EventData):
    """The order clerk made the day's shipping report after the cut-off (FUL-1, FUL-2)."""

    batch_date: dt.date
    report_no: str = Field(min_length=1, max_length=64)
    shipment_ids: tuple[str, ...] = Field(min_length=1)
    order_ids: tuple[str, ...] = Field(min_length=1)
    generated_by: str = Field(min_length=1, max_length=128)
    generated_at: AwareDatetime


class ShippingDocumentsPrinted(EventData):
    """Waybills, outbound notes and invoices of the day's report, printed and stamped as one batch
    (FUL-1 step 3); every number comes once from its gap-free series."""

    batch_date: dt.date
    report_no: str = Field(min_length=1, max_length=64)
    documents: tuple[ShipmentDocuments, ...] = Field(min_length=1)
    stamped: bool = True
    printed_at: AwareDatetime

    @property
    def waybill_nos(self) -> tuple[str, ...]:
        return tuple(d.waybill_no for d in self.documents)

    @property
    def outbound_note_nos(self) -> tuple[str, ...]:
        return tuple(d.outbound_note_no for d in self.documents)

    @property
    def invoice_nos(self) -> tuple[str, ...]:
        return tuple(d.invoice_no for d in self.documents)


class ShippingPacketHandedOver(EventData):
    """The order clerk handed the report, waybills, outbound notes and invoices to the warehouse
    keeper; all four kinds were present for every order (FUL-1 step 4, FUL-3)."""

    batch_date: dt.date
    report_no: str = Field(min_length=1, max_length=64)
    handed_over_by: str = Field(min_length=1, max_length=128)
    to_keeper: str = Field(min_length=1, max_length=128)
    shipment_ids: tuple[str, ...]
    documents: tuple[str, ...] = Field(description="every document number in the packet")
    handed_over_at: AwareDatetime


class AccessoriesChecked(EventData):
    """The warehouse keeper found every accessory of the shipment's products (FUL-4). `checklist`
    names the accessories present, so after-sales can compare a returned parcel with it."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    checklist: tuple[str, ...]
    keeper: str = Field(min_length=1, max_length=128)
    checked_at: AwareDatetime


class AccessoriesMissing(EventData):
    """Accessories are missing; the shipment stays in the packet and the case is escalated to the
    warehouse's reporting line (FUL-4; C14: the roles come from the service's setting, `reported_to`)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    checklist: tuple[str, ...]
    missing: tuple[str, ...] = Field(min_length=1)
    keeper: str = Field(min_length=1, max_length=128)
    reported_to: tuple[str, ...] = Field(
        min_length=1, description="the roles told (C14 setting), each sees it in ListNotices"
    )
    checked_at: AwareDatetime


class OutboundRefused(EventData):
    """The keeper refused to ship against incomplete paperwork (FUL-5). The case is reported to the
    roles in `reported_to` (C14: the service's setting, by default the operations director and the
    store manager), who see it in ListNotices; orders hears of it by `order_id`. The shipment is
    held, not lost: once the paperwork is fixed and handed over again it resumes (ShipmentResumed)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=500)
    keeper: str = Field(min_length=1, max_length=128)
    reported_to: tuple[str, ...] = Field(
        min_length=1, description="the roles told (C14 setting), each sees it in ListNotices"
    )
    refused_at: AwareDatetime


class ShipmentResumed(EventData):
    """A refused shipment's paperwork was fixed and handed over to the warehouse again (FUL-5, FUL-3,
    SM-SHIP: Refused → the state it was refused in, `resumed_to`); it may be dispatched again.
    `reported_to` are the roles the refusal was reported to, told that it is resolved."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    refusal_reason: str = Field(min_length=1, max_length=500)
    fixed: str = Field(min_length=1, max_length=500, description="what was fixed in the paperwork")
    documents: tuple[str, ...] = Field(
        min_length=3, description="waybill, outbound note and invoice handed over again"
    )
    handed_over_by: str = Field(min_length=1, max_length=128)
    to_keeper: str = Field(min_length=1, max_length=128)
    resumed_to: Literal["InPacket", "AccessoriesChecked"]
    reported_to: tuple[str, ...] = Field(min_length=1)
    resumed_at: AwareDatetime


class ShipmentRecallRequested(EventData):
    """A cancellation reached a shipment that may already be on its way out (SM-SHIP: cancellation is
    allowed only from Queued|InPacket): it was AccessoriesChecked or Dispatched, so the goods may be
    on the courier's van. Instead of a cancellation that releases stock the parcel may not be back
    for, the shipment is held (no dispatch, no stamp) and the roles in `reported_to` (those who may
    answer, by default the warehouse keeper) are asked to get it back: ShipmentRecallConfirmed (it is
    back, then ShipmentCancelled) or ShipmentRecallDeclined (it already left, it goes on to the stamp).

    `reason` is the cancellation's (`refund`, `order_cancelled`), `case_id` the refund case behind it."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(min_length=1, max_length=200)
    case_id: str | None = Field(default=None, pattern=ID_PATTERN, description="the refund case behind it")
    held_in: Literal["AccessoriesChecked", "Dispatched"] = Field(
        description="the SM-SHIP state the shipment is held in"
    )
    reported_to: tuple[str, ...] = Field(
        min_length=1, description="the roles asked to answer (who may confirm the recall), in ListNotices"
    )
    requested_at: AwareDatetime


class ShipmentRecallConfirmed(EventData):
    """The keeper has the parcel back (SM-SHIP): the recall ends in ShipmentCancelled, which releases
    the shipment's stock as any cancellation does."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    keeper: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=500)
    confirmed_at: AwareDatetime


class ShipmentRecallDeclined(EventData):
    """The parcel already left with the courier (SM-SHIP): the recall closes and the shipment goes on
    to the stamp; after-sales then treats the goods as goods the buyer will receive. Reported to
    `reported_to` (C14: the warehouse's reporting line), who see it in ListNotices."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    keeper: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=500, description="why it cannot be got back")
    recall_reason: str = Field(min_length=1, max_length=200)
    case_id: str | None = Field(default=None, pattern=ID_PATTERN)
    reported_to: tuple[str, ...] = Field(min_length=1)
    declined_at: AwareDatetime


class ShipmentDispatched(EventData):
    """The goods left against the outbound note (FUL-5); not yet shipped until stamped (FUL-6)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    carrier: str = Field(min_length=1, max_length=64)
    waybill_no: str = Field(min_length=1, max_length=64)
    outbound_note_no: str = Field(min_length=1, max_length=64)
    keeper: str = Field(min_length=1, max_length=128)
    dispatched_at: AwareDatetime


class ShipmentInTransit(EventData):
    """The carrier scanned the parcel (FUL-11: tracking the buyer can follow)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    location: str = Field(default="", max_length=200)
    scanned_at: AwareDatetime


class CourierExceptionReported(EventData):
    """A courier problem with a parcel, for after-sales to follow up (FUL-10, AS-20)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=64)
    note: str = Field(default="", max_length=1000)
    reported_by: str = Field(min_length=1, max_length=128)
    reported_at: AwareDatetime


class CourierExceptionResolved(EventData):
    """The courier problem is solved: the parcel is moving again or was delivered (FUL-10)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64)
    outcome: Literal["in_transit", "delivered"]
    note: str = Field(default="", max_length=1000)
    resolved_by: str = Field(min_length=1, max_length=128)
    resolved_at: AwareDatetime


class DailyShippingReportFilled(EventData):
    """The keeper filled in the day's report: every shipment stamped, refused or cancelled (FUL-1
    step 5)."""

    batch_date: dt.date
    report_no: str = Field(min_length=1, max_length=64)
    shipped: tuple[str, ...]
    refused: tuple[str, ...]
    cancelled: tuple[str, ...] = ()
    filled_by: str = Field(min_length=1, max_length=128)
    filled_at: AwareDatetime


class DailyShippingReportSubmitted(EventData):
    """The filled report went to the role the service's setting names (FUL-7, C14: by default the
    department manager), who sees it in ListNotices; the day is closed."""

    batch_date: dt.date
    report_no: str = Field(min_length=1, max_length=64)
    submitted_by: str = Field(min_length=1, max_length=128)
    to_role: str = Field(min_length=1, max_length=64)
    to_manager: str | None = Field(default=None, min_length=1, max_length=128)
    submitted_at: AwareDatetime
