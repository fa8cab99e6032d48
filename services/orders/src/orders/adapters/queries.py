"""Reads over the Orders read models: GetOrder (with every refund case, ORD-16, and a refused
shipment holding the order, FUL-5), ListOrders, SlaBoard (ORD-1, ORD-2, ORD-3) and
DailySales (ORD-16: order amounts minus refunds per business day and sales owner).

GetOrder and ListOrders carry the buyer's `risk_tags` (`inferior_customer` once after-sales has
confirmed the flag on the order's buyer id, AS-18), joined from the buyer risk read model."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Select, Table, and_, func, literal, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.errors import NotFound
from jetstream_es.history import read_history
from jetstream_es.projection import Tables
from jetstream_es.sql import fetch_page, money
from orders.adapters.stock import stock_view
from orders.domain.sla import RULES, DeadlineKind
from shop_contracts.duty import DutyBook
from shop_contracts.queries.orders import DailySales, GetOrder, ListOrders, OrderStatus, SlaBoard

ENDED = (OrderStatus.COMPLETED.value, OrderStatus.REFUNDED.value, OrderStatus.CANCELLED.value)
TIMES = (
    "placed_at",
    "updated_at",
    "refresh_due_at",
    "viewed_at",
    "contact_due_at",
    "contacted_at",
    "confirmed_at",
    "handover_due_at",
    "handed_over_at",
    "shipped_at",
    "delivered_at",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _refusal(hold: Any) -> dict[str, Any] | None:
    """FUL-5: the latest refused shipment of the order, held or since resumed."""
    if hold is None:
        return None
    return {
        "shipment_id": hold.shipment_id,
        "held": bool(hold.held),
        "reason": hold.reason,
        "keeper": hold.keeper,
        "reported_to": hold.reported_to,
        "refused_at": _iso(hold.refused_at),
        "cleared_by": hold.cleared_by,
        "fixed": hold.fixed,
        "resumed_at": _iso(hold.resumed_at),
        "rule": "FUL-5",
    }


def order_row(row: Any) -> dict[str, Any]:
    return {
        "order_id": row.order_id,
        "status": row.status,
        "buyer_id": row.buyer_id,
        "channel": row.channel,
        "sales_owner": row.sales_owner,
        "amount": money(row.amount_cents),
        "refunded": money(row.refunded_cents),
        "paid": bool(row.paid),
        "version": row.version,
        "details": row.details,
        "risk_tags": [row.risk_tag] if row.risk_tag is not None else [],
        **{name: _iso(getattr(row, name)) for name in TIMES},
    }


def with_risk(orders: Table, risk: Table) -> Select[Any]:
    """The orders with their buyer's confirmed flag, if any (`risk_*` columns, else NULL)."""
    return select(
        orders,
        risk.c.tag.label("risk_tag"),
        risk.c.reason.label("risk_reason"),
        risk.c.confirmed_by.label("risk_confirmed_by"),
        risk.c.confirmed_at.label("risk_confirmed_at"),
    ).select_from(orders.outerjoin(risk, risk.c.buyer_id == orders.c.buyer_id))


async def get_order(
    engine: AsyncEngine, tables: Tables, risk: Table, stock: Table, query: GetOrder
) -> dict[str, Any]:
    orders, history = tables["orders"], tables["history"]
    async with engine.connect() as conn:
        row = (await conn.execute(with_risk(orders, risk).where(orders.c.order_id == query.order_id))).first()
        if row is None:
            raise NotFound(f"order {query.order_id} does not exist")
        signal = (await conn.execute(select(stock).where(stock.c.order_id == query.order_id))).first()
        holds = tables["holds"]
        hold = (await conn.execute(select(holds).where(holds.c.order_id == query.order_id))).first()
        refunds = tables["refunds"]
        cases = (
            await conn.execute(
                select(refunds)
                .where(refunds.c.order_id == query.order_id)
                .order_by(refunds.c.opened_at, refunds.c.case_id)
            )
        ).all()
        events = await read_history(conn, history, query.order_id)
    return {
        **order_row(row),
        "risks": [
            {
                "tag": row.risk_tag,
                "reason": row.risk_reason,
                "confirmed_by": row.risk_confirmed_by,
                "confirmed_at": _iso(row.risk_confirmed_at),
            }
        ]
        if row.risk_tag is not None
        else [],
        "stock": stock_view(signal),
        "shipment_held": bool(hold is not None and hold.held),
        "shipment_refusal": _refusal(hold),
        "refund_cases": [
            {
                "case_id": r.case_id,
                "status": r.status,
                "refunded": money(r.refunded_cents),
                "outcome": r.outcome,
                "opened_at": _iso(r.opened_at),
                "ended_at": _iso(r.ended_at),
            }
            for r in cases
        ],
        "open_refund_cases": sum(1 for r in cases if r.status == "open"),
        "history": events,
    }


