"""Command handlers of the duty rota (DUTY-1..DUTY-4, AS-22, C3, C4).

Publishing the weekend rota and designating a duty manager read who holds a customer-service role
(identity's role events, DUTY-2) and each named employee's attendance days for approved leave
(HR-18). A published rota gives each day's duty pair (DUTY-4, reaction; `Cause.of_event` per day,
so a redelivered RotaPublished appends nothing). The hotline deadlines (DUTY-3) fire with a cause
key from the deadline id, and each night's stream records each edge once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable

import structlog

from hr.time.application.handlers import AttendanceCommands
from hr.time.domain import duty
from hr.time.domain.duty import DUTY_ROTA, DutyPolicy
from jetstream_es.commands import Cause, CommandResult, cause_of
from jetstream_es.deadlines import Deadline
from jetstream_es.projection import Decoded, Reaction
from jetstream_es.service import ServiceRuntime
from shop_contracts.aggregates import HR_ROTA
from shop_contracts.commands.hr_time import DesignateDutyManager, PublishWeekendCsRota
from shop_contracts.duty import DutyBook
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.hr_time import RotaDay, RotaPublished
from shop_contracts.messages import EventData

log = structlog.get_logger(__name__)


class DutyCommands:
    def __init__(
        self,
        runtime: ServiceRuntime,
        hr: AttendanceCommands,
        policy: DutyPolicy,
        staff: Callable[[], Awaitable[frozenset[str]]],
        book: Callable[[dt.date, dt.date], Awaitable[DutyBook]],
    ) -> None:
        self.hr, self.policy = hr, policy
        self.duty = runtime.aggregates(DUTY_ROTA)
        self._staff, self._book = staff, book

    async def customer_service(self) -> frozenset[str]:
        return await self._staff()

    async def on_leave(
        self, employees: Iterable[str], days: Iterable[dt.date]
    ) -> dict[tuple[str, dt.date], str]:
        """(employee, date) → an approved leave covering it, from the attendance days (HR-18)."""
        found: dict[tuple[str, dt.date], str] = {}
        days = list(days)
        for employee in set(employees):
            for day in days:
                state = await self.hr.day_state(employee, day)
                approved = sorted(leave for leave, note in state.leaves.items() if note.approved)
                if approved:
                    found[(employee, day)] = approved[0]
        return found

    async def publish_weekend(self, cmd: PublishWeekendCsRota) -> CommandResult:
        sunday = cmd.saturday + dt.timedelta(days=1)
        staff = await self.customer_service()
        leave = {
            **await self.on_leave(cmd.saturday_staff, [cmd.saturday]),
            **await self.on_leave(cmd.sunday_staff, [sunday]),
        }
        return await self.duty.execute(
            duty.weekend_id(cmd.saturday),
            cause_of(cmd),
            lambda s, _: duty.publish_weekend(s, cmd, self.policy, staff, leave, roles=self.hr.policy.roles),
            must_exist=False,
        )

    async def designate_manager(self, cmd: DesignateDutyManager) -> CommandResult:
        days = [
            cmd.start_date + dt.timedelta(days=i) for i in range((cmd.end_date - cmd.start_date).days + 1)
        ]
        staff = await self.customer_service()
        leave = await self.on_leave([cmd.manager_id], days)
        return await self.duty.execute(
            duty.manager_id(cmd.designation_id),
            cause_of(cmd),
            lambda s, _: duty.designate_manager(s, cmd, staff, leave, roles=self.hr.policy.roles),
            must_exist=False,
        )

    async def assign_pairs(self, published: RotaPublished, cause: Cause) -> int:
        appended = 0
        for day in published.days:
            result = await self.duty.execute(
                duty.pair_id(day.work_date), cause, self._pair(day, published.rota_id), must_exist=False
            )
            appended += len(result.event_ids)
        return appended

    def _pair(self, day: RotaDay, rota_id: str) -> Callable[[duty.DutyState, dt.datetime], list[EventData]]:
        return lambda s, _: duty.assign_pair(s, day, rota_id, self.policy)

    async def hotline(self, deadline: Deadline) -> None:
        key = f"deadline/{deadline.id}"
        cause = Cause(key=key, actor=SYSTEM_ACTOR, correlation_id=key, causation_id=key)
        night = dt.date.fromisoformat(str(deadline.payload["night"]))
        at = deadline.due_at
        manager: str | None = None
        if deadline.kind == "hotline_on":
            manager = (await self._book(night, night)).manager_on(night)
        escalate, on = self.policy.duty_escalation_role, deadline.kind == "hotline_on"

        def decide(s: duty.DutyState, _: dt.datetime) -> list[EventData]:
            if on:
                return duty.activate_hotline(s, night, at, manager, escalate)
            return duty.deactivate_hotline(s, night, at)

        await self.duty.execute(duty.hotline_id(night), cause, decide, must_exist=False)


class DutyPairReaction(Reaction):
    """Each published rota day's duty pair onto the duty rota (DUTY-4, HR-1)."""

    name = "hr_duty_pairs"
    sources = (HR_ROTA,)
    models = (RotaPublished,)
    handles = frozenset({RotaPublished.event_type})

    def __init__(self, commands: DutyCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        if not isinstance(item.data, RotaPublished):
            return
        cause = Cause.of_event(self.name, item.event.envelope, SYSTEM_ACTOR)
        appended = await self.commands.assign_pairs(item.data, cause)
        log.info("duty_pairs_assigned", rota_id=item.data.rota_id, events=appended)
