"""Queries of the Fulfilment service's shipping side, on `fulfilment.queries.<QueryName>`, and the
states of the shipping day and the shipment (SM-SHIP-BATCH, SM-SHIP)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Final, Literal

from pydantic import Field, model_validator

from shop_contracts.messages import ID_PATTERN, ROLE_ID_PATTERN, FieldError, Query

SHIPPING_READERS: Final = (
    "order_clerk",
    "warehouse_keeper",
    "aftersales_cs",
    "dept_manager",
    "dept_supervisor",
    "ecom_supervisor",
    "ops_director",
    "store_manager",
)
"""Who reads the shipping days, shipments and their documents (rules.md §0, FUL-1..FUL-11): the order
clerk and the warehouse keeper who work them, after-sales following couriers, the managers receiving
the reports."""


class ShippingDayStatus(StrEnum):
    """The states of SM-SHIP-BATCH."""

    OPEN = "Open"
    REPORT_GENERATED = "ReportGenerated"
    HANDED_TO_WAREHOUSE = "HandedToWarehouse"
    DISPATCHING = "Dispatching"
    REPORT_FILLED = "ReportFilled"
    CLOSED = "Closed"


class ShipmentStatus(StrEnum):
    """The states of SM-SHIP, and `Pending` before the order is placed, paid, remarked and confirmed."""

    PENDING = "Pending"
    QUEUED = "Queued"
    IN_PACKET = "InPacket"
    ACCESSORIES_CHECKED = "AccessoriesChecked"
    DISPATCHED = "Dispatched"
    STAMPED = "Stamped"
    IN_TRANSIT = "InTransit"
    DELIVERED = "Delivered"
    EXCEPTION = "Exception"
    REFUSED = "Refused"
    CANCELLED = "Cancelled"


class DocumentKind(StrEnum):
    """The printable documents of FUL-1 and FUL-3."""

    REPORT = "report"
    WAYBILL = "waybill"
    OUTBOUND_NOTE = "outbound_note"
    INVOICE = "invoice"


class GetShippingDay(Query):
    """One shipping day: its state, report number, counts per shipment status and one page of its
    shipments in queueing order (`limit`, `offset`; `total` is how many it has), SM-SHIP-BATCH.
    Page on with `offset` until `offset + limit >= total`. The day's history is ShippingDayHistory."""

    read_roles = SHIPPING_READERS
    read_rule = "FUL-1"

    batch_date: dt.date
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class ShippingDayHistory(Query):
    """The shipping day's events in order, one page at a time (SM-SHIP-BATCH)."""

    read_roles = SHIPPING_READERS
    read_rule = "FUL-1"

    batch_date: dt.date
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class ListShipments(Query):
    """Shipments by shipping day, status, stock answer or order, queued first, one page at a time.
    `stock="short"` lists the shipments waiting for stock (FUL-20)."""

    read_roles = SHIPPING_READERS
    read_rule = "FUL-1"

    batch_date: dt.date | None = None
    status: ShipmentStatus | None = None
    stock: Literal["reserved", "short", "unknown"] | None = None
    order_id: str | None = Field(default=None, pattern=ID_PATTERN)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class ListNotices(Query):
    """The warehouse's reports to one recipient role, newest first, one page at a time (C14): refused
    outbounds and their resumption (FUL-5), missing accessories (FUL-4), the filled daily report
    (FUL-7), inbound mismatches and refusals (FUL-12), the monthly report (FUL-14), discrepancies and
    stocktakes (FUL-15), anomalies of the daily checks (FUL-19). Who receives them is the service's
    setting, recorded on each event."""

    read_roles = SHIPPING_READERS
    read_rule = "C14"

    role: str = Field(pattern=ROLE_ID_PATTERN)
    kind: str | None = Field(default=None, pattern=r"^[A-Za-z]{1,64}$", description="an event type")
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class GetShipment(Query):
    """One shipment: state, documents, stock, accessories, tracking and history (SM-SHIP)."""

    read_roles = SHIPPING_READERS
    read_rule = "FUL-1"

    shipment_id: str = Field(pattern=ID_PATTERN)


class RenderDocument(Query):
    """A printable document as PDF: the day's report (`batch_date`) or a shipment's waybill,
    outbound note or invoice (`shipment_id`). Answers `pdf_base64`, or writes the file into the
    service's documents directory and answers its `path` when `to_file` is set."""

    read_roles = ("order_clerk", "warehouse_keeper", "dept_manager", "ecom_supervisor")
    read_rule = "FUL-3"

    kind: DocumentKind
    batch_date: dt.date | None = None
    shipment_id: str | None = Field(default=None, pattern=ID_PATTERN)
    to_file: bool = False

    @model_validator(mode="after")
    def _target(self) -> RenderDocument:
        if self.kind is DocumentKind.REPORT and self.batch_date is None:
            raise FieldError("the daily report needs batch_date", "batch_date")
        if self.kind is not DocumentKind.REPORT and self.shipment_id is None:
            raise FieldError(f"a {self.kind.value} needs shipment_id", "shipment_id")
        return self
