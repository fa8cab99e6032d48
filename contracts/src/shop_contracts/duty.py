"""Who covers customer service and the department at an instant, from HR's duty events
(DUTY-1..DUTY-4, AS-22, C3, C4). One pure reading of the wire events, so HR's `WhoIsOnDuty` and
the routing of orders' and after-sales' out-of-hours deadlines (DUTY-1) answer alike; each service
feeds it the events it has projected (services never import each other).

The channels stay apart (C3):
- customer service within the online hours (AS-22, 08:50-18:10 by default) is the online desk;
  on Saturday and Sunday under C4 `003` it is the weekend rota (DUTY-2); under `000` all staff are
  on post and the weekend is like a weekday;
- outside online hours the 400 hotline is forwarded to the duty customer-service manager
  designated for that night (DUTY-3); a night runs from the end of online hours on a date to their
  start the next morning;
- the department duty pair, main and assistant shift, is on post to 22:00 every day (DUTY-4,
  HR-1..HR-4).
Nobody on duty: the cover says so and names the escalation role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shop_contracts.events.hr_duty import DutyManagerDesignated, DutyPairAssigned, WeekendCsRotaPublished
from shop_contracts.messages import ROLE_ID_PATTERN, EventData

WEEKEND_ROTA_ONLY: Final = "003"
"""C4 (003): on Saturday and Sunday only the weekend rota covers customer service (DUTY-2)."""
ALL_ON_POST: Final = "000"
"""C4 (000): all staff on post Monday to Sunday (HR-1); the weekend is like a weekday."""


class Basis(StrEnum):
    """Why someone covers (or nobody does) at an instant."""

    ONLINE = "online"
    WEEKEND_ROTA = "weekend_rota"
    DUTY_MANAGER = "duty_manager"
    DUTY_PAIR = "duty_pair"
    NOBODY = "nobody"


class OnlineHours(BaseModel):
    """AS-22: online customer service is staffed 08:50-18:10 (003); outside them DUTY-3 applies.
    `weekend_cover` is conflict C4: `003` weekend rota only (default) or `000` all staff on post."""

    model_config = ConfigDict(frozen=True)

    online_hours_start: dt.time = Field(
        dt.time(8, 50), description="AS-22, DUTY-3: online customer service starts (business time)"
    )
    online_hours_end: dt.time = Field(
        dt.time(18, 10), description="AS-22, DUTY-3: online customer service ends (business time)"
    )
    weekend_cs_cover: str = Field(
        WEEKEND_ROTA_ONLY,
        pattern=r"^(003|000)$",
        description="C4, DUTY-2: 003 = weekends covered by the weekend rota only; 000 = all staff on post",
    )
    duty_escalation_role: str = Field(
        "cs_supervisor",
        pattern=ROLE_ID_PATTERN,
        description="DUTY-1, AS-19: the role an out-of-hours deadline goes to when nobody is on duty",
    )

    @model_validator(mode="after")
    def _ordered(self) -> OnlineHours:
        if self.online_hours_end <= self.online_hours_start:
            raise ValueError("online_hours_end: online hours must end after they start (AS-22)")
        return self

    @property
    def label(self) -> str:
        return f"{self.online_hours_start:%H:%M}-{self.online_hours_end:%H:%M}"

    def within(self, local: dt.time) -> bool:
        return self.online_hours_start <= local < self.online_hours_end


@dataclass(frozen=True)
class Cover:
    """Who covers a channel at an instant and why (`reason` cites the rule)."""

    channel: str
    basis: Basis
    on_duty: tuple[str, ...]
    reason: str
    escalate_to: str | None = None

    @property
    def assigned_to(self) -> str | None:
        return self.on_duty[0] if self.on_duty else None

    @property
    def routed(self) -> bool:
        """True outside the online desk: a deadline falling now goes to `assigned_to` (DUTY-1)."""
        return self.basis is not Basis.ONLINE

    def as_dict(self) -> dict[str, object]:
        return {
            "channel": self.channel,
            "basis": self.basis.value,
            "on_duty": list(self.on_duty),
            "assigned_to": self.assigned_to,
            "reason": self.reason,
            "escalate_to": self.escalate_to,
        }


@dataclass
class DutyBook:
    """The duty events seen so far; later events replace earlier ones for what they cover."""

    hours: OnlineHours = field(default_factory=OnlineHours)
    business_tz: str = "Asia/Shanghai"
    weekends: dict[dt.date, WeekendCsRotaPublished] = field(default_factory=dict)
    managers: list[DutyManagerDesignated] = field(default_factory=list)
    pairs: dict[dt.date, DutyPairAssigned] = field(default_factory=dict)

    def add(self, event: EventData) -> None:
        match event:
            case WeekendCsRotaPublished():
                self.weekends[event.saturday] = event
            case DutyManagerDesignated():
                self.managers = [m for m in self.managers if m.designation_id != event.designation_id]
                self.managers.append(event)
            case DutyPairAssigned():
                self.pairs[event.work_date] = event

    def local(self, at: dt.datetime) -> dt.datetime:
        return at.astimezone(ZoneInfo(self.business_tz))

    def manager_on(self, night: dt.date) -> str | None:
        """The duty manager of the night starting on `night` (the latest designation covering it)."""
        found = [m for m in self.managers if m.start_date <= night <= m.end_date]
        return found[-1].manager_id if found else None

    def weekend_staff(self, day: dt.date) -> tuple[str, tuple[str, ...]] | None:
        """(C4 cover in force, staff) of the weekend rota published for `day`, if any."""
        saturday = day - dt.timedelta(days=day.weekday() - 5)
        rota = self.weekends.get(saturday)
        if rota is None:
            return None
        return rota.cover, rota.saturday_staff if day.weekday() == 5 else rota.sunday_staff

    def customer_service(self, at: dt.datetime) -> Cover:
        local, hours, escalate = self.local(at), self.hours, self.hours.duty_escalation_role
        day, label = local.date(), hours.label
        if hours.within(local.time()):
            weekend = self.weekend_staff(day) if day.weekday() >= 5 else None
            cover = weekend[0] if weekend else hours.weekend_cs_cover
            if day.weekday() < 5 or cover == ALL_ON_POST:
                why = "all staff on post (C4 000)" if day.weekday() >= 5 else "weekday"
                return Cover(
                    "customer_service", Basis.ONLINE, (), f"within online hours {label}, {why} (AS-22)"
                )
            staff = weekend[1] if weekend else ()
            if staff:
                return Cover(
                    "customer_service",
                    Basis.WEEKEND_ROTA,
                    staff,
                    f"weekend rota, {day:%A} {day} (DUTY-2, C4 003)",
                )
            return Cover(
                "customer_service",
                Basis.NOBODY,
                (),
                f"weekend {day:%A} {day}: nobody on the weekend rota (DUTY-2, C4 003); "
                f"escalated to {escalate} (DUTY-1)",
                escalate,
            )
        night = day if local.time() >= hours.online_hours_end else day - dt.timedelta(days=1)
        manager = self.manager_on(night)
        if manager is not None:
            return Cover(
                "customer_service",
                Basis.DUTY_MANAGER,
                (manager,),
                f"outside online hours {label}, hotline forwarded to the duty customer-service "
                f"manager of the night of {night} (DUTY-3, AS-22)",
            )
        return Cover(
            "customer_service",
            Basis.NOBODY,
            (),
            f"outside online hours {label}: no duty customer-service manager for the night of "
            f"{night} (DUTY-3); escalated to {escalate} (DUTY-1)",
            escalate,
        )

    def department(self, at: dt.datetime) -> Cover:
        local = self.local(at)
        pair = self.pairs.get(local.date())
        if pair is None:
            return Cover(
                "department",
                Basis.NOBODY,
                (),
                f"no duty pair published for {local.date()} (DUTY-4, HR-1)",
                self.hours.duty_escalation_role,
            )
        span = f"{pair.from_time:%H:%M}-{pair.until:%H:%M}"
        if pair.from_time <= local.time() < pair.until:
            return Cover(
                "department",
                Basis.DUTY_PAIR,
                (pair.main, pair.assistant),
                f"duty pair of {local.date()}, main and assistant shift {span} (DUTY-4, HR-1, HR-3, HR-4)",
            )
        return Cover(
            "department",
            Basis.NOBODY,
            (),
            f"outside the duty pair's hours {span} of {local.date()} (DUTY-4)",
            self.hours.duty_escalation_role,
        )
