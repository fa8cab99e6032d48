"""The weekly backup record of order data (ORD-4): one `OrderBackup` aggregate per ISO week.

`shopctl backup orders` exports the ORDERS stream, verifies it, then sends `BackUpOrders`; the
decision records `OrdersBackedUp` with the count, location and checksum. Only back-office staff
or the scheduled job (`system`) record backups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import Forbidden
from jetstream_es.events import EventRegistry
from orders.domain.roles import BACKOFFICE, SYSTEM
from shop_contracts.commands.orders import BackUpOrders
from shop_contracts.events.orders import OrdersBackedUp
from shop_contracts.messages import EventData

registry = EventRegistry([OrdersBackedUp])


@dataclass(frozen=True)
class BackupWeek:
    backups: int = 0
    last_checksum: str = ""


def evolve(state: BackupWeek, event: EventData) -> BackupWeek:
    if isinstance(event, OrdersBackedUp):
        return replace(state, backups=state.backups + 1, last_checksum=event.checksum)
    return state


ORDER_BACKUP = AggregateType[BackupWeek]("OrderBackup", registry, BackupWeek, evolve)


def back_up(state: BackupWeek, cmd: BackUpOrders, now: datetime) -> Sequence[EventData]:
    if not cmd.actor.has_any(BACKOFFICE, SYSTEM):
        raise Forbidden(
            f"BackUpOrders needs the role {BACKOFFICE} or {SYSTEM}; {cmd.actor.id} has neither", "ORD-4"
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