async def list_orders(engine: AsyncEngine, tables: Tables, risk: Table, query: ListOrders) -> dict[str, Any]:
    orders = tables["orders"]
    conditions = []
    if query.status is not None:
        conditions.append(orders.c.status == query.status.value)
    if query.sales_owner is not None:
        conditions.append(orders.c.sales_owner == query.sales_owner)
    if query.placed_from is not None:
        conditions.append(orders.c.placed_at >= query.placed_from)
    if query.placed_to is not None:
        conditions.append(orders.c.placed_at < query.placed_to)
    where = and_(true(), *conditions)
    stmt = with_risk(orders, risk).where(where).order_by(orders.c.placed_at.desc(), orders.c.order_id)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "orders": [order_row(r) for r in rows],
    }


async def sla_board(engine: AsyncEngine, tables: Tables, now: datetime, query: SlaBoard) -> dict[str, Any]:
    """Open SLA steps: the order has not reached the step and has not ended. The overdue steps of
    every kind are one list, oldest due first, read one page at a time."""
    orders = tables["orders"]
    steps = (
        (DeadlineKind.REFRESH, orders.c.refresh_due_at, orders.c.viewed_at.is_(None)),
        (DeadlineKind.CONTACT, orders.c.contact_due_at, orders.c.contacted_at.is_(None)),
        (
            DeadlineKind.HANDOVER,
            orders.c.handover_due_at,
            and_(orders.c.handed_over_at.is_(None), orders.c.shipped_at.is_(None)),
        ),
    )

    def open_steps(overdue: bool) -> Select[Any]:
        parts = [
            select(
                orders.c.order_id,
                orders.c.sales_owner,
                literal(str(kind)).label("kind"),
                due.label("due_at"),
            ).where(
                and_(
                    due.is_not(None),
                    still_open,
                    orders.c.status.not_in(ENDED),
                    due <= now if overdue else due > now,
                )
            )
            for kind, due, still_open in steps
        ]
        steps_union = union_all(*parts).subquery()
        return select(steps_union).order_by(steps_union.c.due_at, steps_union.c.order_id, steps_union.c.kind)

    def item(r: Any) -> dict[str, Any]:
        due_at = r.due_at if r.due_at.tzinfo else r.due_at.replace(tzinfo=UTC)
        return {
            "order_id": r.order_id,
            "kind": r.kind,
            "rule": RULES[DeadlineKind(r.kind)],
            "sales_owner": r.sales_owner,
            "due_at": due_at.isoformat(),
            "minutes": int(abs((now - due_at).total_seconds()) // 60),
        }

    total, overdue = await fetch_page(engine, open_steps(True), limit=query.limit, offset=query.offset)
    upcoming: list[Any] = []
    if query.upcoming:
        async with engine.connect() as conn:
            upcoming = list((await conn.execute(open_steps(False).limit(query.upcoming))).all())
    return {
        "now": now.isoformat(),
        "overdue_total": total,
        "limit": query.limit,
        "offset": query.offset,
        "overdue": [item(r) for r in overdue],
        "upcoming": [item(r) for r in upcoming],
    }


async def daily_sales(engine: AsyncEngine, tables: Tables, query: DailySales) -> dict[str, Any]:
    """ORD-16: every day's totals (at most 367), and one page of the day × sales-owner rows."""
    sales = tables["sales"]
    where = and_(sales.c.day >= query.date_from.isoformat(), sales.c.day <= query.date_to.isoformat())
    if query.sales_owner is not None:
        where = and_(where, sales.c.sales_owner == query.sales_owner)
    stmt = select(sales).where(where).order_by(sales.c.day, sales.c.sales_owner)
    total, rows = await fetch_page(engine, stmt, limit=query.limit, offset=query.offset)
    per_day = (
        select(sales.c.day, func.sum(sales.c.orders_cents), func.sum(sales.c.refunds_cents))
        .where(where)
        .group_by(sales.c.day)
        .order_by(sales.c.day)
    )
    async with engine.connect() as conn:
        days = (await conn.execute(per_day)).all()
    return {
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "rows": [
            {
                "day": r.day,
                "sales_owner": r.sales_owner,
                "orders": r.orders,
                "ordered": money(r.orders_cents),
                "refunded": money(r.refunds_cents),
                "net": money(r.orders_cents - r.refunds_cents),
            }
            for r in rows
        ],
        "days": [
            {"day": day, "ordered": money(o), "refunded": money(f), "net": money(int(o) - int(f))}
            for day, o, f in days
        ],
    }


class CoverAt(Protocol):
    async def book(self, start: date, end: date) -> DutyBook: ...

    def day(self, at: datetime) -> date: ...


async def route_contacts(board: dict[str, Any], duty: CoverAt) -> dict[str, Any]:
    """DUTY-1, AS-22: each contact step (ORD-2) of the board falling outside online hours names
    who is on duty at its due time and why (`assigned_to`, `duty_reason`, `escalate_to`)."""
    items = [i for i in (*board["overdue"], *board["upcoming"]) if i["kind"] == str(DeadlineKind.CONTACT)]
    if not items:
        return board
    dues = [datetime.fromisoformat(i["due_at"]) for i in items]
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
