"""Reads of the KPI views (ORD-16, KPI-1, KPI-2..KPI-7, KPI-13).

Sales (ORD-16): an order counts on the day and month it was placed, a refund on the day it was
issued, against its order's sales owner and channel (`unknown` when the order's placement is not
in the view); net = orders − refunds. The month's facts for CalculateMonthPay come from the same
rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.projection import Tables
from jetstream_es.sql import money
from kpi.domain.month_pay import MonthFacts

UNKNOWN = "unknown"


async def _sales_rows(
    engine: AsyncEngine, orders: Tables, aftersales: Tables, month: str
) -> tuple[list[Any], list[tuple[Any, Any]]]:
    o, r = orders["orders"], aftersales["refunds"]
    async with engine.connect() as conn:
        placed = list((await conn.execute(select(o).where(o.c.month == month))).all())
        refunds = list((await conn.execute(select(r).where(r.c.month == month))).all())
        ids = sorted({x.order_id for x in refunds})
        owners = {x.order_id: x for x in (await conn.execute(select(o).where(o.c.order_id.in_(ids)))).all()}
    return placed, [(x, owners.get(x.order_id)) for x in refunds]


def _add(table: dict[str, dict[str, int]], key: str, field: str, value: int) -> None:
    table[key][field] += value


def _rows(table: Mapping[str, Mapping[str, int]], name: str) -> list[dict[str, Any]]:
    return [
        {
            name: key,
            "orders": money(v["orders"]),
            "refunds": money(v["refunds"]),
            "net": money(v["orders"] - v["refunds"]),
        }
        for key, v in sorted(table.items())
    ]


async def sales_report(
    engine: AsyncEngine, orders: Tables, aftersales: Tables, month: str, staff_id: str | None
) -> dict[str, Any]:
    placed, refunds = await _sales_rows(engine, orders, aftersales, month)
    by_day: dict[str, dict[str, int]] = defaultdict(lambda: {"orders": 0, "refunds": 0})
    by_staff: dict[str, dict[str, int]] = defaultdict(lambda: {"orders": 0, "refunds": 0})
    by_channel: dict[str, dict[str, int]] = defaultdict(lambda: {"orders": 0, "refunds": 0})
    for p in placed:
        if staff_id is None or p.sales_owner == staff_id:
            for table, key in ((by_day, p.day), (by_staff, p.sales_owner), (by_channel, p.channel)):
                _add(table, key, "orders", p.amount_cents)
    for refund, order in refunds:
        owner = order.sales_owner if order is not None and order.sales_owner else UNKNOWN
        channel = order.channel if order is not None and order.channel else UNKNOWN
        if staff_id is None or owner == staff_id:
            for table, key in ((by_day, refund.day), (by_staff, owner), (by_channel, channel)):
                _add(table, key, "refunds", refund.amount_cents)
    total_orders = sum(v["orders"] for v in by_day.values())
    total_refunds = sum(v["refunds"] for v in by_day.values())
    return {
        "month": month,
        "staff_id": staff_id,
        "orders": money(total_orders),
        "refunds": money(total_refunds),
        "net": money(total_orders - total_refunds),
        "by_day": _rows(by_day, "day"),
        "by_staff": _rows(by_staff, "staff_id"),
        "by_channel": _rows(by_channel, "channel"),
        "rule": "ORD-16",
    }


async def month_facts(engine: AsyncEngine, orders: Tables, aftersales: Tables, month: str) -> MonthFacts:
    """ORD-16: the month's net sales per staff member and of the department."""
    report = await sales_report(engine, orders, aftersales, month, None)
    return MonthFacts(
        net_by_staff={row["staff_id"]: Decimal(row["net"]) for row in report["by_staff"]},
        department_net=Decimal(report["net"]),
    )


async def satisfaction(engine: AsyncEngine, aftersales: Tables, month: str) -> dict[str, Any]:
    s = aftersales["satisfaction"]
    async with engine.connect() as conn:
        rows = list((await conn.execute(select(s).where(s.c.month == month).order_by(s.c.day))).all())
    revisits = [r for r in rows if r.kind == "revisit"]
    scored = [r.score for r in revisits if r.score is not None]
    return {
        "month": month,
        "complaints": sum(1 for r in rows if r.kind == "complaint"),
        "negative_reviews": sum(1 for r in rows if r.kind == "negative_review"),
        "revisits": len(revisits),
        "revisits_meeting_target": sum(1 for r in revisits if r.meets_target),
        "mean_revisit_satisfaction": str(round(Decimal(sum(scored)) / len(scored), 2)) if scored else None,
        "rule": "KPI-1",
    }


async def processing(engine: AsyncEngine, orders: Tables, month: str) -> dict[str, Any]:
    o = orders["orders"]
    async with engine.connect() as conn:
        rows = list((await conn.execute(select(o).where(o.c.month == month))).all())
    contacted = [r.contact_min for r in rows if r.contact_min is not None]
    handed = [Decimal(r.handover_hours) for r in rows if r.handover_hours is not None]
    return {
        "month": month,
        "placed": len(rows),
        "confirmed": sum(1 for r in rows if r.confirmed_at is not None),
        "contacted": len(contacted),
        "mean_contact_min": str(round(Decimal(sum(contacted)) / len(contacted), 1)) if contacted else None,
        "contact_overdue": sum(1 for r in rows if r.contact_overdue),
        "handed_over": len(handed),
        "mean_handover_hours": str(round(sum(handed, Decimal(0)) / len(handed), 2)) if handed else None,
        "handover_overdue": sum(1 for r in rows if r.handover_overdue),
        "rules": ["KPI-1", "ORD-2", "ORD-3"],
    }


async def figures(
    engine: AsyncEngine, tables: Tables, period: str, employee_id: str | None
) -> list[dict[str, Any]]:
    f = tables["figures"]
    stmt = select(f).where(f.c.period == period)
    if employee_id is not None:
        stmt = stmt.where(f.c.employee_id == employee_id)
    async with engine.connect() as conn:
        rows = (await conn.execute(stmt.order_by(f.c.employee_id, f.c.kind))).all()
    return [{"kind": r.kind, "event_id": r.event_id, **json.loads(r.body)} for r in rows]
