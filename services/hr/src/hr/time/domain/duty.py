"""The duty rota aggregate (DUTY-1..DUTY-4, AS-22, C3, C4): one stream per weekend rota
(`weekend-<saturday>`), duty-manager designation (`manager-<designation_id>`), duty-pair day
(`pair-<date>`) and hotline night (`hotline-<date>`).

- DUTY-2: `PublishWeekendCsRota` names who of the back-office customer-service staff is on duty on
  the Saturday and the Sunday. Refused, naming DUTY-2 and each date and employee, when someone named
  holds no customer-service role (HR_CUSTOMER_SERVICE_ROLES, learnt from identity's role events),
  is on approved leave that day (HR-18), or, under C4 `003` (weekend rota only, the default), a day
  has nobody; under C4 `000` all staff are on post and an empty day is allowed.
- DUTY-3, AS-22: `DesignateDutyManager` names the duty customer-service manager for the nights of a
  date range; the hotline-forwarding deadlines switch the 400 hotline to them at the end of online
  hours (18:10) and back at the start (08:50), once per night (`HotlineForwardingActivated`,
  `HotlineForwardingDeactivated`).
- DUTY-4, HR-1..HR-4: every published rota day gives the department duty pair (`DutyPairAssigned`),
  main and assistant shift to 22:00; a republished rota with the same pair appends nothing.
Channels and hours stay separate (C3): chat hours (AS-22), hotline forwarding (DUTY-3), duty pair
(DUTY-4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from pydantic import ConfigDict, Field

from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from jetstream_es.roles import CommandRoles
from shop_contracts.aggregates import HR_DUTY_ROTA
from shop_contracts.commands.hr_time import DesignateDutyManager, PublishWeekendCsRota
from shop_contracts.duty import ALL_ON_POST, OnlineHours
from shop_contracts.events.hr_duty import (
    DutyManagerDesignated,
    DutyPairAssigned,
    HotlineForwardingActivated,
    HotlineForwardingDeactivated,
    WeekendCsRotaPublished,
)
from shop_contracts.events.hr_time import RotaDay
from shop_contracts.messages import EventData

CUSTOMER_SERVICE_ROLES = [
    "presales_cs",
    "aftersales_cs",
    "backoffice_order_staff",
    "cs_supervisor",
    "duty_cs_manager",
]
"""DUTY-2: the roles (rules.md §0) of the back-office customer-service staff who take turns."""


class DutyPolicy(OnlineHours):
    """The duty rota's settings (env `HR_`): online hours (AS-22), C4's weekend cover, the
    escalation role (DUTY-1), who counts as customer service (DUTY-2) and the duty pair's hours
    (DUTY-4, HR-3, HR-4)."""

    model_config = ConfigDict(frozen=True)

    customer_service_roles: list[str] = Field(
        default_factory=lambda: list(CUSTOMER_SERVICE_ROLES),
        description="DUTY-2: roles of the back-office customer-service staff who may be on the weekend "
        "rota or duty manager (role ids, rules.md §0)",
    )
    duty_pair_from: dt.time = Field(
        dt.time(8, 30), description="DUTY-4, HR-3, HR-4: the duty pair is on post from"
    )
    duty_pair_until: dt.time = Field(
        dt.time(22, 0), description="DUTY-4, HR-3, HR-4: the duty pair is on post to"
    )

    def online(self) -> OnlineHours:
        return OnlineHours.model_validate(self.model_dump(include=set(OnlineHours.model_fields)))


@dataclass(frozen=True)
class DutyState:
    revision: int = 0
    pair: tuple[str, str] | None = None
    activated: bool = False
    deactivated: bool = False


def evolve(state: DutyState, event: EventData) -> DutyState:
    match event:
        case WeekendCsRotaPublished() | DutyManagerDesignated():
            return replace(state, revision=state.revision + 1)
        case DutyPairAssigned():
            return replace(state, revision=state.revision + 1, pair=(event.main, event.assistant))
        case HotlineForwardingActivated():
            return replace(state, activated=True)
        case HotlineForwardingDeactivated():
            return replace(state, deactivated=True)
    return state


def weekend_id(saturday: dt.date) -> str:
    return f"weekend-{saturday.isoformat()}"


def manager_id(designation_id: str) -> str:
    return f"manager-{designation_id}"


def pair_id(work_date: dt.date) -> str:
    return f"pair-{work_date.isoformat()}"


def hotline_id(night: dt.date) -> str:
    return f"hotline-{night.isoformat()}"


def _refuse(what: str, found: list[tuple[str, dict[str, object]]]) -> None:
    if found:
        message = "; ".join(text for text, _ in found)
        raise RuleViolated(f"{what}: {message}", "DUTY-2", [{"rule": "DUTY-2", **d} for _, d in found])


def _check_staff(
    day: dt.date,
    staff: tuple[str, ...],
    customer_service: frozenset[str],
    on_leave: Mapping[tuple[str, dt.date], str],
    found: list[tuple[str, dict[str, object]]],
) -> None:
    iso = day.isoformat()
    for employee in staff:
        if employee not in customer_service:
            found.append(
                (
                    f"{iso}: {employee} is not back-office customer-service staff (HR_CUSTOMER_SERVICE_ROLES)",
                    {"work_date": iso, "employee": employee, "reason": "not_customer_service"},
                )
            )
        if (leave := on_leave.get((employee, day))) is not None:
            found.append(
                (
                    f"{iso}: {employee} is on approved leave {leave} that day (HR-18)",
                    {"work_date": iso, "employee": employee, "reason": "on_leave", "leave_id": leave},
                )
            )


def publish_weekend(
    state: DutyState,
    cmd: PublishWeekendCsRota,
    policy: DutyPolicy,
    customer_service: frozenset[str],
    on_leave: Mapping[tuple[str, dt.date], str],
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """DUTY-2: `customer_service` = who holds a customer-service role; `on_leave`: (employee, date)
    → the approved leave covering that day."""
    roles.require(cmd.actor, "PublishWeekendCsRota")
    sunday = cmd.saturday + dt.timedelta(days=1)
    found: list[tuple[str, dict[str, object]]] = []
    for day, staff in ((cmd.saturday, cmd.saturday_staff), (sunday, cmd.sunday_staff)):
        if not staff and policy.weekend_cs_cover != ALL_ON_POST:
            found.append(
                (
                    f"{day.isoformat()}: nobody on duty; the weekend rota covers customer service (C4 003)",
                    {"work_date": day.isoformat(), "reason": "nobody"},
                )
            )
        _check_staff(day, staff, customer_service, on_leave, found)
    _refuse(f"the weekend rota of {cmd.saturday} is not published", found)
    return [
        WeekendCsRotaPublished(
            saturday=cmd.saturday,
            revision=state.revision + 1,
            saturday_staff=cmd.saturday_staff,
            sunday_staff=cmd.sunday_staff,
            cover=policy.weekend_cs_cover,
            published_by=cmd.actor.id,
        )
    ]


def designate_manager(
    state: DutyState,
    cmd: DesignateDutyManager,
    customer_service: frozenset[str],
    on_leave: Mapping[tuple[str, dt.date], str],
    *,
    roles: CommandRoles,
) -> list[EventData]:
    """DUTY-3: the manager must be customer-service staff and not on approved leave on a date
    of the range. The same designation again appends nothing."""
    roles.require(cmd.actor, "DesignateDutyManager")
    if state.revision:
        return []
    found: list[tuple[str, dict[str, object]]] = []
    days = [cmd.start_date + dt.timedelta(days=i) for i in range((cmd.end_date - cmd.start_date).days + 1)]
    if cmd.manager_id not in customer_service:
        found.append((f"{cmd.manager_id} holds no customer-service role (HR_CUSTOMER_SERVICE_ROLES)", {}))
    for day in days:
        if (leave := on_leave.get((cmd.manager_id, day))) is not None:
            found.append((f"{day}: on approved leave {leave} (HR-18)", {"work_date": day.isoformat()}))
    if found:
        message = "; ".join(text for text, _ in found)
        raise RuleViolated(
            f"{cmd.manager_id} is not designated duty manager: {message}",
            "DUTY-3",
            [{"rule": "DUTY-3", **d} for _, d in found],
        )
    return [
        DutyManagerDesignated(
            designation_id=cmd.designation_id,
            manager_id=cmd.manager_id,
            start_date=cmd.start_date,
            end_date=cmd.end_date,
            designated_by=cmd.actor.id,
        )
    ]


def assign_pair(state: DutyState, day: RotaDay, rota_id: str, policy: DutyPolicy) -> list[EventData]:
    """DUTY-4: the rota day's duty pair; unchanged → nothing (replays and republished rotas)."""
    if state.pair == (day.main, day.assistant):
        return []
    return [
        DutyPairAssigned(
            work_date=day.work_date,
            main=day.main,
            assistant=day.assistant,
            rota_id=rota_id,
            from_time=policy.duty_pair_from,
            until=policy.duty_pair_until,
        )
    ]


def activate_hotline(
    state: DutyState, night: dt.date, at: dt.datetime, manager: str | None, escalate_to: str
) -> list[EventData]:
    """DUTY-3: online hours ended; once per night."""
    if state.activated:
        return []
    return [
        HotlineForwardingActivated(
            work_date=night, at=at, forwarded_to=manager, escalate_to=None if manager else escalate_to
        )
    ]


def deactivate_hotline(state: DutyState, night: dt.date, at: dt.datetime) -> list[EventData]:
    """AS-22: online hours began the morning after `night`; once per night."""
    if state.deactivated:
        return []
    return [HotlineForwardingDeactivated(work_date=night, at=at)]


registry = EventRegistry(
    [
        WeekendCsRotaPublished,
        DutyManagerDesignated,
        DutyPairAssigned,
        HotlineForwardingActivated,
        HotlineForwardingDeactivated,
    ]
)
DUTY_ROTA = AggregateType.of(HR_DUTY_ROTA, registry, DutyState, evolve)
