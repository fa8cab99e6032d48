"""The stock ledger's events (FUL-12..FUL-24, rules.md §10.2) and its signals to shipping and to
orders (FUL-20, FUL-22; ORD-10).

StockReserved: every line of a queued shipment is covered by inspected stock, lot by lot in
first-in first-out order. StockShortage: at least one line is not; the shipment must wait (it
cannot be dispatched) and orders can tell the buyer (ORD-10). A later inbound that covers the
shortage emits StockReserved for the waiting shipment.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shop_contracts.messages import ID_PATTERN, EventData


class ReservedLot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    lot_no: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1)


class ShortLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    requested: int = Field(ge=1)
    available: int = Field(ge=0)


class StockReserved(EventData):
    """Inspected stock is set aside for a queued shipment, first-in first-out by lot (FUL-20, FUL-22)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    lots: tuple[ReservedLot, ...] = Field(min_length=1)
    reserved_at: AwareDatetime


class StockShortage(EventData):
    """A queued shipment cannot be covered from sellable stock: the out-of-stock signal (ORD-10)."""

    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    short: tuple[ShortLine, ...] = Field(min_length=1)
    detected_at: AwareDatetime


# -- the stock ledger's own events (FUL-12..FUL-24, rules.md §10.2) ---------------------------------

InspectionStatus = Literal["passed", "failed", "pending"]
"""A lot's inspection status (FUL-22): only `passed` goods are sellable; the others are quarantined."""


class LotLabel(BaseModel):
    """What a lot's label must show (FUL-22): name, specification and model, production date,
    shelf life and safety warning."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    specification: str = Field(min_length=1, max_length=200)
    model: str = Field(min_length=1, max_length=200)
    production_date: dt.date
    shelf_life_days: int = Field(ge=1, le=36_500)
    safety_warning: str = Field(min_length=1, max_length=500)


class Mismatch(BaseModel):
    """One way the goods differ from the delivery note (FUL-12)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: Literal["quantity", "name", "specification", "variety", "quality"]
    on_note: str = Field(max_length=500)
    found: str = Field(max_length=500)


