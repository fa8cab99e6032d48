"""The refund ledger (退款台賬, AS-9) as a spreadsheet: every issued refund with its platform
reference, per business day, and the totals of each day and of the whole range, exactly as
after-sales' `RefundLedger` query answers them (the back office adds nothing and drops nothing).

`.xlsx` (openpyxl): the cashier and the supervisor open it in a spreadsheet program; amounts are
numbers with two decimals, so the program's own sums agree with the service's totals.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook  # type: ignore[import-untyped]

from backoffice.shop import Shop, ShopReply
from shop_contracts.envelope import Actor
from shop_contracts.queries.aftersales import RefundLedger

PAGE = 1000
"""Refunds asked per RefundLedger page (the query's maximum)."""
REFUND_HEADER = ("營業日", "退款單號", "訂單號", "金額", "平台退款號", "經辦人", "退款時間")
"""Business day, case, order, amount, platform reference (AS-9), who issued it, when (local time)."""
DAY_HEADER = ("營業日", "筆數", "退款合計")


async def ledger(shop: Shop, query: RefundLedger, actor: Actor) -> dict[str, Any] | ShopReply:
    """Every page of the ledger for the range: `refunds` in issue order and the service's `days`."""
    refunds: list[dict[str, Any]] = []
    days: list[dict[str, Any]] = []
    offset = 0
    while True:
        reply = await shop.query(
            "aftersales", query.model_copy(update={"limit": PAGE, "offset": offset}), actor
        )
        if not reply.ok:
            return reply
        result = reply.result or {}
        page = result.get("refunds", [])
        refunds.extend(page)
        days = result.get("days", [])
        offset += len(page)  # the service may answer fewer than asked
        if not page or offset >= int(result.get("total", 0)):
            return {"refunds": refunds, "days": days, "total": int(result.get("total", 0))}


def _local(value: str | None, tz: str) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M:%S")


def ledger_workbook(found: dict[str, Any], query: RefundLedger, tz: str) -> bytes:
    """Two sheets: 退款明細 (one row per refund) and 每日合計 (the service's per-day totals and the
    range's total as the last row)."""
    book = Workbook()
    detail = book.active
    detail.title = "退款明細"
    detail.append((f"退款台賬 (AS-9) {query.date_from.isoformat()} – {query.date_to.isoformat()}",))
    detail.append(REFUND_HEADER)
    for r in found["refunds"]:
        detail.append(
            (
                str(r.get("day", "")),
                r.get("case_id", ""),
                r.get("order_id", ""),
                Decimal(str(r.get("amount", "0"))),
                r.get("platform_ref", ""),
                r.get("issued_by", ""),
                _local(r.get("issued_at"), tz),
            )
        )
    for row in detail.iter_rows(min_row=3, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "0.00"
    totals = book.create_sheet("每日合計")
    totals.append(DAY_HEADER)
    count, amount = 0, Decimal("0")
    for d in found["days"]:
        day_amount = Decimal(str(d.get("refunded", "0")))
        totals.append((str(d.get("day", "")), int(d.get("count", 0)), day_amount))
        count += int(d.get("count", 0))
        amount += day_amount
    totals.append(("合計", count, amount))
    for row in totals.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
