"""Reads over the shipping read models: GetShippingDay, ShippingDayHistory, ListShipments,
GetShipment and RenderDocument (SM-SHIP-BATCH, SM-SHIP; FUL-1, FUL-3, FUL-6 on paper).

Every list that grows with the business is paged (`limit`, `offset`, `total`): a day's shipments,
its history, the shipments by status. A reply never carries a whole day, so a day of 2,000
shipments answers within one NATS message.
"""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncEngine

from fulfilment.shipping.adapters import documents
from fulfilment.shipping.adapters.catalogue import catalogue_products
from jetstream_es.errors import NotFound, RuleViolated
from jetstream_es.history import read_history
from jetstream_es.projection import Tables
from jetstream_es.sql import fetch_page
from shop_contracts.queries.fulfilment import (
    DocumentKind,
    GetShipment,
    GetShippingDay,
    ListShipments,
    RenderDocument,
    ShippingDayHistory,
    ShippingDayStatus,
)
from shop_print import pdf

TIMES = ("queued_at", "dispatched_at", "stamped_at", "delivered_at", "updated_at")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def shipment_row(row: Any) -> dict[str, Any]:
    details = dict(row.details)
    return {
        "shipment_id": row.shipment_id,
        "order_id": row.order_id,
        "status": row.status,
        "batch_date": row.batch_date.isoformat() if row.batch_date else None,
        "documents": {
            "report_no": row.report_no,
            "waybill_no": row.waybill_no,
            "outbound_note_no": row.outbound_note_no,
            "invoice_no": row.invoice_no,
        },
        "stock": row.stock,
        "keeper": row.keeper,
        "carrier": row.carrier,
        "version": row.version,
        "details": details,
        **{name: _iso(getattr(row, name)) for name in TIMES},
    }


DAY_LISTS = ("shipments", "documents", "carried_in")
"""Lists of the day's row that grow with its shipments: never sent whole (the shipments are paged)."""


def _day_details(details: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in details.items() if k not in DAY_LISTS}
    shown["carried_in_count"] = len(details.get("carried_in", []))
    filled = details.get("filled")
    if filled:
        shown["filled"] = {
            "by": filled.get("by"),
            "shipped": len(filled.get("shipped", [])),
            "refused": len(filled.get("refused", [])),
            "cancelled": len(filled.get("cancelled", [])),
        }
    return shown


async def get_shipping_day(engine: AsyncEngine, tables: Tables, query: GetShippingDay) -> dict[str, Any]:
    """The day's state and counts, and one page of its shipments in queueing order: a day of any
    size answers within one NATS message (page on with `offset` until `offset + limit >= total`)."""
    days, shipments = tables["days"], tables["shipments"]
    on_day = shipments.c.batch_date == query.batch_date
    async with engine.connect() as conn:
        day = (await conn.execute(select(days).where(days.c.batch_date == query.batch_date))).first()
        if day is None:
            raise NotFound(f"shipping day {query.batch_date} has no shipments")
        counted = (
            await conn.execute(
                select(shipments.c.status, func.count()).where(on_day).group_by(shipments.c.status)
            )
        ).all()
        dispatched = (
            await conn.execute(
                select(func.count()).where(and_(on_day, shipments.c.dispatched_at.is_not(None)))
            )
        ).scalar_one()
        rows = (
            await conn.execute(
                select(shipments)
                .where(on_day)
                .order_by(shipments.c.queued_at.is_(None), shipments.c.queued_at, shipments.c.shipment_id)
                .limit(query.limit)
                .offset(query.offset)
            )
        ).all()
    counts = {status: int(n) for status, n in counted}
    status = day.status
    if status == ShippingDayStatus.HANDED_TO_WAREHOUSE.value and dispatched:
        status = ShippingDayStatus.DISPATCHING.value
    return {
        "batch_date": query.batch_date.isoformat(),
        "status": status,
        "report_no": day.report_no,
        "generated_at": _iso(day.generated_at),
        "handed_over_at": _iso(day.handed_over_at),
        "filled_at": _iso(day.filled_at),
        "submitted_at": _iso(day.submitted_at),
        "details": _day_details(dict(day.details)),
        "counts": counts,
        "total": sum(counts.values()),
        "limit": query.limit,
        "offset": query.offset,
        "shipments": [shipment_row(r) for r in rows],
    }