class LotQuantity(BaseModel):
    """A quantity taken from (or put back into) one lot."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lot_no: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1)


class InboundReceived(EventData):
    """Goods taken into stock as a new lot, checked against the delivery note, with supplier,
    label and inspection status; any mismatch is recorded as found (FUL-12, FUL-17, FUL-22, FUL-24)."""

    sku: str = Field(min_length=1, max_length=64)
    lot_no: str = Field(min_length=1, max_length=64)
    supplier: str = Field(min_length=1, max_length=200)
    delivery_note_no: str = Field(min_length=1, max_length=64)
    note_quantity: int = Field(ge=0)
    received_quantity: int = Field(ge=1)
    mismatches: tuple[Mismatch, ...] = ()
    label: LotLabel
    inspection: InspectionStatus
    custodian: str | None = Field(default=None, max_length=128, description="special goods (FUL-17)")
    marking: str | None = Field(default=None, max_length=200)
    received_by: str = Field(min_length=1, max_length=128)
    reported_to: tuple[str, ...] = Field(default=(), description="set when a mismatch was recorded")
    on_hand: int = Field(ge=0, description="the sku's stock after this event (the stock card)")
    received_at: AwareDatetime


class InboundRejected(EventData):
    """The keeper refused the inbound: the goods do not match the delivery note (FUL-12)."""

    sku: str = Field(min_length=1, max_length=64)
    lot_no: str = Field(min_length=1, max_length=64)
    supplier: str = Field(min_length=1, max_length=200)
    delivery_note_no: str = Field(min_length=1, max_length=64)
    mismatches: tuple[Mismatch, ...] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=500)
    rejected_by: str = Field(min_length=1, max_length=128)
    reported_to: tuple[str, ...]
    rejected_at: AwareDatetime


class StockIssued(EventData):
    """Goods left the warehouse for a stamped shipment, lot by lot as reserved (FUL-6, FUL-20, FUL-24).

    `short` is what the shipment needed beyond the sellable stock when it had not been reserved in
    full: it left the books nowhere and shows up in the next stocktake."""

    sku: str = Field(min_length=1, max_length=64)
    shipment_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    outbound_note_no: str = Field(min_length=1, max_length=64)
    lots: tuple[LotQuantity, ...]
    short: int = Field(default=0, ge=0)
    on_hand: int = Field(ge=0)
    issued_at: AwareDatetime


class ReturnedGoodsRestocked(EventData):
    """Returned goods came back into stock as their own lot once after-sales confirmed receipt; goods
    that failed after-sales inspection go to a quarantine lot and are never sold (FUL-22, FUL-24)."""

    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=1)
    lot_no: str = Field(min_length=1, max_length=64)
    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    sellable: bool
    supplier: str = Field(min_length=1, max_length=200)
    source_lots: tuple[str, ...] = Field(description="the lots the goods were issued from (FUL-24)")
    on_hand: int = Field(ge=0)
    restocked_at: AwareDatetime


AdjustmentKind = Literal["surplus", "shortage", "damage"]


class StockAdjusted(EventData):
    """The ledger follows the count: a surplus or shortage changes the lot's stock, damage moves
    goods out of the sellable stock (FUL-15). History is never edited."""

    sku: str = Field(min_length=1, max_length=64)
    lot_no: str = Field(min_length=1, max_length=64)
    kind: AdjustmentKind
    delta: int = Field(description="change of the lot's stock (0 for damage)")
    damaged: int = Field(default=0, ge=0, description="the lot's damaged units after the adjustment")
    reason: str = Field(min_length=1, max_length=500)
    reference: str = Field(min_length=1, max_length=128, description="stocktake or report id")
    on_hand: int = Field(ge=0)
    adjusted_at: AwareDatetime


class StockDiscrepancyReported(EventData):
    """A surplus, shortage or damage found outside a stocktake, with its cause, the person
    responsible and the proposed remedy, reported upwards (FUL-15)."""

    report_id: str = Field(pattern=ID_PATTERN)
    sku: str = Field(min_length=1, max_length=64)
    lot_no: str = Field(min_length=1, max_length=64)
    kind: AdjustmentKind
    quantity: int = Field(ge=1)
    cause: str = Field(min_length=1, max_length=500)
    responsible: str = Field(min_length=1, max_length=128)
    remedy: str = Field(min_length=1, max_length=500)
    reported_by: str = Field(min_length=1, max_length=128)
    reported_to: tuple[str, ...]
    reported_at: AwareDatetime


class EventStockIssued(EventData):
    """Products went out for an offline event, first-in first-out (FUL-23, FUL-20)."""

    issue_id: str = Field(pattern=ID_PATTERN)
    sku: str = Field(min_length=1, max_length=64)
    event_name: str = Field(min_length=1, max_length=200)
    custodian: str = Field(min_length=1, max_length=128)
    lots: tuple[LotQuantity, ...] = Field(min_length=1)
    on_hand: int = Field(ge=0)
    issued_at: AwareDatetime


class EventStockReturned(EventData):
    """Event products counted after the event and returned to stock; `not_returned` stays out (FUL-23)."""

    issue_id: str = Field(pattern=ID_PATTERN)
    sku: str = Field(min_length=1, max_length=64)
    lots: tuple[LotQuantity, ...]
    not_returned: int = Field(ge=0)
    note: str = Field(default="", max_length=500)
    on_hand: int = Field(ge=0)
    returned_at: AwareDatetime


class LedgerLine(BaseModel):
    """One item's movement over a day or a month (FUL-13, FUL-14)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    opening: int
    inbound: int = Field(ge=0)
    outbound: int = Field(ge=0)
    closing: int = Field(description="the stock card's balance (what the events say is on hand)")
    reconciled: bool = Field(default=True, description="opening + inbound - outbound == closing")


