"""Reads over the refund-case read models: GetRefundCase, ListRefundCases (by state, order, age)
and RefundLedger (AS-9: issued refunds with platform references per business day); the lists page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.errors import NotFound
from jetstream_es.history import read_history
from jetstream_es.projection import Tables
from jetstream_es.sql import fetch_page, money
from shop_contracts.queries.aftersales import GetRefundCase, ListRefundCases, RefundLedger

TIMES = ("requested_at", "updated_at", "refunded_at", "goods_shipped_after_refund_at")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_row(row: Any, now: datetime | None = None) -> dict[str, Any]:
    result = {
        "case_id": row.case_id,
        "order_id": row.order_id,
        "buyer_id": row.buyer_id,
        "status": row.status,
        "reason": row.reason,
        "goods_received": bool(row.goods_received),
        "received_basis": row.received_basis,
        "amount": money(row.amount_cents),
        "version": row.version,
        "waybill_no": row.waybill_no,
        "return_reason": row.return_reason,
        "platform_ref": row.platform_ref,
        **{name: _iso(getattr(row, name)) for name in TIMES},
    }
    if now is not None:
        result["age_hours"] = int((now - row.requested_at).total_seconds() // 3600)
    return result


async def get_case(engine: AsyncEngine, tables: Tables, query: GetRefundCase) -> dict[str, Any]:
    cases, history = tables["cases"], tables["history"]
    async with engine.connect() as conn:
        row = (await conn.execute(select(cases).where(cases.c.case_id == query.case_id))).first()
        if row is None:
            raise NotFound(f"refund case {query.case_id} does not exist")
        events = await read_history(conn, history, query.case_id)
    return {
        **case_row(row),
        "history": events,
    }


async def list_cases(
    engine: AsyncEngine, tables: Tables, query: ListRefundCases, now: datetime
) -> dict[str, Any]:
    cases = tables["cases"]
    conditions = []
    if query.status is not None:
        conditions.append(cases.c.status == query.status.value)
    if query.order_id is not None:
        conditions.append(cases.c.order_id == query.order_id)
    if query.requested_from is not None:
        conditions.append(cases.c.requested_at >= query.requested_from)
    if query.requested_before is not None:
        conditions.append(cases.c.requested_at < query.requested_before)
    where = and_(true(), *conditions)
    stmt = select(cases).where(where).order_by(cases.c.requested_at, cases.c.case_id)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "cases": [case_row(r, now) for r in rows],
    }


async def refund_ledger(engine: AsyncEngine, tables: Tables, query: RefundLedger) -> dict[str, Any]:
    """AS-9: every day's totals (summed in SQL), and one page of the refunds in issue order."""
    ledger = tables["ledger"]
    where = and_(ledger.c.day >= query.date_from.isoformat(), ledger.c.day <= query.date_to.isoformat())
    stmt = select(ledger).where(where).order_by(ledger.c.issued_at, ledger.c.case_id)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    per_day = (
        select(ledger.c.day, func.sum(ledger.c.amount_cents), func.count())
        .where(where)
        .group_by(ledger.c.day)
        .order_by(ledger.c.day)
    )
    async with engine.connect() as conn:
        days = (await conn.execute(per_day)).all()
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "refunds": [
            {
                "day": r.day,
                "case_id": r.case_id,
                "order_id": r.order_id,
                "amount": money(r.amount_cents),
                "issued_by": r.issued_by,
                "platform_ref": r.platform_ref,
                "issued_at": _iso(r.issued_at),
            }
            for r in rows
        ],
        "days": [
            {"day": day, "refunded": money(int(amount)), "count": int(count)} for day, amount, count in days
        ],
    }
