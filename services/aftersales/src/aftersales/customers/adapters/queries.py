"""Reads over the complaint, customer-flag and review read models: ComplaintBoard (open, overdue
against the 24-hour response SLA, escalated: AS-15, AS-19), CustomerFlags (AS-18) and ReviewBoard
(negative reviews pending a reply first, AS-16)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.projection import Tables
from jetstream_es.sql import fetch_page
from shop_contracts.duty import DutyBook
from shop_contracts.queries.aftersales import ComplaintBoard, CustomerFlags, ReviewBoard
from shop_contracts.queries.aftersales import ComplaintStatus as S
from shop_contracts.queries.aftersales import ReviewStatus as R


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def complaint_row(row: Any, now: datetime) -> dict[str, Any]:
    unanswered = row.responded_at is None and row.status != S.RESOLVED.value
    return {
        "complaint_id": row.complaint_id,
        "customer_id": row.customer_id,
        "order_id": row.order_id,
        "channel": row.channel,
        "subject": row.subject,
        "status": row.status,
        "registered_by": row.registered_by,
        "responded_by": row.responded_by,
        "overdue": bool(row.overdue) or (unanswered and row.respond_by < now),
        "overdue_recorded": bool(row.overdue),
        "hours_open": int((now - row.registered_at).total_seconds() // 3600),
        "version": row.version,
        **{
            name: _iso(getattr(row, name))
            for name in ("registered_at", "respond_by", "responded_at", "escalated_at", "resolved_at")
        },
    }


async def complaint_board(
    engine: AsyncEngine, tables: Tables, query: ComplaintBoard, now: datetime
) -> dict[str, Any]:
    t = tables["complaints"]
    unanswered = and_(t.c.responded_at.is_(None), t.c.status != S.RESOLVED.value)
    lists: dict[str, ColumnElement[bool]] = {
        "open": t.c.status == S.OPEN.value,
        "overdue": and_(unanswered, or_(t.c.overdue.is_(True), t.c.respond_by < now)),
        "escalated": t.c.status == S.ESCALATED.value,
    }
    board: dict[str, Any] = {"counts": {}, "limit": query.limit, "offset": query.offset}
    async with engine.connect() as conn:
        for name, where in lists.items():
            count = select(func.count()).select_from(t).where(and_(true(), where))
            board["counts"][name] = (await conn.execute(count)).scalar_one()
            rows = await conn.execute(
                select(t)
                .where(where)
                .order_by(t.c.registered_at, t.c.complaint_id)
                .limit(query.limit)
                .offset(query.offset)
            )
            board[name] = [complaint_row(r, now) for r in rows.all()]
    return board


async def customer_flags(engine: AsyncEngine, tables: Tables, query: CustomerFlags) -> dict[str, Any]:
    t = tables["flags"]
    conditions = []
    if query.status is not None:
        conditions.append(t.c.status == query.status.value)
    if query.customer_id is not None:
        conditions.append(t.c.customer_id == query.customer_id)
    where = and_(true(), *conditions)
    stmt = select(t).where(where).order_by(t.c.updated_at.desc(), t.c.customer_id)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "flags": [
            {
                "customer_id": r.customer_id,
                "status": r.status,
                "reason": r.reason,
                "proposed_by": r.proposed_by,
                "proposed_at": _iso(r.proposed_at),
                "decided_by": r.decided_by,
                "decided_at": _iso(r.decided_at),
                "note": r.note,
                "version": r.version,
            }
            for r in rows
        ],
    }


def review_row(row: Any, now: datetime) -> dict[str, Any]:
    waited = (row.replied_at or now) - row.recorded_at
    return {
        "review_id": row.review_id,
        "customer_id": row.customer_id,
        "order_id": row.order_id,
        "rating": row.rating,
        "excerpt": row.excerpt,
        "status": row.status,
        "recorded_by": row.recorded_by,
        "recorded_at": _iso(row.recorded_at),
        "wangwang_id": row.wangwang_id,
        "facts_checked": row.facts_checked,
        "reply": row.reply,
        "replied_by": row.replied_by,
        "replied_at": _iso(row.replied_at),
        "hours_waiting": int(waited.total_seconds() // 3600),
        "version": row.version,
    }


async def review_board(
    engine: AsyncEngine, tables: Tables, query: ReviewBoard, now: datetime
) -> dict[str, Any]:
    """Pending replies first, then replied; oldest recorded first within each (AS-16)."""
    t = tables["reviews"]
    conditions = []
    if query.customer_id is not None:
        conditions.append(t.c.customer_id == query.customer_id)
    scope = and_(true(), *conditions)
    where = scope if query.status is None else and_(scope, t.c.status == query.status.value)
    pending_first = case((t.c.status == R.PENDING_REPLY.value, 0), else_=1)
    async with engine.connect() as conn:
        per_status = await conn.execute(
            select(t.c.status, func.count()).select_from(t).where(scope).group_by(t.c.status)
        )
        counts = {str(status): 0 for status in R} | {row[0]: row[1] for row in per_status.all()}
    stmt = select(t).where(where).order_by(pending_first, t.c.recorded_at, t.c.review_id)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "counts": counts,
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "reviews": [review_row(r, now) for r in rows],
    }


class CoverAt(Protocol):
    async def book(self, start: date, end: date) -> DutyBook: ...

    def day(self, at: datetime) -> date: ...


async def route_replies(board: dict[str, Any], duty: CoverAt) -> dict[str, Any]:
    """DUTY-1, AS-22: each unanswered complaint of the board whose reply deadline (AS-15) falls
    outside online hours names who is on duty then and why (`assigned_to`, `duty_reason`,
    `escalate_to`)."""
    items = [
        i for name in ("open", "overdue", "escalated") for i in board.get(name, []) if i.get("respond_by")
    ]
    items = [i for i in items if not i.get("responded_at")]
    if not items:
        return board
    dues = [datetime.fromisoformat(i["respond_by"]) for i in items]
    days = [duty.day(d) for d in dues]
    book = await duty.book(min(days) - timedelta(days=1), max(days))
    for item, due in zip(items, dues, strict=True):
        cover = book.customer_service(due)
        if cover.routed:
            item |= {
                "assigned_to": cover.assigned_to,
                "duty_reason": cover.reason,
                "escalate_to": cover.escalate_to,
            }
    return board
