"""Reads over the stock ledger's read models: StockLevels (FUL-20, FUL-22: sellable vs reserved vs
quarantined, lots in FIFO order with supplier and label, FUL-24), the ledger lines of a day or a
month with their reconciliation (FUL-13, FUL-14), and MonthlyInventoryReport.

Both lists that grow with the business are paged (`limit`, `offset`, `total`): the items of
StockLevels by sku and the item lines of the monthly report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from fulfilment.stock.domain.ledger import ledger_line, month_bounds
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


WAITING_SHOWN = 20
"""How many waiting shipment ids StockLevels shows per item; ListShipments(stock="short") pages all."""


async def stock_levels(engine: AsyncEngine, tables: Tables, query: StockLevels) -> dict[str, Any]:
    """One page of items by sku; each item's figures count all its lots, its `lots` list only those
    still holding goods unless `all_lots` (a sku gains a lot with every delivery and return)."""
    lots, claims = tables["lots"], tables["claims"]
    waiting = claims.c.reserved.is_(False)
    skus = select(lots.c.sku.label("sku")).union(select(claims.c.sku.label("sku")).where(waiting)).subquery()
    sku_query = select(skus.c.sku)
    if query.sku is not None:
        sku_query = sku_query.where(skus.c.sku == query.sku)
    sku_query = sku_query.order_by(skus.c.sku)
    async with engine.connect() as conn:
        total = (await conn.execute(select(func.count()).select_from(sku_query.subquery()))).scalar_one()
        page = [r.sku for r in (await conn.execute(sku_query.limit(query.limit).offset(query.offset))).all()]
        lot_rows = (
            await conn.execute(select(lots).where(lots.c.sku.in_(page)).order_by(lots.c.sku, lots.c.seq))
        ).all()
        waiting_rows = (
            await conn.execute(
                select(claims.c.sku, func.count().label("n"), func.sum(claims.c.quantity).label("q"))
                .where(and_(waiting, claims.c.sku.in_(page)))
                .group_by(claims.c.sku)
            )
        ).all()
        shown_rows = (
            await conn.execute(
                select(claims.c.sku, claims.c.shipment_id)
                .where(and_(waiting, claims.c.sku.in_(page)))
                .order_by(claims.c.sku, claims.c.shipment_id)
            )
        ).all()
    items: dict[str, dict[str, Any]] = {sku: _empty(sku) for sku in page}
    for row in lot_rows:
        item = items[row.sku]
        item["on_hand"] += row.on_hand
        item["reserved"] += row.reserved
        item["sellable"] += _sellable(row)
        item["quarantined"] += row.on_hand if row.inspection != "passed" else row.damaged
        if query.with_lots and (query.all_lots or row.on_hand > 0 or row.reserved > 0):
            item["lots"].append(_lot(row))
    for row in waiting_rows:
        items[row.sku]["waiting"] = int(row.q or 0)
        items[row.sku]["waiting_count"] = int(row.n)
    for row in shown_rows:
        shown = items[row.sku]["waiting_shipments"]
        if len(shown) < WAITING_SHOWN:
            shown.append(row.shipment_id)
    if not query.with_lots:
        for item in items.values():
            item.pop("lots")
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "items": [items[sku] for sku in page],
    }


def _empty(sku: str) -> dict[str, Any]:
    return {
        "sku": sku,
        "on_hand": 0,
        "reserved": 0,
        "sellable": 0,
        "quarantined": 0,
        "waiting": 0,
        "waiting_count": 0,
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
    """The compiled report or the live figures, with one page of the item lines (by sku)."""
    months = tables["months"]
    async with engine.connect() as conn:
        row = (await conn.execute(select(months.c.data).where(months.c.month == query.month))).first()
        if row is not None:
            return _page_lines({"compiled": True, **row.data}, query)
        first, last = month_bounds(query.month)
        last = min(last, today)
        lines = await ledger_lines(conn, tables, first, last) if first <= last else []
        unclosed = await unclosed_days(conn, tables, first, last) if first <= last else []
    report = {
        "compiled": False,
        "month": query.month,
        "lines": [line.model_dump() for line in lines],
        "unreconciled": [line.sku for line in lines if not line.reconciled],
        "unclosed_days": [d.isoformat() for d in unclosed],
    }
    return _page_lines(report, query)


def _page_lines(report: dict[str, Any], query: MonthlyInventoryReport) -> dict[str, Any]:
    lines = list(report.get("lines", []))
    return {
        **report,
        "total": len(lines),
        "limit": query.limit,
        "offset": query.offset,
        "lines": lines[query.offset : query.offset + query.limit],
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
