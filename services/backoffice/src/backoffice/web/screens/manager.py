"""The department manager's dashboard (issue 18 part 3): the day and the month in charts, read
from the services' own queries with the manager's token, refreshed by server-sent events as the
services' events arrive.

- orders by state, the day's and the month's (orders `ListOrders` per state, SM-ORD; ORD-7);
- the shipping day's progress (fulfilment `GetShippingDay`, SM-SHIP-BATCH: its state and its
  shipments by state; the 14:00 cut-off, FUL-1);
- SLA breaches now by kind (orders `SlaBoard`: refresh ORD-1, contact ORD-2, hand-over ORD-3);
- refunds issued per day of the month (after-sales `RefundLedger`, AS-9);
- sales net of refunds per day of the month (orders `DailySales`, ORD-16);
- lateness and absences of the month per employee (HR `DepartmentAttendance`, HR-6: one ask for
  the whole department, read by its management and HR); a refusal is shown instead of the chart.

Each chart's figures are in the page as JSON (`data-chart`), drawn by the vendored Chart.js; a
figure a service refuses or cannot give is shown as the service's message, never as zero.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, render
from shop_contracts.queries.aftersales import RefundLedger
from shop_contracts.queries.fulfilment import GetShippingDay, ShipmentStatus, ShippingDayStatus
from shop_contracts.queries.hr import DepartmentAttendance
from shop_contracts.queries.orders import DailySales, ListOrders, OrderStatus, SlaBoard

ROLES = ("dept_manager",)
router = APIRouter(prefix="/manager")
WATCHES = (
    "orders.Order.*",
    "fulfilment.ShippingDay.*",
    "fulfilment.Shipment.*",
    "aftersales.RefundCase.*",
    "hr.AttendanceDay.*",
)
"""What the dashboard refreshes on (its figures' aggregates)."""
SLA_KINDS = (("refresh", "ORD-1"), ("contact", "ORD-2"), ("handover", "ORD-3"))


@dataclass
class Chart:
    """One chart: its kind, labels and datasets (Chart.js' shape), or the reply that says why not."""

    key: str
    kind: str
    labels: list[str] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    refused: ShopReply | None = None
    note: ShopReply | None = None  # some of the figures were refused (shown beside the chart)
    unread: int = 0

    def data(self) -> dict[str, Any]:
        return {"kind": self.kind, "labels": self.labels, "datasets": self.datasets}


def business_day(request: Request, day: str | None) -> dt.date:
    tz = ZoneInfo(bo(request).business_tz)
    today = bo(request).clock.now().astimezone(tz).date()
    try:
        return dt.date.fromisoformat(day) if day else today
    except ValueError:
        return today


def _midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), ZoneInfo(tz))


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _amount(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


async def orders_by_state(request: Request, person: Person, day: dt.date) -> Chart:
    """Today's and the month's orders per state (placed in the business day / month)."""
    shop, tz = bo(request).shop, bo(request).business_tz
    first = day.replace(day=1)
    spans = (
        (_midnight(day, tz), _midnight(day + dt.timedelta(days=1), tz)),
        (_midnight(first, tz), _midnight(_next_month(first), tz)),
    )
    asks = [
        shop.query("orders", ListOrders(status=status, placed_from=a, placed_to=b, limit=1), person.actor)
        for a, b in spans
        for status in OrderStatus
    ]
    replies = await asyncio.gather(*asks)
    refused = next((r for r in replies if not r.ok), None)
    chart = Chart("orders", "bar", [s.value for s in OrderStatus], refused=refused)
    if refused is None:
        n = len(OrderStatus)
        chart.datasets = [
            {"label": "today", "data": [int(r.result["total"]) for r in replies[:n]]},
            {"label": "month", "data": [int(r.result["total"]) for r in replies[n:]]},
        ]
    return chart


async def shipping_day(request: Request, person: Person, day: dt.date) -> tuple[Chart, dict[str, Any]]:
    reply = await bo(request).shop.query("fulfilment", GetShippingDay(batch_date=day, limit=1), person.actor)
    empty = reply.code == "not_found"  # no shipment queued for the day yet: an open day, nothing counted
    chart = Chart(
        "shipping", "bar", [s.value for s in ShipmentStatus], refused=None if reply.ok or empty else reply
    )
    info: dict[str, Any] = {"steps": [s.value for s in ShippingDayStatus], "status": None}
    if empty:
        chart.datasets = [{"label": "shipments", "data": [0 for _ in ShipmentStatus]}]
        info["status"] = ShippingDayStatus.OPEN.value
    if reply.ok:
        counts = reply.result.get("counts", {})
        chart.datasets = [
            {"label": "shipments", "data": [int(counts.get(s.value, 0)) for s in ShipmentStatus]}
        ]
        info = {**info, **{k: reply.result.get(k) for k in ("status", "report_no", "total")}}
    return chart, info


async def sla_breaches(request: Request, person: Person) -> tuple[Chart, list[dict[str, Any]]]:
    reply = await bo(request).shop.query("orders", SlaBoard(upcoming=5, limit=500), person.actor)
    chart = Chart(
        "sla", "bar", [f"{kind} ({rule})" for kind, rule in SLA_KINDS], refused=None if reply.ok else reply
    )
    if not reply.ok:
        return chart, []
    overdue = reply.result.get("overdue", [])
    chart.datasets = [
        {"label": "overdue", "data": [sum(1 for i in overdue if i["kind"] == kind) for kind, _ in SLA_KINDS]}
    ]
    return chart, [*overdue[:10], *reply.result.get("upcoming", [])]


def _days(first: dt.date, last: dt.date) -> list[str]:
    return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


async def money_of_month(request: Request, person: Person, day: dt.date) -> tuple[Chart, Chart]:
    """Refunds per day (AS-9) and sales net of refunds per day (ORD-16), the month up to `day`."""
    shop, first = bo(request).shop, day.replace(day=1)
    labels = _days(first, day)
    ledger, sales = await asyncio.gather(
        shop.query("aftersales", RefundLedger(date_from=first, date_to=day, limit=1), person.actor),
        shop.query("orders", DailySales(date_from=first, date_to=day, limit=1), person.actor),
    )
    refunds = Chart("refunds", "bar", labels, refused=None if ledger.ok else ledger)
    if ledger.ok:
        by_day = {d["day"]: d for d in ledger.result.get("days", [])}
        refunds.datasets = [
            {"label": "refunded", "data": [_amount(by_day.get(d, {}).get("refunded")) for d in labels]},
            {"label": "cases", "data": [int(by_day.get(d, {}).get("count", 0)) for d in labels]},
        ]
    net = Chart("sales", "line", labels, refused=None if sales.ok else sales)
    if sales.ok:
        by_day = {d["day"]: d for d in sales.result.get("days", [])}
        net.datasets = [
            {"label": key, "data": [_amount(by_day.get(d, {}).get(key)) for d in labels]}
            for key in ("ordered", "refunded", "net")
        ]
    return refunds, net


async def attendance(request: Request, person: Person, day: dt.date) -> Chart:
    """Lateness and absences of the month per employee, HR's DepartmentAttendance in one ask (HR-6)."""
    month = f"{day.year:04d}-{day.month:02d}"
    reply = await bo(request).shop.query("hr", DepartmentAttendance(month=month), person.actor)
    lines = reply.result.get("employees", []) if reply.ok else []
    chart = Chart("attendance", "bar", [e["employee_id"] for e in lines], refused=None if reply.ok else reply)
    chart.datasets = [
        {"label": "late", "data": [int(e["lateness"]["count"]) for e in lines]},
        {"label": "late minutes", "data": [int(e["lateness"]["minutes"]) for e in lines]},
        {"label": "absences", "data": [len(e["absences"]) for e in lines]},
    ]
    return chart


async def figures(request: Request, person: Person, day: dt.date) -> dict[str, Any]:
    (orders, (shipping, ship_info), (sla, sla_items), (refunds, sales), people) = await asyncio.gather(
        orders_by_state(request, person, day),
        shipping_day(request, person, day),
        sla_breaches(request, person),
        money_of_month(request, person, day),
        attendance(request, person, day),
    )
    return {
        "person": person,
        "day": day,
        "charts": [orders, shipping, sla, refunds, sales, people],
        "shipping_day": ship_info,
        "sla_items": sla_items,
        "now": bo(request).clock.now().isoformat(),
    }


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn, day: str | None = None) -> Response:
    if not person.holds(ROLES):
        return render(request, "forbidden.html", {"person": person}, status_code=403)
    context = await figures(request, person, business_day(request, day))
    return render(request, "manager/home.html", {**context, "watches": WATCHES})


@router.get("/figures", response_class=HTMLResponse)
async def figures_fragment(request: Request, person: SignedIn, day: str | None = None) -> Response:
    """The charts alone: what the page swaps in when an event arrives."""
    if not person.holds(ROLES):
        return render(request, "forbidden.html", {"person": person}, status_code=403)
    return render(request, "manager/figures.html", await figures(request, person, business_day(request, day)))
