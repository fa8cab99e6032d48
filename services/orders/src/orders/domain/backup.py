"""The weekly backup record of order data (ORD-4): one `OrderBackup` aggregate per ISO week.

`shopctl backup orders` exports the ORDERS stream, verifies it, then sends `BackUpOrders`; the
decision records `OrdersBackedUp` with the count, location and checksum. Only back-office staff
or the scheduled job (`system`) record backups (by default; C9, `ORDERS_COMMAND_ROLES`), and only for a week that has begun.

Every week must have one (ORD-4: 「后台人员应每周进行订单信息的备份及记录」). A deadline falls due when
the week ends in the business time zone (Monday 00:00 of the next week); a week that ends without
a backup records `OrdersBackupOverdue` once. Weeks are counted from the first order placed: each
week's deadline is scheduled by the order placed in it, or by the previous week's backup or
overdue mark, so a week without any business is still checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from orders.domain.policy import OrderPolicy
from shop_contracts.aggregates import ORDERS_ORDER_BACKUP
from shop_contracts.commands.orders import BackUpOrders
from shop_contracts.events.orders import OrdersBackedUp, OrdersBackupOverdue
from shop_contracts.messages import EventData

registry = EventRegistry([OrdersBackedUp, OrdersBackupOverdue])
BACKUP_DEADLINE = "backup"


@dataclass(frozen=True)
class BackupWeek:
    backups: int = 0
    last_checksum: str = ""
    overdue: bool = False


def evolve(state: BackupWeek, event: EventData) -> BackupWeek:
    if isinstance(event, OrdersBackedUp):
        return replace(state, backups=state.backups + 1, last_checksum=event.checksum)
    if isinstance(event, OrdersBackupOverdue):
        return replace(state, overdue=True)
    return state


ORDER_BACKUP: AggregateType[BackupWeek] = AggregateType.of(ORDERS_ORDER_BACKUP, registry, BackupWeek, evolve)


def week_of(at: datetime, tz: ZoneInfo) -> str:
    """The ISO calendar week `at` falls in, in the business time zone (e.g. 2026-W09)."""
    year, week, _ = at.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def _monday(week: str) -> dt.date:
    return dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def week_starts(week: str, tz: ZoneInfo) -> datetime:
    return datetime.combine(_monday(week), dt.time(0), tzinfo=tz).astimezone(UTC)


def week_ends(week: str, tz: ZoneInfo) -> datetime:
    """When the week is over: the next Monday 00:00 in the business time zone, as UTC."""
    return datetime.combine(_monday(week) + dt.timedelta(days=7), dt.time(0), tzinfo=tz).astimezone(UTC)


def next_week(week: str) -> str:
    year, number, _ = (_monday(week) + dt.timedelta(days=7)).isocalendar()
    return f"{year}-W{number:02d}"


def deadline_id(week: str) -> str:
    return f"{BACKUP_DEADLINE}/{week}"


def back_up(state: BackupWeek, cmd: BackUpOrders, now: datetime, policy: OrderPolicy) -> Sequence[EventData]:
    policy.roles.require(cmd.actor, "BackUpOrders")
    tz = policy.tz
    if week_starts(cmd.week, tz) > now:
        raise RuleViolated(
            f"week {cmd.week} has not begun (it is {week_of(now, tz)}): a backup records data that exists",
            "ORD-4",
        )
    return [
        OrdersBackedUp(
            week=cmd.week,
            record_count=cmd.record_count,
            location=cmd.location,
            checksum=cmd.checksum,
            last_seq=cmd.last_seq,
            backed_up_by=cmd.actor.id,
            backed_up_at=now,
        )
    ]


def backup_overdue(state: BackupWeek, week: str, due_at: datetime, now: datetime) -> Sequence[EventData]:
    """The week is over: flag it once if nothing was backed up (ORD-4)."""
    if state.backups > 0 or state.overdue:
        return []
    if now < due_at:
        raise RuleViolated(f"week {week} is not over until {due_at.isoformat()}", "ORD-4")
    return [OrdersBackupOverdue(week=week, due_at=due_at, detected_at=now)]
