"""Commands of the fulfilment stock ledger, on `fulfilment.commands.<CommandName>` (rules.md §10.2,
FUL-12..FUL-24).

Field validation only; the rules (roles, delivery-note check, FIFO, inspection, reconciliation)
are enforced by the stock ledger's domain.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shop_contracts.events.stock import AdjustmentKind, CheckPoint, LotLabel, Mismatch
from shop_contracts.messages import ID_PATTERN, Command

SKU = Field(min_length=1, max_length=64)
LOT = Field(min_length=1, max_length=64)


class ReceiveInbound(Command):
    """Take a delivery into stock as a new lot (FUL-12, FUL-17, FUL-22, FUL-24).

    `note_quantity`/`note_name` are what the delivery note says, `received_quantity`/`received_name`
    what the keeper counted and found; any difference is recorded as a mismatch."""

    sku: str = SKU
    lot_no: str = LOT
    supplier: str = Field(min_length=1, max_length=200)
    delivery_note_no: str = Field(min_length=1, max_length=64)
    note_name: str = Field(min_length=1, max_length=200)
    note_quantity: int = Field(ge=0, le=10_000_000)
    received_name: str = Field(min_length=1, max_length=200)
    received_quantity: int = Field(ge=1, le=10_000_000)
    other_mismatches: tuple[Mismatch, ...] = Field(
        default=(), description="specification, variety or quality differences found"
    )
    label: LotLabel
    inspection: Literal["passed", "failed", "pending"]
    special: bool = Field(default=False, description="special goods need a named custodian (FUL-17)")
    custodian: str | None = Field(default=None, min_length=1, max_length=128)
    marking: str | None = Field(default=None, min_length=1, max_length=200)


class RejectInbound(Command):
    """Refuse a delivery that does not match its note; reported upwards (FUL-12)."""

    sku: str = SKU
    lot_no: str = LOT
    supplier: str = Field(min_length=1, max_length=200)
    delivery_note_no: str = Field(min_length=1, max_length=64)
    mismatches: tuple[Mismatch, ...] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=500)


class RecordLotInspection(Command):
    """Record the inspection of a lot received as `pending` (FUL-22)."""

    sku: str = SKU
    lot_no: str = LOT
    inspection: Literal["passed", "failed"]
    note: str = Field(default="", max_length=500)


class CloseDailyLedger(Command):
    """Close one business day's goods ledger (FUL-13, 日清)."""

    day: dt.date


class CompileMonthlyInventoryReport(Command):
    """Sum up the month's in/out/stock per item and report it (FUL-13 月結, FUL-14)."""

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")


class CountedLot(BaseModel):
    """One lot as counted; a discrepancy needs cause, responsible person and remedy (FUL-15)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = SKU
    lot_no: str = LOT
    counted: int = Field(ge=0, le=10_000_000, description="units found, damaged ones included")
    damaged: int = Field(default=0, ge=0, le=10_000_000)
    cause: str | None = Field(default=None, min_length=1, max_length=500)
    responsible: str | None = Field(default=None, min_length=1, max_length=128)
    remedy: str | None = Field(default=None, min_length=1, max_length=500)


class RecordStocktake(Command):
    """The quarterly count by the keeper together with finance (FUL-15)."""

    stocktake_id: str = Field(pattern=ID_PATTERN)
    finance_witness: str = Field(min_length=1, max_length=128)
    lines: tuple[CountedLot, ...] = Field(min_length=1, max_length=5000)


class ReportStockDiscrepancy(Command):
    """A surplus, shortage or damage found outside a stocktake (FUL-15)."""

    report_id: str = Field(pattern=ID_PATTERN)
    sku: str = SKU
    lot_no: str = LOT
    kind: AdjustmentKind
    quantity: int = Field(ge=1, le=10_000_000)
    cause: str = Field(min_length=1, max_length=500)
    responsible: str = Field(min_length=1, max_length=128)
    remedy: str = Field(min_length=1, max_length=500)


class RecordWarehouseCheck(Command):
    """The keeper's check before or after work (FUL-19)."""

    day: dt.date
    point: CheckPoint = Field(min_length=1, max_length=32, description="before_work or after_work (FUL-19)")
    locks_ok: bool
    missing_items: tuple[str, ...] = Field(default=(), max_length=200)
    anomalies: tuple[str, ...] = Field(default=(), max_length=200)


class RegisterWarehouseAccess(Command):
    """Register a person entering or leaving the warehouse (FUL-18)."""

    person: str = Field(min_length=1, max_length=128)
    direction: Literal["in", "out"]
    purpose: str = Field(min_length=1, max_length=500)
    goods: tuple[str, ...] = Field(default=(), max_length=200)
    procedure_ref: str | None = Field(default=None, min_length=1, max_length=128)


class IssueEventStock(Command):
    """Issue products for an offline event, first-in first-out (FUL-23, FUL-20)."""

    issue_id: str = Field(pattern=ID_PATTERN)
    sku: str = SKU
    quantity: int = Field(ge=1, le=10_000_000)
    event_name: str = Field(min_length=1, max_length=200)
    custodian: str = Field(min_length=1, max_length=128)


class ReturnEventStock(Command):
    """Return event products to stock after counting them (FUL-23)."""

    issue_id: str = Field(pattern=ID_PATTERN)
    sku: str = SKU
    returned: int = Field(ge=0, le=10_000_000)
    note: str = Field(default="", max_length=500)


class ReturnLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str = SKU
    quantity: int = Field(ge=1, le=10_000_000)


class RestockReturnedGoods(Command):
    """Restock the goods of a return case by hand; `sellable=false` quarantines them (FUL-22).

    After-sales' ReturnReceiptConfirmed does the same automatically for what was issued."""

    case_id: str = Field(pattern=ID_PATTERN)
    order_id: str = Field(pattern=ID_PATTERN)
    lines: tuple[ReturnLine, ...] = Field(min_length=1, max_length=100)
    sellable: bool
