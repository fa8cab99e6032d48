"""The goods ledger's closes: one LedgerDay per business day (FUL-13, 日清) and one InventoryMonth
per month (FUL-13 月結, FUL-14), and the reconciliation both share: opening + in - out must equal
the stock card's closing balance, else the items that do not agree are named.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fulfilment.stock.domain.policy import StockPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_INVENTORY_MONTH, FULFILMENT_LEDGER_DAY
from shop_contracts.envelope import Actor
from shop_contracts.events.stock import DailyLedgerClosed, LedgerLine, MonthlyInventoryReportCompiled
from shop_contracts.messages import EventData


def business_day(at: datetime, tz: str) -> date:
    return at.astimezone(ZoneInfo(tz)).date()


def ledger_line(sku: str, opening: int, inbound: int, outbound: int, closing: int) -> LedgerLine:
    """One item's movement; `reconciled` says whether the ledger agrees with the card (FUL-13)."""
    return LedgerLine(
        sku=sku,
        opening=opening,
        inbound=inbound,
        outbound=outbound,
        closing=closing,
        reconciled=opening + inbound - outbound == closing,
    )


@dataclass(frozen=True)
class LedgerCloseState:
    closed: bool = False
    closed_by: str = ""


def evolve(state: LedgerCloseState, event: EventData) -> LedgerCloseState:
    match event:
        case DailyLedgerClosed():
            return replace(state, closed=True, closed_by=event.closed_by)
        case MonthlyInventoryReportCompiled():
            return replace(state, closed=True, closed_by=event.compiled_by)
    return state


LEDGER_DAY = AggregateType.of(
    FULFILMENT_LEDGER_DAY, EventRegistry([DailyLedgerClosed]), LedgerCloseState, evolve
)
INVENTORY_MONTH = AggregateType.of(
    FULFILMENT_INVENTORY_MONTH, EventRegistry([MonthlyInventoryReportCompiled]), LedgerCloseState, evolve
)


def close_day(
    state: LedgerCloseState, day: date, lines: Sequence[LedgerLine], today: date, actor: Actor, now: datetime
) -> list[EventData]:
    if state.closed:
        raise RuleViolated(f"the ledger of {day} was closed already by {state.closed_by}", "FUL-13")
    if day > today:
        raise RuleViolated(
            f"{day} has not come yet (today is {today}); a future day cannot be closed", "FUL-13"
        )
    return [
        DailyLedgerClosed(
            day=day,
            lines=tuple(lines),
            inbound=sum(line.inbound for line in lines),
            outbound=sum(line.outbound for line in lines),
            unreconciled=tuple(line.sku for line in lines if not line.reconciled),
            closed_by=actor.id,
            closed_at=now,
        )
    ]


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of a month given as YYYY-MM."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def compile_month(
    state: LedgerCloseState,
    month: str,
    lines: Sequence[LedgerLine],
    unclosed_days: Sequence[date],
    today: date,
    as_of: datetime,
    actor: Actor,
    policy: StockPolicy,
    now: datetime,
) -> list[EventData]:
    if state.closed:
        raise RuleViolated(
            f"the inventory report of {month} was compiled already by {state.closed_by}", "FUL-14"
        )
    if month > month_of(today):
        raise RuleViolated(f"{month} has not begun (today is {today})", "FUL-14")
    return [
        MonthlyInventoryReportCompiled(
            month=month,
            lines=tuple(lines),
            unreconciled=tuple(line.sku for line in lines if not line.reconciled),
            unclosed_days=tuple(unclosed_days),
            as_of=as_of,
            compiled_by=actor.id,
            reported_to=policy.report_recipients,
            compiled_at=now,
        )
    ]
