"""The warehouse's daily log (aggregate WarehouseLog, one per business day): the keeper's checks
before and after work, with anomalies reported to the operations director and the store manager
at once (FUL-19), and the register of people entering or leaving, where goods go in or out only
with a procedure (FUL-18).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from fulfilment.stock.domain.policy import StockPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_WAREHOUSE_LOG
from shop_contracts.commands.stock import RecordWarehouseCheck, RegisterWarehouseAccess
from shop_contracts.events.stock import WarehouseAccessRegistered, WarehouseCheckRecorded
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class WarehouseLogState:
    checks: frozenset[str] = frozenset()
    entries: int = 0


def evolve(state: WarehouseLogState, event: EventData) -> WarehouseLogState:
    match event:
        case WarehouseCheckRecorded():
            return replace(state, checks=state.checks | {event.point})
        case WarehouseAccessRegistered():
            return replace(state, entries=state.entries + 1)
    return state


WAREHOUSE_LOG = AggregateType.of(
    FULFILMENT_WAREHOUSE_LOG,
    EventRegistry([WarehouseCheckRecorded, WarehouseAccessRegistered]),
    WarehouseLogState,
    evolve,
)


def check(
    state: WarehouseLogState, cmd: RecordWarehouseCheck, today: date, policy: StockPolicy, now: datetime
) -> list[EventData]:
    if cmd.point not in policy.check_points:
        raise RuleViolated(
            f"{cmd.point} is not one of the daily checks: {', '.join(policy.check_points)}", "FUL-19"
        )
    if cmd.day > today:
        raise RuleViolated(f"{cmd.day} has not come yet (today is {today})", "FUL-19")
    if cmd.point in state.checks:
        raise RuleViolated(f"the {cmd.point} check of {cmd.day} was recorded already", "FUL-19")
    anything_wrong = not cmd.locks_ok or bool(cmd.missing_items) or bool(cmd.anomalies)
    return [
        WarehouseCheckRecorded(
            day=cmd.day,
            point=cmd.point,
            locks_ok=cmd.locks_ok,
            missing_items=cmd.missing_items,
            anomalies=cmd.anomalies,
            checked_by=cmd.actor.id,
            reported_to=policy.report_recipients if anything_wrong else (),
            checked_at=now,
        )
    ]


def register_access(
    state: WarehouseLogState, cmd: RegisterWarehouseAccess, today: date, now: datetime
) -> list[EventData]:
    if cmd.goods and cmd.procedure_ref is None:
        raise RuleViolated(
            f"{cmd.person} carries goods {'into' if cmd.direction == 'in' else 'out of'} the warehouse without "
            "a procedure reference; nobody carries goods without procedure",
            "FUL-18",
        )
    return [
        WarehouseAccessRegistered(
            day=today,
            person=cmd.person,
            direction=cmd.direction,
            purpose=cmd.purpose,
            goods=cmd.goods,
            procedure_ref=cmd.procedure_ref,
            registered_by=cmd.actor.id,
            at=now,
        )
    ]