async def shipping_day_history(
    engine: AsyncEngine, tables: Tables, query: ShippingDayHistory
) -> dict[str, Any]:
    """The day's events in order, one page at a time."""
    history = tables["day_history"]
    stmt = select(history).where(history.c.day_id == query.batch_date.isoformat()).order_by(history.c.version)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "batch_date": query.batch_date.isoformat(),
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "history": [
            {
                "version": r.version,
                "event_id": r.event_id,
                "event_type": r.event_type,
                "occurred_at": r.occurred_at.isoformat(),
                "actor_id": r.actor_id,
                "data": r.data,
            }
            for r in rows
        ],
    }


async def list_shipments(engine: AsyncEngine, tables: Tables, query: ListShipments) -> dict[str, Any]:
    shipments = tables["shipments"]
    conditions = []
    if query.batch_date is not None:
        conditions.append(shipments.c.batch_date == query.batch_date)
    if query.status is not None:
        conditions.append(shipments.c.status == query.status.value)
    if query.stock is not None:
        conditions.append(shipments.c.stock == query.stock)
    if query.order_id is not None:
        conditions.append(shipments.c.order_id == query.order_id)
    stmt = (
        select(shipments)
        .where(and_(true(), *conditions))
        .order_by(shipments.c.queued_at.is_(None), shipments.c.queued_at, shipments.c.shipment_id)
    )
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "shipments": [shipment_row(r) for r in rows],
    }


async def get_shipment(engine: AsyncEngine, tables: Tables, query: GetShipment) -> dict[str, Any]:
    shipments = tables["shipments"]
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(shipments).where(shipments.c.shipment_id == query.shipment_id))
        ).first()
        if row is None:
            raise NotFound(f"shipment {query.shipment_id} does not exist")
        history = await read_history(conn, tables["shipment_history"], query.shipment_id)
    return {**shipment_row(row), "history": history}


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path.resolve()


async def render_document(
    engine: AsyncEngine,
    tables: Tables,
    query: RenderDocument,
    out_dir: Path,
    setup: documents.DocumentSetup = documents.DEFAULT_SETUP,
    catalogue: Tables | None = None,
) -> dict[str, Any]:
    """`catalogue`: the catalogue read model's tables (the products' names on the documents)."""
    days, shipments = tables["days"], tables["shipments"]
    async with engine.connect() as conn:
        if query.kind is DocumentKind.REPORT:
            day = (await conn.execute(select(days).where(days.c.batch_date == query.batch_date))).first()
            if day is None or day.report_no is None:
                raise NotFound(f"the daily report of {query.batch_date} has not been made")
            ids = [d["shipment_id"] for d in day.details.get("documents", [])]
            rows = (await conn.execute(select(shipments).where(shipments.c.shipment_id.in_(ids)))).all()
            by_id = {r.shipment_id: r for r in rows}
            printable = documents.daily_report(day, [by_id[i] for i in ids if i in by_id], setup)
        else:
            row = (
                await conn.execute(select(shipments).where(shipments.c.shipment_id == query.shipment_id))
            ).first()
            if row is None:
                raise NotFound(f"shipment {query.shipment_id} does not exist")
            if row.outbound_note_no is None:
                raise RuleViolated(
                    f"shipment {query.shipment_id} has no documents yet: they are printed with its day's "
                    "report",
                    "FUL-1",
                )
            skus = [str(line["sku"]) for line in row.details.get("lines", [])]
            products = await catalogue_products(conn, catalogue, skus) if catalogue else {}
            printable = documents.shipment_document(query.kind, row, setup, products)
    # a day of 2,000 shipments takes seconds to draw: off the event loop, so the service keeps answering
    content = await asyncio.to_thread(pdf.render, printable)
    answer: dict[str, Any] = {
        "kind": query.kind.value,
        "number": printable.number,
        "filename": printable.filename,
        "content_type": "application/pdf",
        "size": len(content),
    }
    if query.to_file:
        answer["path"] = str(await asyncio.to_thread(_write, out_dir / printable.filename, content))
    else:
        answer["pdf_base64"] = base64.b64encode(content).decode()
    return answer
