"""Reads over the stock ledger's read models: StockLevels (FUL-20, FUL-22: sellable vs reserved vs
quarantined, lots in FIFO order with supplier and label, FUL-24), the ledger lines of a day or a
month with their reconciliation (FUL-13, FUL-14), and MonthlyInventoryReport."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from fulfilment.domain.stock_ledger import ledger_line, month_bounds
from jetstream_es.projection import Tables
from shop_contracts.events.stock import LedgerLine
from shop_contracts.queries.stock import MonthlyInventoryReport, StockLevels


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _lot(row: Any) -> dict[str, Any]:
    return {
        "lot_no": row.lot_no,
        "kind": row.kind,
        "supplier": row.supplier,
        "delivery_note_no": row.delivery_note_no,
        "mismatches": row.mismatches,
        "label": row.label,
        "custodian": row.custodian,
        "marking": row.marking,
        "inspection": row.inspection,
        "on_hand": row.on_hand,
        "reserved": row.reserved,
        "damaged": row.damaged,
        "sellable": _sellable(row),
        "received_at": _iso(row.received_at),
    }


def _sellable(row: Any) -> int:
    if row.inspection != "passed":
        return 0
    return max(int(row.on_hand) - int(row.reserved) - int(row.damaged), 0)


async def stock_levels(engine: AsyncEngine, tables: Tables, query: StockLevels) -> dict[str, Any]:
    lots, claims = tables["lots"], tables["claims"]
    lot_query = select(lots).order_by(lots.c.sku, lots.c.seq)
    claim_query = select(claims).where(claims.c.reserved.is_(False))
    if query.sku is not None:
        lot_query = lot_query.where(lots.c.sku == query.sku)
        claim_query = claim_query.where(claims.c.sku == query.sku)
    async with engine.connect() as conn:
        lot_rows = (await conn.execute(lot_query)).all()
        waiting_rows = (await conn.execute(claim_query)).all()
    items: dict[str, dict[str, Any]] = {}
    for row in lot_rows:
        item = items.setdefault(row.sku, _empty(row.sku))
        item["on_hand"] += row.on_hand
        item["reserved"] += row.reserved
        item["sellable"] += _sellable(row)
        item["quarantined"] += row.on_hand if row.inspection != "passed" else row.damaged
        if query.with_lots:
            item["lots"].append(_lot(row))
    for row in waiting_rows:
        item = items.setdefault(row.sku, _empty(row.sku))
        item["waiting"] += row.quantity
        item["waiting_shipments"].append(row.shipment_id)
    if not query.with_lots:
        for item in items.values():
            item.pop("lots")
    return {"items": [items[sku] for sku in sorted(items)]}


def _empty(sku: str) -> dict[str, Any]:
    return {
        "sku": sku,
        "on_hand": 0,
        "reserved": 0,
        "sellable": 0,
        "quarantined": 0,
        "waiting": 0,
        "waiting_shipments": [],
        "lots": [],
    }


async def _cards(conn: AsyncConnection, tables: Tables, last_day: str, strict: bool) -> dict[str, int]:
    """Each item's stock-card balance at the end of the latest day before (or up to) `last_day`."""
    ledger = tables["ledger"]
    bound = ledger.c.day < last_day if strict else ledger.c.day <= last_day
    latest = (
        select(ledger.c.sku, func.max(ledger.c.day).label("day"))
        .where(bound)
        .group_by(ledger.c.sku)
        .subquery()
    )
    rows = (
        await conn.execute(
            select(ledger.c.sku, ledger.c.closing).join(
                latest, and_(ledger.c.sku == latest.c.sku, ledger.c.day == latest.c.day)
            )
        )
    ).all()
    return {row.sku: int(row.closing) for row in rows}


async def ledger_lines(conn: AsyncConnection, tables: Tables, first: date, last: date) -> list[LedgerLine]:
    """Per item from `first` to `last` (both included): opening, in, out, closing, reconciled."""
    ledger = tables["ledger"]
    opening = await _cards(conn, tables, first.isoformat(), strict=True)
    closing = await _cards(conn, tables, last.isoformat(), strict=False)
    moves = (
        await conn.execute(
            select(
                ledger.c.sku, func.sum(ledger.c.inbound).label("i"), func.sum(ledger.c.outbound).label("o")
            )
            .where(and_(ledger.c.day >= first.isoformat(), ledger.c.day <= last.isoformat()))
            .group_by(ledger.c.sku)
        )
    ).all()
    moved = {row.sku: (int(row.i), int(row.o)) for row in moves}
    lines = []
    for sku in sorted(set(opening) | set(closing)):
        inbound, outbound = moved.get(sku, (0, 0))
        start, end = opening.get(sku, 0), closing.get(sku, 0)
        if start or end or inbound or outbound:
            lines.append(ledger_line(sku, start, inbound, outbound, end))
    return lines


async def unclosed_days(conn: AsyncConnection, tables: Tables, first: date, last: date) -> list[date]:
    ledger, closes = tables["ledger"], tables["closes"]
    days = (
        await conn.execute(
            select(ledger.c.day)
            .where(and_(ledger.c.day >= first.isoformat(), ledger.c.day <= last.isoformat()))
            .where(ledger.c.day.not_in(select(closes.c.day)))
            .distinct()
            .order_by(ledger.c.day)
        )
    ).all()
    return [date.fromisoformat(row.day) for row in days]


async def monthly_report(
    engine: AsyncEngine, tables: Tables, query: MonthlyInventoryReport, today: date
) -> dict[str, Any]:
    months = tables["months"]
    async with engine.connect() as conn:
        row = (await conn.execute(select(months.c.data).where(months.c.month == query.month))).first()
        if row is not None:
            return {"compiled": True, **row.data}
        first, last = month_bounds(query.month)
        last = min(last, today)
        lines = await ledger_lines(conn, tables, first, last) if first <= last else []
        unclosed = await unclosed_days(conn, tables, first, last) if first <= last else []
    return {
        "compiled": False,
        "month": query.month,
        "lines": [line.model_dump() for line in lines],
        "unreconciled": [line.sku for line in lines if not line.reconciled],
        "unclosed_days": [d.isoformat() for d in unclosed],
    }


class SqlLedgerReader:
    """The goods ledger read from the projection once it has applied everything the stream holds."""

    def __init__(
        self,
        engine: AsyncEngine,
        tables: Callable[[], Tables],
        caught_up: Callable[[], Awaitable[None]],
    ) -> None:
        self.engine = engine
        self.tables = tables
        self.caught_up = caught_up

    async def lines(self, first: date, last: date) -> tuple[list[LedgerLine], list[date]]:
        await self.caught_up()
        tables = self.tables()
        async with self.engine.connect() as conn:
            return await ledger_lines(conn, tables, first, last), await unclosed_days(
                conn, tables, first, last
            )
