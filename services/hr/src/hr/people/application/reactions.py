"""The people context's reactions: the safety gate (DIS-13) reads every ShiftAssigned of the time
context's AttendanceDay and flags a working shift given to an onboarded employee who has not passed
the safety exam; the KPI intake (issue 19, KPI-2..KPI-5, HR-41, SM-PAY) takes the KPI service's
performance pay and commission as the payroll period's inputs."""

from __future__ import annotations

from hr.people.application.handlers import PeopleCommands
from hr.people.application.payroll import PayrollCommands
from jetstream_es.commands import Cause
from jetstream_es.projection import Decoded, Reaction
from shop_contracts.aggregates import HR_ATTENDANCE_DAY, KPI_MONTH_PAY
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.hr_attendance import ShiftAssigned
from shop_contracts.events.kpi import CommissionCalculated, PerformancePayCalculated


class SafetyGateReaction(Reaction):
    """DIS-13: a working shift for an onboarded employee without a passed safety exam is flagged
    (RosteredBeforeSafetyTraining), once per date; a redelivered event appends nothing."""

    name = "hr_safety_gate"
    sources = (HR_ATTENDANCE_DAY,)
    models = (ShiftAssigned,)
    handles = frozenset({ShiftAssigned.event_type})

    def __init__(self, commands: PeopleCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        if isinstance(item.data, ShiftAssigned):
            cause = Cause.of_event(self.name, item.event.envelope, SYSTEM_ACTOR)
            await self.commands.note_shift(item.data, cause)


class KpiPayIntake(Reaction):
    """KPI-2..KPI-5, HR-41: every PerformancePayCalculated and CommissionCalculated of the KPI
    service's MonthPay is recorded as its month's payroll input (KpiPayInputRecorded), or, for a
    closed period, as an adjustment in the next one (SM-PAY); a redelivered event appends nothing."""

    name = "hr_kpi_intake"
    sources = (KPI_MONTH_PAY,)
    models = (PerformancePayCalculated, CommissionCalculated)
    handles = frozenset(m.event_type for m in models)

    def __init__(self, commands: PayrollCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        if isinstance(item.data, PerformancePayCalculated | CommissionCalculated):
            envelope = item.event.envelope
            cause = Cause.of_event(self.name, envelope, SYSTEM_ACTOR)
            await self.commands.take_kpi(item.data, envelope.event_id, cause)
