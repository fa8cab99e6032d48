"""The stock ledger's read models (FUL-13, FUL-14, FUL-20, FUL-22, FUL-24): lots with supplier,
label, inspection, on hand, reserved and damaged; each shipment's claim on a sku; the goods ledger
per business day and item (in, out, and the stock card's closing balance as the events state it);
the daily closes and the compiled monthly reports.

A redelivered event changes nothing (the runner's checkpoint); a replay rebuilds the same rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, String, Table, and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from fulfilment.stock.domain.events import (
    SkuReservationReleased,
    SkuReservationWithdrawn,
    SkuStockRequested,
    SkuStockReserved,
)
from fulfilment.stock.domain.item import registry as stock_item_registry
from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, upsert
from shop_contracts.aggregates import FULFILMENT_INVENTORY_MONTH, FULFILMENT_LEDGER_DAY, FULFILMENT_STOCK_ITEM
from shop_contracts.events.stock import (
    DailyLedgerClosed,
    EventStockIssued,
    EventStockReturned,
    InboundReceived,
    LotInspectionRecorded,
    LotQuantity,
    MonthlyInventoryReportCompiled,
    ReturnedGoodsRestocked,
    StockAdjusted,
    StockIssued,
)

registry = EventRegistry([*(stock_item_registry.model(t) for t in stock_item_registry.event_types)])
registry.register(DailyLedgerClosed)
registry.register(MonthlyInventoryReportCompiled)


def define_stock_tables(metadata: MetaData, suffix: str) -> dict[str, Table]:
    lots = Table(
        f"stock_lots{suffix}",
        metadata,
        Column("sku", String(64), primary_key=True),
        Column("lot_no", String(64), primary_key=True),
        Column("seq", Integer, nullable=False),
        Column("kind", String(16), nullable=False),
        Column("supplier", String(200), nullable=False),
        Column("delivery_note_no", String(64), nullable=True),
        Column("mismatches", JSON, nullable=False),
        Column("label", JSON, nullable=True),
        Column("custodian", String(128), nullable=True),
        Column("marking", String(200), nullable=True),
        Column("inspection", String(16), nullable=False),
        Column("on_hand", Integer, nullable=False),
        Column("reserved", Integer, nullable=False),
        Column("damaged", Integer, nullable=False),
        Column("received_at", UtcDateTime(), nullable=False),
    )
    claims = Table(
        f"stock_claims{suffix}",
        metadata,
        Column("sku", String(64), primary_key=True),
        Column("shipment_id", String(128), primary_key=True),
        Column("order_id", String(128), nullable=False),
        Column("quantity", Integer, nullable=False),
        Column("reserved", Boolean, nullable=False),
        Column("lots", JSON, nullable=False),
    )
    ledger = Table(
        f"stock_ledger_days{suffix}",
        metadata,
        Column("day", String(10), primary_key=True),
        Column("sku", String(64), primary_key=True),
        Column("inbound", Integer, nullable=False),
        Column("outbound", Integer, nullable=False),
        Column("closing", Integer, nullable=False),
    )
    closes = Table(
        f"stock_ledger_closes{suffix}",
        metadata,
        Column("day", String(10), primary_key=True),
        Column("closed_by", String(128), nullable=False),
        Column("closed_at", UtcDateTime(), nullable=False),
        Column("data", JSON, nullable=False),
    )
    months = Table(
        f"stock_month_reports{suffix}",
        metadata,
        Column("month", String(7), primary_key=True),
        Column("data", JSON, nullable=False),
    )
    return {"lots": lots, "claims": claims, "ledger": ledger, "closes": closes, "months": months}


def _lots_json(lots: tuple[LotQuantity, ...]) -> list[dict[str, Any]]:
    return [p.model_dump() for p in lots]


class StockViews(Projection):
    name = "fulfilment_stock_views"
    sources = (FULFILMENT_STOCK_ITEM, FULFILMENT_LEDGER_DAY, FULFILMENT_INVENTORY_MONTH)
    handles = registry.event_types

    def __init__(self, business_tz: str) -> None:
        super().__init__(registry)
        self.tz = ZoneInfo(business_tz)
        self._changes: dict[str, Callable[[AsyncConnection, Tables, Any, datetime, int], Awaitable[None]]] = {
            InboundReceived.event_type: self._inbound_received,
            LotInspectionRecorded.event_type: self._lot_inspection_recorded,
            SkuStockRequested.event_type: self._sku_stock_requested,
            SkuStockReserved.event_type: self._sku_stock_reserved,
            SkuReservationWithdrawn.event_type: self._sku_reservation_withdrawn,
            SkuReservationReleased.event_type: self._sku_reservation_released,
            StockIssued.event_type: self._stock_issued,
            ReturnedGoodsRestocked.event_type: self._returned_goods_restocked,
            StockAdjusted.event_type: self._stock_adjusted,
            EventStockIssued.event_type: self._event_stock_issued,
            EventStockReturned.event_type: self._event_stock_returned,
            DailyLedgerClosed.event_type: self._daily_ledger_closed,
            MonthlyInventoryReportCompiled.event_type: self._monthly_inventory_report_compiled,
        }

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        return define_stock_tables(metadata, suffix)

    def day(self, at: datetime) -> str:
        return at.astimezone(self.tz).date().isoformat()

    async def _lot_delta(
        self, conn: AsyncConnection, lots: Table, sku: str, parts: Any, column: str, sign: int
    ) -> None:
        for part in parts:
            lot_no, quantity = (part.lot_no, part.quantity) if isinstance(part, LotQuantity) else part
            await conn.execute(
                update(lots)
                .where(and_(lots.c.sku == sku, lots.c.lot_no == lot_no))
                .values({column: lots.c[column] + sign * quantity})
            )

    async def _book(
        self,
        conn: AsyncConnection,
        ledger: Table,
        at: datetime,
        sku: str,
        inbound: int,
        outbound: int,
        closing: int,
    ) -> None:
        row = upsert(conn, ledger).values(
            day=self.day(at), sku=sku, inbound=inbound, outbound=outbound, closing=closing
        )
        await conn.execute(
            row.on_conflict_do_update(
                index_elements=[ledger.c.day, ledger.c.sku],
                set_={
                    "inbound": ledger.c.inbound + row.excluded.inbound,
                    "outbound": ledger.c.outbound + row.excluded.outbound,
                    "closing": row.excluded.closing,
                },
            )
        )

    async def _new_lot(
        self, conn: AsyncConnection, lots: Table, seq: int, at: datetime, **values: Any
    ) -> None:
        await conn.execute(
            upsert(conn, lots)
            .values(seq=seq, reserved=0, damaged=0, received_at=at, **values)
            .on_conflict_do_nothing()
        )

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        change = self._changes.get(item.data.event_type)
        if change is not None:
            await change(conn, tables, item.data, item.event.envelope.occurred_at, item.event.stream_seq)

    # -- one small method per event type (the dispatch table `_changes`) --------------------------

    async def _inbound_received(
        self, conn: AsyncConnection, tables: Tables, data: InboundReceived, at: datetime, seq: int
    ) -> None:
        lots, ledger = tables["lots"], tables["ledger"]
        await self._new_lot(
            conn,
            lots,
            seq,
            at,
            sku=data.sku,
            lot_no=data.lot_no,
            kind="inbound",
            supplier=data.supplier,
            delivery_note_no=data.delivery_note_no,
            mismatches=[m.model_dump() for m in data.mismatches],
            label=data.label.model_dump(mode="json"),
            custodian=data.custodian,
            marking=data.marking,
            inspection=data.inspection,
            on_hand=data.received_quantity,
        )
        await self._book(conn, ledger, at, data.sku, data.received_quantity, 0, data.on_hand)

    async def _lot_inspection_recorded(
        self, conn: AsyncConnection, tables: Tables, data: LotInspectionRecorded, at: datetime, seq: int
    ) -> None:
        lots = tables["lots"]
        await conn.execute(
            update(lots)
            .where(and_(lots.c.sku == data.sku, lots.c.lot_no == data.lot_no))
            .values(inspection=data.inspection)
        )

    async def _sku_stock_requested(
        self, conn: AsyncConnection, tables: Tables, data: SkuStockRequested, at: datetime, seq: int
    ) -> None:
        claims = tables["claims"]
        await conn.execute(
            upsert(conn, claims)
            .values(
                sku=data.sku,
                shipment_id=data.shipment_id,
                order_id=data.order_id,
                quantity=data.quantity,
                reserved=False,
                lots=[],
            )
            .on_conflict_do_nothing()
        )

    async def _sku_stock_reserved(
        self, conn: AsyncConnection, tables: Tables, data: SkuStockReserved, at: datetime, seq: int
    ) -> None:
        lots, claims = tables["lots"], tables["claims"]
        await self._lot_delta(conn, lots, data.sku, data.lots, "reserved", 1)
        row = upsert(conn, claims).values(
            sku=data.sku,
            shipment_id=data.shipment_id,
            order_id=data.order_id,
            quantity=sum(p.quantity for p in data.lots),
            reserved=True,
            lots=_lots_json(data.lots),
        )
        await conn.execute(
            row.on_conflict_do_update(
                index_elements=[claims.c.sku, claims.c.shipment_id],
                set_={"reserved": True, "lots": row.excluded.lots},
            )
        )

    async def _sku_reservation_withdrawn(
        self, conn: AsyncConnection, tables: Tables, data: SkuReservationWithdrawn, at: datetime, seq: int
    ) -> None:
        lots, claims = tables["lots"], tables["claims"]
        await self._lot_delta(conn, lots, data.sku, data.lots, "reserved", -1)
        await conn.execute(
            update(claims)
            .where(and_(claims.c.sku == data.sku, claims.c.shipment_id == data.shipment_id))
            .values(reserved=False, lots=[])
        )

    async def _sku_reservation_released(
        self, conn: AsyncConnection, tables: Tables, data: SkuReservationReleased, at: datetime, seq: int
    ) -> None:
        lots, claims = tables["lots"], tables["claims"]
        await self._lot_delta(conn, lots, data.sku, data.lots, "reserved", -1)
        await self._drop_claim(conn, claims, data.sku, data.shipment_id)

    async def _stock_issued(
        self, conn: AsyncConnection, tables: Tables, data: StockIssued, at: datetime, seq: int
    ) -> None:
        lots, claims, ledger = tables["lots"], tables["claims"], tables["ledger"]
        claim = (
            await conn.execute(
                select(claims).where(and_(claims.c.sku == data.sku, claims.c.shipment_id == data.shipment_id))
            )
        ).first()
        if claim is not None and claim.reserved:
            held = [(p["lot_no"], p["quantity"]) for p in claim.lots]
            await self._lot_delta(conn, lots, data.sku, held, "reserved", -1)
        await self._drop_claim(conn, claims, data.sku, data.shipment_id)
        await self._lot_delta(conn, lots, data.sku, data.lots, "on_hand", -1)
        issued = sum(p.quantity for p in data.lots)
        await self._book(conn, ledger, at, data.sku, 0, issued, data.on_hand)

    async def _returned_goods_restocked(
        self, conn: AsyncConnection, tables: Tables, data: ReturnedGoodsRestocked, at: datetime, seq: int
    ) -> None:
        lots, ledger = tables["lots"], tables["ledger"]
        source = (
            await conn.execute(
                select(lots.c.label, lots.c.custodian).where(
                    and_(lots.c.sku == data.sku, lots.c.lot_no.in_(data.source_lots))
                )
            )
        ).first()
        await self._new_lot(
            conn,
            lots,
            seq,
            at,
            sku=data.sku,
            lot_no=data.lot_no,
            kind="returned" if data.sellable else "quarantine",
            supplier=data.supplier,
            delivery_note_no=None,
            mismatches=[],
            label=source.label if source else None,
            custodian=source.custodian if source else None,
            marking=None,
            inspection="passed" if data.sellable else "failed",
            on_hand=data.qty,
        )
        await self._book(conn, ledger, at, data.sku, data.qty, 0, data.on_hand)

    async def _stock_adjusted(
        self, conn: AsyncConnection, tables: Tables, data: StockAdjusted, at: datetime, seq: int
    ) -> None:
        lots, ledger = tables["lots"], tables["ledger"]
        await conn.execute(
            update(lots)
            .where(and_(lots.c.sku == data.sku, lots.c.lot_no == data.lot_no))
            .values(on_hand=lots.c.on_hand + data.delta, damaged=data.damaged)
        )
        await self._book(conn, ledger, at, data.sku, max(data.delta, 0), max(-data.delta, 0), data.on_hand)

    async def _event_stock_issued(
        self, conn: AsyncConnection, tables: Tables, data: EventStockIssued, at: datetime, seq: int
    ) -> None:
        lots, ledger = tables["lots"], tables["ledger"]
        await self._lot_delta(conn, lots, data.sku, data.lots, "on_hand", -1)
        await self._book(conn, ledger, at, data.sku, 0, sum(p.quantity for p in data.lots), data.on_hand)

    async def _event_stock_returned(
        self, conn: AsyncConnection, tables: Tables, data: EventStockReturned, at: datetime, seq: int
    ) -> None:
        lots, ledger = tables["lots"], tables["ledger"]
        await self._lot_delta(conn, lots, data.sku, data.lots, "on_hand", 1)
        await self._book(conn, ledger, at, data.sku, sum(p.quantity for p in data.lots), 0, data.on_hand)

    async def _daily_ledger_closed(
        self, conn: AsyncConnection, tables: Tables, data: DailyLedgerClosed, at: datetime, seq: int
    ) -> None:
        await conn.execute(
            upsert(conn, tables["closes"])
            .values(
                day=data.day.isoformat(),
                closed_by=data.closed_by,
                closed_at=data.closed_at,
                data=data.model_dump(mode="json"),
            )
            .on_conflict_do_nothing()
        )

    async def _monthly_inventory_report_compiled(
        self,
        conn: AsyncConnection,
        tables: Tables,
        data: MonthlyInventoryReportCompiled,
        at: datetime,
        seq: int,
    ) -> None:
        await conn.execute(
            upsert(conn, tables["months"])
            .values(month=data.month, data=data.model_dump(mode="json"))
            .on_conflict_do_nothing()
        )

    @staticmethod
    async def _drop_claim(conn: AsyncConnection, claims: Table, sku: str, shipment_id: str) -> None:
        await conn.execute(
            delete(claims).where(and_(claims.c.sku == sku, claims.c.shipment_id == shipment_id))
        )
