"""Command handlers for working time: publishing a rota and assigning its shifts to the attendance
days (HR-1..HR-6, C4), overtime (HR-30, HR-32) and comp time (HR-31).

Publishing reads who had the main shift on the day before the period (their AttendanceDay), so a
rota starting the day after a main shift gives that employee the rest day (HR-3). Overtime worked
reads the day's shift: a rest day (assigned, or a C4 rest weekday without an assignment) earns comp
time. Filing comp time credits the employee's account; filing again appends nothing but makes sure
the credit is there.
"""

from __future__ import annotations

import datetime as dt

from hr.time.application.handlers import AttendanceCommands
from hr.time.domain import attendance, overtime, rota
from hr.time.domain.attendance_state import day_id
from hr.time.domain.overtime import OvertimeState
from jetstream_es.commands import Cause, CommandResult, cause_of
from jetstream_es.errors import RuleViolated
from shop_contracts.commands.hr_time import (
    AssignOvertime,
    FileCompTime,
    PublishRota,
    RecordOvertimeRefusal,
    RecordOvertimeWorked,
)
from shop_contracts.events.hr_attendance import ShiftKind
from shop_contracts.events.hr_time import CompTimeFiled, RotaPublished


class RotaCommands:
    def __init__(self, hr: AttendanceCommands) -> None:
        self.hr = hr

    async def publish_rota(self, cmd: PublishRota) -> CommandResult:
        untrained = [
            problem
            for employee in cmd.employees
            for problem in await self.hr.untrained_on(
                employee, [day.work_date for day in cmd.days if employee not in day.rest]
            )
        ]
        if untrained:
            raise RuleViolated(
                "no working shift off the register or before the safety exam (DIS-13): "
                + "; ".join(sorted(set(untrained))),
                "DIS-13",
            )
        before = cmd.period_start - dt.timedelta(days=1)
        mains = frozenset(
            [e for e in cmd.employees if (await self.hr.day_state(e, before)).shift is ShiftKind.MAIN]
        )
        policy = self.hr.policy.attendance
        return await self.hr.rotas.execute(
            cmd.rota_id,
            cause_of(cmd),
            lambda s, _: rota.publish(s, cmd, policy, mains, roles=self.hr.policy.roles),
            must_exist=False,
        )

    async def assign_rota_shifts(self, published: RotaPublished, cause: Cause) -> int:
        """Each employee's shift of each rota day onto the attendance day (SM-DAY input)."""
        appended = 0
        for day in published.days:
            for employee, shift in rota.shifts_of(day):
                result = await self._assign_from_rota(published, employee, day.work_date, shift, cause)
                appended += len(result.event_ids)
        return appended

    async def _assign_from_rota(
        self, published: RotaPublished, employee: str, work_date: dt.date, shift: ShiftKind, cause: Cause
    ) -> CommandResult:
        policy, tz = self.hr.policy.attendance, self.hr.policy.business_tz
        return await self.hr.days.execute(
            day_id(employee, work_date),
            cause,
            lambda s, _: attendance.assign_from_rota(
                s,
                employee_id=employee,
                work_date=work_date,
                shift=shift,
                schedule=published.schedule,
                rota_id=published.rota_id,
                published_by=published.published_by,
                policy=policy,
                business_tz=tz,
            ),
            must_exist=False,
        )

    async def assign_overtime(self, cmd: AssignOvertime) -> CommandResult:
        work_date = self.hr.policy.today(cmd.start_at)
        return await self.hr.overtime.execute(
            cmd.overtime_id,
            cause_of(cmd),
            lambda s, _: overtime.assign(s, cmd, work_date, roles=self.hr.policy.roles),
            must_exist=False,
        )

    async def refuse_overtime(self, cmd: RecordOvertimeRefusal) -> CommandResult:
        return await self.hr.overtime.execute(
            cmd.overtime_id,
            cause_of(cmd),
            lambda s, _: overtime.refuse(s, cmd, roles=self.hr.policy.roles),
            must_exist=False,
        )

    async def _overtime(self, overtime_id: str) -> OvertimeState:
        return await self.hr.overtime.state(overtime_id)

    async def overtime_worked(self, cmd: RecordOvertimeWorked) -> CommandResult:
        work_date = self.hr.policy.today(cmd.started_at)
        ordered = await self._overtime(cmd.overtime_id)
        rest_day = False
        if ordered.employee_id:
            day = await self.hr.day_state(ordered.employee_id, work_date)
            rest_weekday = day.shift is None and self.hr.policy.attendance.calendar.is_rest_weekday(work_date)
            rest_day = day.shift is ShiftKind.REST or rest_weekday
        policy, attested = self.hr.policy.overtime, self.hr.policy.attested
        return await self.hr.overtime.execute(
            cmd.overtime_id,
            cause_of(cmd),
            lambda s, now: overtime.worked(
                s, cmd, work_date, rest_day, policy, now, attested, roles=self.hr.policy.roles
            ),
            must_exist=False,
        )

    async def file_comp_time(self, cmd: FileCompTime) -> CommandResult:
        result = await self.hr.overtime.execute(
            cmd.overtime_id,
            cause_of(cmd),
            lambda s, _: overtime.file_comp_time(s, cmd, roles=self.hr.policy.roles),
            must_exist=False,
        )
        state = await self._overtime(cmd.overtime_id)
        if not state.filed:
            return result
        filed = CompTimeFiled(
            overtime_id=cmd.overtime_id,
            employee_id=state.employee_id,
            minutes=state.comp_minutes,
            filed_by=cmd.actor.id,
        )
        key = f"comp-time-filed/{cmd.overtime_id}"
        cause = Cause(key=key, actor=cmd.actor, correlation_id=cmd.correlation_id or key, causation_id=key)
        await self.hr.comp_time.execute(
            state.employee_id, cause, lambda s, _: overtime.credit(s, filed), must_exist=False
        )
        return result
