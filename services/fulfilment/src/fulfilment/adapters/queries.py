"""Reads over the shipping read models: GetShippingDay, ListShipments, GetShipment and
RenderDocument (SM-SHIP-BATCH, SM-SHIP; FUL-1, FUL-3, FUL-6 on paper)."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncEngine

from fulfilment.adapters import documents, pdf
from jetstream_es.errors import NotFound, RuleViolated
from jetstream_es.history import read_history
from jetstream_es.projection import Tables
from shop_contracts.queries.fulfilment import (
    DocumentKind,
    GetShipment,
    GetShippingDay,
    ListShipments,
    RenderDocument,
    ShippingDayStatus,
)

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


async def get_shipping_day(engine: AsyncEngine, tables: Tables, query: GetShippingDay) -> dict[str, Any]:
    days, shipments = tables["days"], tables["shipments"]
    async with engine.connect() as conn:
        day = (await conn.execute(select(days).where(days.c.batch_date == query.batch_date))).first()
        if day is None:
            raise NotFound(f"shipping day {query.batch_date} has no shipments")
        ids = list(day.details.get("shipments", []))
        rows = (await conn.execute(select(shipments).where(shipments.c.shipment_id.in_(ids)))).all()
        history = await read_history(conn, tables["day_history"], query.batch_date.isoformat())
    by_id = {r.shipment_id: r for r in rows}
    listed = [shipment_row(by_id[i]) for i in ids if i in by_id]
    status = day.status
    if status == ShippingDayStatus.HANDED_TO_WAREHOUSE.value and any(s["dispatched_at"] for s in listed):
        status = ShippingDayStatus.DISPATCHING.value
    counts: dict[str, int] = {}
    for s in listed:
        counts[s["status"]] = counts.get(s["status"], 0) + 1
    return {
        "batch_date": query.batch_date.isoformat(),
        "status": status,
        "report_no": day.report_no,
        "generated_at": _iso(day.generated_at),
        "handed_over_at": _iso(day.handed_over_at),
        "filled_at": _iso(day.filled_at),
        "submitted_at": _iso(day.submitted_at),
        "details": day.details,
        "counts": counts,
        "shipments": listed,
        "history": history,
    }


async def list_shipments(engine: AsyncEngine, tables: Tables, query: ListShipments) -> dict[str, Any]:
    shipments = tables["shipments"]
    conditions = []
    if query.batch_date is not None:
        conditions.append(shipments.c.batch_date == query.batch_date)
    if query.status is not None:
        conditions.append(shipments.c.status == query.status.value)
    if query.order_id is not None:
        conditions.append(shipments.c.order_id == query.order_id)
    where = and_(true(), *conditions)
    async with engine.connect() as conn:
        total = (await conn.execute(select(func.count()).select_from(shipments).where(where))).scalar_one()
        rows = (
            await conn.execute(
                select(shipments)
                .where(where)
                .order_by(shipments.c.queued_at.is_(None), shipments.c.queued_at, shipments.c.shipment_id)
                .limit(query.limit)
                .offset(query.offset)
            )
        ).all()
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
    engine: AsyncEngine, tables: Tables, query: RenderDocument, out_dir: Path
) -> dict[str, Any]:
    days, shipments = tables["days"], tables["shipments"]
    async with engine.connect() as conn:
        if query.kind is DocumentKind.REPORT:
            day = (await conn.execute(select(days).where(days.c.batch_date == query.batch_date))).first()
            if day is None or day.report_no is None:
                raise NotFound(f"the daily report of {query.batch_date} has not been made")
            ids = [d["shipment_id"] for d in day.details.get("documents", [])]
            rows = (await conn.execute(select(shipments).where(shipments.c.shipment_id.in_(ids)))).all()
            by_id = {r.shipment_id: r for r in rows}
            printable = documents.daily_report(day, [by_id[i] for i in ids if i in by_id])
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
            printable = documents.shipment_document(query.kind, row)
    content = pdf.render(printable)
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
