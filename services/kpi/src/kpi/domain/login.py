"""The DailyLogin aggregate (`DailyLogin.<employee>-<YYYY-MM-DD>`; KPI-11).

Every working day staff log in to the sales Aliwangwang account and the work QQ. The employee
acknowledges it (`AcknowledgeDailyLogin`, the actor is the employee, the day is the service's
business day); every account of `login_accounts` must be named, else KPI-11 refuses it. After
`login_by` it is recorded `late`. A second acknowledgement of the day records nothing. For a
target holder of the month the rhythm's deadline reports `DailyLoginMissed` once at `login_by`
of each working day without an acknowledgement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from kpi.domain.policy import KpiPolicy
from shop_contracts.aggregates import KPI_DAILY_LOGIN
from shop_contracts.commands.kpi import AcknowledgeDailyLogin
from shop_contracts.events.kpi import DailyLoginAcknowledged, DailyLoginMissed
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class LoginState:
    acknowledged: bool = False
    missed: bool = False


def evolve(state: LoginState, event: EventData) -> LoginState:
    match event:
        case DailyLoginAcknowledged():
            return replace(state, acknowledged=True)
        case DailyLoginMissed():
            return replace(state, missed=True)
    return state


DAILY_LOGIN = AggregateType.of(
    KPI_DAILY_LOGIN, EventRegistry([DailyLoginAcknowledged, DailyLoginMissed]), LoginState, evolve
)


def login_id(employee_id: str, day: dt.date) -> str:
    return f"{employee_id}-{day.isoformat()}"


def acknowledge(
    state: LoginState,
    cmd: AcknowledgeDailyLogin,
    policy: KpiPolicy,
    day: dt.date,
    due: dt.datetime,
    now: dt.datetime,
) -> Sequence[EventData]:
    policy.command_roles().require(cmd.actor, "AcknowledgeDailyLogin")
    missing = [a for a in policy.login_accounts if a not in cmd.accounts]
    if missing:
        raise RuleViolated(
            f"KPI-11: log in to every sales account every working day; {', '.join(missing)} not named "
            "(KPI_POLICY__LOGIN_ACCOUNTS)",
            "KPI-11",
        )
    if state.acknowledged:
        return []
    return [
        DailyLoginAcknowledged(
            employee_id=cmd.actor.id, day=day, accounts=cmd.accounts, acknowledged_at=now, late=now > due
        )
    ]


def missed(
    state: LoginState, employee_id: str, day: dt.date, due: dt.datetime, now: dt.datetime
) -> Sequence[EventData]:
    """KPI-11: once, unless acknowledged."""
    if state.acknowledged or state.missed:
        return []
    return [DailyLoginMissed(employee_id=employee_id, day=day, due_at=due, detected_at=now)]
