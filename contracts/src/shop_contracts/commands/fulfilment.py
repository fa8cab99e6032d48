"""Commands of the Fulfilment service's shipping side, on `fulfilment.commands.<CommandName>`
(rules.md §10.2, SM-SHIP-BATCH, SM-SHIP; FUL-1..FUL-11).

Field validation only; roles, the cut-off (FUL-2), the four-document packet (FUL-3), the
accessories check (FUL-4), the outbound note (FUL-5) and the stamp (FUL-6) are enforced by the
Fulfilment domain.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator
from pydantic.json_schema import SkipJsonSchema

from shop_contracts.messages import ID_PATTERN, Command

NAME = r"^\S(.*\S)?$"
"""A document number, accessory or carrier name: no leading or trailing blanks."""


class GenerateDailyShippingReport(Command):
    """The order clerk makes the day's report and prints and stamps its documents (FUL-1, FUL-2).

    `batch_date` defaults to today in the business time zone; it may not be made before the cut-off.
    """

    batch_date: dt.date | None = None


class HandOverShippingPacket(Command):
    """The order clerk hands the packet to the warehouse keeper (FUL-1 step 4). The packet lists the
    document numbers physically in it; all four kinds must be there for every order (FUL-3)."""

    batch_date: dt.date
    to_keeper: str = Field(min_length=1, max_length=128)
    report_no: str | None = Field(default=None, min_length=1, max_length=64)
    waybill_nos: tuple[str, ...] = Field(default=(), max_length=10_000)
    outbound_note_nos: tuple[str, ...] = Field(default=(), max_length=10_000)
    invoice_nos: tuple[str, ...] = Field(default=(), max_length=10_000)


class FillDailyShippingReport(Command):
    """The keeper fills in the day's report once every shipment is stamped or refused (FUL-1 step 5)."""

    batch_date: dt.date


class SubmitDailyShippingReport(Command):
    """The keeper hands the filled report to the department manager; the day closes (FUL-7)."""

    batch_date: dt.date
    to_manager: str | None = Field(default=None, min_length=1, max_length=128)


class DefineProductAccessories(Command):
    """Retired (FUL-4, decision 0011): the catalogue keeps the accessory lists
    (`catalog.commands.SetAccessories`); fulfilment refuses this command `rule_violated` FUL-4,
    pointing there. Kept so an old client gets that answer instead of `invalid`."""

    sku: str = Field(pattern=ID_PATTERN, max_length=64)
    accessories: tuple[str, ...] = Field(default=(), max_length=100)


class CheckAccessories(Command):
    """The keeper's checklist: the accessory names present in the shipment's parcel (FUL-4)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    present: tuple[str, ...] = Field(default=(), max_length=500)


class RefuseOutbound(Command):
    """The keeper refuses a pick-up with incomplete paperwork (FUL-5)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(
        min_length=1, max_length=500, pattern=r"\S", description="what is wrong with the paperwork"
    )


class ResumeRefusedShipment(Command):
    """The order clerk fixed a refused shipment's paperwork and hands its waybill, outbound note and
    invoice to the keeper again (FUL-5, FUL-3; SM-SHIP: Refused → InPacket or AccessoriesChecked)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    fixed: str = Field(
        min_length=1, max_length=500, pattern=r"\S", description="what was fixed in the paperwork"
    )
    to_keeper: str = Field(min_length=1, max_length=128)
    waybill_no: str = Field(min_length=1, max_length=64, pattern=NAME)
    outbound_note_no: str = Field(min_length=1, max_length=64, pattern=NAME)
    invoice_no: str = Field(min_length=1, max_length=64, pattern=NAME)


class ConfirmShipmentRecalled(Command):
    """The keeper has a recalled parcel back (SM-SHIP: ShipmentRecallRequested → Cancelled); its stock
    is released as in a cancellation."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    note: str = Field(default="", max_length=500)


class DeclineShipmentRecall(Command):
    """The recalled parcel already left with the courier (SM-SHIP): the recall closes and the shipment
    goes on to the stamp."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    reason: str = Field(
        min_length=1, max_length=500, pattern=r"\S", description="why the parcel cannot be got back"
    )


class DispatchShipment(Command):
    """The goods leave against the outbound note (FUL-5). `carrier` defaults to the buyer's
    logistics method from the remark."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    carrier: str | None = Field(default=None, min_length=1, max_length=64, pattern=NAME)


class StampOutboundNote(Command):
    """The keeper stamps the outbound note with the shipping-only stamp; now it is shipped (FUL-6)."""

    shipment_id: str = Field(pattern=ID_PATTERN)


class RecordShipmentInTransit(Command):
    """A carrier scan: the parcel is on its way (FUL-11)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    location: str = Field(default="", max_length=200)


class RecordDelivery(Command):
    """The carrier delivered the parcel (FUL-11; starts the 7-day window, AS-11). The delivery time
    is the service's clock at receipt: a client-chosen `delivered_at` could shorten the buyer's
    return window, so a body naming one is refused at that field."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    delivered_at: SkipJsonSchema[None] = Field(default=None, exclude=True)
    """Not part of the command: present only so a body naming it is refused at that field."""

    @field_validator("delivered_at", mode="before")
    @classmethod
    def _stamped(cls, value: object) -> None:
        raise ValueError("the delivery time is the service clock's at receipt (FUL-11, AS-11)")


class ReportCourierException(Command):
    """After-sales (or the carrier feed) reports a courier problem with a parcel (FUL-10)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    kind: str = Field(min_length=1, max_length=64, pattern=NAME)
    note: str = Field(default="", max_length=1000)


class ResolveCourierException(Command):
    """The courier problem is solved: the parcel moves again, or it was delivered (FUL-10)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    outcome: Literal["in_transit", "delivered"]
    note: str = Field(default="", max_length=1000)


class ReceiveReturnParcel(Command):
    """The warehouse received a buyer's return parcel for a refund case (AS-6, SM-RET)."""

    case_id: str = Field(pattern=ID_PATTERN)
    waybill_no: str = Field(min_length=1, max_length=64, pattern=NAME)
    order_id: str | None = Field(default=None, pattern=ID_PATTERN)