class DailyLedgerClosed(EventData):
    """The warehouse keeper closed the day's goods ledger (FUL-13, 日清)."""

    day: dt.date
    lines: tuple[LedgerLine, ...]
    inbound: int = Field(ge=0)
    outbound: int = Field(ge=0)
    unreconciled: tuple[str, ...] = ()
    closed_by: str = Field(min_length=1, max_length=128)
    closed_at: AwareDatetime


class MonthlyInventoryReportCompiled(EventData):
    """The month's in/out/stock per item, reconciled, reported upwards (FUL-13 月結, FUL-14)."""

    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    lines: tuple[LedgerLine, ...]
    unreconciled: tuple[str, ...] = Field(description="items whose opening + in - out != closing")
    unclosed_days: tuple[dt.date, ...] = Field(description="days with movements not closed (FUL-13)")
    as_of: AwareDatetime
    compiled_by: str = Field(min_length=1, max_length=128)
    reported_to: tuple[str, ...]
    compiled_at: AwareDatetime


class StocktakeLine(BaseModel):
    """One lot counted against the ledger, and what was found (FUL-15)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = Field(min_length=1, max_length=64)
    lot_no: str = Field(min_length=1, max_length=64)
    book: int = Field(ge=0)
    counted: int = Field(ge=0)
    damaged: int = Field(ge=0)
    surplus: int = Field(ge=0)
    shortage: int = Field(ge=0)
    cause: str | None = Field(default=None, max_length=500)
    responsible: str | None = Field(default=None, max_length=128)
    remedy: str | None = Field(default=None, max_length=500)


class StocktakeCompleted(EventData):
    """The quarterly count by the keeper with finance: surplus, shortage and damage, each with cause,
    responsibility and remedy, reported upwards (FUL-15)."""

    stocktake_id: str = Field(pattern=ID_PATTERN)
    quarter: str = Field(pattern=r"^\d{4}-Q[1-4]$")
    counted_by: str = Field(min_length=1, max_length=128)
    finance_witness: str = Field(min_length=1, max_length=128)
    lines: tuple[StocktakeLine, ...] = Field(min_length=1)
    surplus: int = Field(ge=0)
    shortage: int = Field(ge=0)
    damage: int = Field(ge=0)
    reported_to: tuple[str, ...]
    completed_at: AwareDatetime


CheckPoint = str
"""A daily check's name, one of the configured check points (default before_work, after_work; FUL-19)."""


class WarehouseCheckRecorded(EventData):
    """The keeper's check before or after work: door locks, missing items, anomalies; an anomaly is
    reported to the operations director and the store manager at once (FUL-19)."""

    day: dt.date
    point: CheckPoint = Field(min_length=1, max_length=32)
    locks_ok: bool
    missing_items: tuple[str, ...] = ()
    anomalies: tuple[str, ...] = ()
    checked_by: str = Field(min_length=1, max_length=128)
    reported_to: tuple[str, ...] = Field(default=(), description="set when anything was wrong")
    checked_at: AwareDatetime


class WarehouseAccessRegistered(EventData):
    """Someone entered or left the warehouse; goods carried need a procedure reference (FUL-18)."""

    day: dt.date
    person: str = Field(min_length=1, max_length=128)
    direction: Literal["in", "out"]
    purpose: str = Field(min_length=1, max_length=500)
    goods: tuple[str, ...] = ()
    procedure_ref: str | None = Field(default=None, max_length=128)
    registered_by: str = Field(min_length=1, max_length=128)
    at: AwareDatetime


class LotInspectionRecorded(EventData):
    """A lot's inspection result (FUL-22): `passed` makes it sellable, `failed` quarantines it."""

    sku: str = Field(min_length=1, max_length=64)
    lot_no: str = Field(min_length=1, max_length=64)
    inspection: Literal["passed", "failed"]
    inspector: str = Field(min_length=1, max_length=128)
    note: str = Field(default="", max_length=500)
    inspected_at: AwareDatetime
