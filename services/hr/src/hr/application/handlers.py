"""Command handlers: load the aggregate, let the domain decide, append (SM-ABS, SM-LEAVE, SM-DAY;
HR-7, HR-12, HR-16, HR-18..HR-26).

Counting an absence on the ladder (HR-16) reads the neighbouring ladder years' absence dates, so
two consecutive days across 31 December and 1 January reach the dismissal threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from hr.domain import attendance, ladder, leave
from hr.domain.attendance import ATTENDANCE_DAY, day_id
from hr.domain.ladder import ABSENCE_RECORD, AbsenceRecordState, record_id
from hr.domain.leave_state import LEAVE_REQUEST
from hr.domain.policy import HrPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.clock import Clock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.repository import Repository
from jetstream_es.store import EventStore
from shop_contracts.commands.hr import (
    ApproveLeave,
    AttachMedicalCertificate,
    DeclineDismissal,
    DismissEmployee,
    ExtendLeave,
    FileLeave,
    RecordAbsence,
    RejectLeave,
    SubmitLeave,
)
from shop_contracts.events.hr import AbsenceRecorded
from shop_contracts.messages import Command, EventData

S = TypeVar("S")


class HrCommands:
    """Every way the HR aggregates are changed, by people (commands) or by the system."""

    def __init__(
        self,
        handler: CommandHandler,
        store: Callable[[], EventStore],
        policy: HrPolicy,
        cache_size: int = 10_000,
    ) -> None:
        self.handler = handler
        self.policy = policy
        self._store = store
        self._cache_size = cache_size
        self._repos: dict[str, Repository[Any]] = {}

    @property
    def clock(self) -> Clock:
        return self.handler.clock

    def repo(self, aggregate: AggregateType[S]) -> Repository[S]:
        """Created on first use: the store exists only once the service has started."""
        if aggregate.name not in self._repos:
            self._repos[aggregate.name] = Repository(self._store(), aggregate, cache_size=self._cache_size)
        repo: Repository[S] = self._repos[aggregate.name]
        return repo

    def today(self) -> dt.date:
        return self.policy.today(self.clock.now())

    async def execute(
        self,
        aggregate: AggregateType[S],
        aggregate_id: str,
        cause: Cause,
        decide: Callable[[S], Sequence[EventData]],
        *,
        must_exist: bool = False,
    ) -> CommandResult:
        return await self.handler.execute(
            self.repo(aggregate), aggregate_id, cause, decide, must_exist=must_exist
        )

    async def _command(
        self,
        cmd: Command,
        aggregate: AggregateType[S],
        aggregate_id: str,
        decide: Callable[[S], Sequence[EventData]],
    ) -> CommandResult:
        cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
        return await self.execute(aggregate, aggregate_id, cause, decide)

    # the absence ladder (HR-12, HR-16)

    async def record_absence(self, cmd: RecordAbsence) -> CommandResult:
        key = day_id(cmd.employee_id, cmd.work_date)
        return await self._command(cmd, ATTENDANCE_DAY, key, lambda s: attendance.record_absence(s, cmd))

    async def _ladder_dates(self, employee_id: str, year: int) -> frozenset[dt.date]:
        loaded = await self.repo(ABSENCE_RECORD).load(record_id(employee_id, year))
        state: AbsenceRecordState = loaded.state
        return frozenset(state.dates)

    async def count_absence(self, absence: AbsenceRecorded, cause: Cause) -> CommandResult:
        year = self.policy.ladder.year_of(absence.work_date)
        employee = absence.employee_id
        neighbours = await self._ladder_dates(employee, year - 1) | await self._ladder_dates(
            employee, year + 1
        )
        return await self.execute(
            ABSENCE_RECORD,
            record_id(employee, year),
            cause,
            lambda s: ladder.count_absence(s, absence, neighbours, self.policy.ladder),
        )

    async def dismiss(self, cmd: DismissEmployee) -> CommandResult:
        key = record_id(cmd.employee_id, cmd.year)
        return await self._command(cmd, ABSENCE_RECORD, key, lambda s: ladder.dismiss(s, cmd))

    async def decline_dismissal(self, cmd: DeclineDismissal) -> CommandResult:
        key = record_id(cmd.employee_id, cmd.year)
        return await self._command(cmd, ABSENCE_RECORD, key, lambda s: ladder.decline(s, cmd))

    # leave (HR-18..HR-26)

    async def submit_leave(self, cmd: SubmitLeave) -> CommandResult:
        return await self._command(
            cmd,
            LEAVE_REQUEST,
            cmd.leave_id,
            lambda s: leave.submit(s, cmd, self.policy.leave, self.clock.now(), self.today()),
        )

    async def attach_certificate(self, cmd: AttachMedicalCertificate) -> CommandResult:
        return await self._command(
            cmd, LEAVE_REQUEST, cmd.leave_id, lambda s: leave.attach_certificate(s, cmd)
        )

    async def approve_leave(self, cmd: ApproveLeave) -> CommandResult:
        return await self._command(cmd, LEAVE_REQUEST, cmd.leave_id, lambda s: leave.approve(s, cmd))

    async def reject_leave(self, cmd: RejectLeave) -> CommandResult:
        return await self._command(cmd, LEAVE_REQUEST, cmd.leave_id, lambda s: leave.reject(s, cmd))

    async def file_leave(self, cmd: FileLeave) -> CommandResult:
        return await self._command(cmd, LEAVE_REQUEST, cmd.leave_id, lambda s: leave.file(s, cmd))

    async def extend_leave(self, cmd: ExtendLeave) -> CommandResult:
        return await self._command(
            cmd,
            LEAVE_REQUEST,
            cmd.leave_id,
            lambda s: leave.extend(s, cmd, self.policy.leave, self.today()),
        )
