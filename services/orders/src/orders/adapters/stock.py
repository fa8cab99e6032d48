"""Fulfilment's stock signals on the order (ORD-10, FUL-20): `StockShortage` when a queued
shipment cannot be covered from sellable stock, `StockReserved` once it is.

A read model, not a reaction: the back office sees in GetOrder that the order's goods are short
(which sku, how many requested and available) and after-sales tells the buyer (NotifyOutOfStock
records that they did). It reads the StockAllocation subjects of the FULFILMENT stream; a later
reservation clears the shortage. An older signal never overwrites a newer one (the allocation's
version decides), so a redelivered event changes nothing and a replay rebuilds the same rows.
"""

from __future__ import annotations

import json
from typing import Any, Final

from sqlalchemy import Column, Integer, MetaData, String, Table, Text
from sqlalchemy.ext.asyncio import AsyncConnection

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import UtcDateTime, upsert
from shop_contracts.aggregates import FULFILMENT_STOCK_ALLOCATION
from shop_contracts.events.stock import StockReserved, StockShortage

SHORT: Final = "short"
RESERVED: Final = "reserved"
registry = EventRegistry([StockShortage, StockReserved])


class StockSignals(Projection):
    name = "orders_stock_signals"
    sources = (FULFILMENT_STOCK_ALLOCATION,)
    handles = registry.event_types
    skip_unknown_types = True

    def __init__(self) -> None:
        super().__init__(registry)

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"stock_signals{suffix}",
            metadata,
            Column("order_id", String(128), primary_key=True),
            Column("shipment_id", String(128), nullable=False),
            Column("status", String(16), nullable=False),
            Column("short", Text, nullable=False),
            Column("at", UtcDateTime(), nullable=False),
            Column("version", Integer, nullable=False),
        )
        return {"stock": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, envelope, data = tables["stock"], item.event.envelope, item.data
        row: dict[str, Any]
        match data:
            case StockShortage():
                short = [line.model_dump(mode="json") for line in data.short]
                row = {"status": SHORT, "short": json.dumps(short), "at": data.detected_at}
            case StockReserved():
                row = {"status": RESERVED, "short": "[]", "at": data.reserved_at}
            case _:
                return
        row |= {"shipment_id": data.shipment_id, "version": envelope.version}
        stmt = upsert(conn, table).values(order_id=data.order_id, **row)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.order_id], set_=row, where=table.c.version < envelope.version
            )
        )


def stock_view(row: Any) -> dict[str, Any] | None:
    """The order's stock signal for GetOrder, or None when fulfilment has not reported one."""
    if row is None:
        return None
    return {
        "status": row.status,
        "shipment_id": row.shipment_id,
        "short": json.loads(row.short),
        "at": row.at.isoformat(),
    }
