"""Command handlers for employees and discipline (HR-38, DIS-1..DIS-13; SM-DISC): load the
aggregate, let the domain decide, append. Personal data is sealed here, with the employee's own
data key, before it reaches the domain or the stream; erasure deletes that key after recording it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hr.people.adapters.keys import EmployeeKeys, seal
from hr.people.domain import discipline, employees
from hr.people.domain.discipline import DISCIPLINE_RECORD
from hr.people.domain.employees import EMPLOYEE
from hr.people.domain.policy import PeoplePolicies
from hr.time.domain.ladder import ABSENCE_RECORD
from jetstream_es.commands import Cause, CommandResult, cause_of
from jetstream_es.errors import DomainError
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands.hr_people import (
    AppealPenalty,
    CompleteHandover,
    DecideAppeal,
    DecideDisciplinaryDismissal,
    DemoteEmployee,
    EraseEmployeePersonalData,
    OffboardEmployee,
    OnboardEmployee,
    RecordOffence,
    RecordSafetyTrainingResult,
    SubmitResignation,
    SuspendEmployee,
)
from shop_contracts.events.hr_attendance import ShiftAssigned


class PeopleCommands:
    """Every way the people context's aggregates are changed; each through the runtime's
    `aggregates(KIND)` (decision 0007)."""

    def __init__(
        self, runtime: ServiceRuntime, policies: PeoplePolicies, keys: EmployeeKeys, business_tz: str
    ) -> None:
        self.clock = runtime.clock
        self.policies = policies
        self.keys = keys
        self.tz = ZoneInfo(business_tz)
        self.employees = runtime.aggregates(EMPLOYEE)
        self.records = runtime.aggregates(DISCIPLINE_RECORD)
        self.ladders = runtime.aggregates(ABSENCE_RECORD)
        """Read only (DIS-11: a confirmed ladder dismissal); the time context appends it."""

    def today(self) -> dt.date:
        return self.clock.now().astimezone(self.tz).date()

    # employees (HR-38, HR-39, DIS-6, DIS-7, DIS-12, DIS-13)

    async def onboard(self, cmd: OnboardEmployee) -> CommandResult:
        key = await self.keys.key_for_new(cmd.employee_id)
        sealed = seal(key, cmd.employee_id, cmd.personal.model_dump())
        policy = self.policies.people
        try:
            return await self.employees.execute(
                cmd.employee_id,
                cause_of(cmd),
                lambda s, _: employees.onboard(s, cmd, sealed, policy, roles=self.policies.roles),
                must_exist=False,
            )
        except DomainError:
            if not (await self.employees.repo.load(cmd.employee_id, refresh=True)).exists:
                await self.keys.erase(cmd.employee_id)  # refused: keep no key for nobody
            raise

    async def record_training(self, cmd: RecordSafetyTrainingResult) -> CommandResult:
        return await self.employees.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: employees.record_training(s, cmd, roles=self.policies.roles),
            must_exist=False,
        )

    async def resign(self, cmd: SubmitResignation) -> CommandResult:
        today, policy = self.today(), self.policies.people
        return await self.employees.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: employees.resign(s, cmd, today, policy),
            must_exist=False,
        )

    async def hand_over(self, cmd: CompleteHandover) -> CommandResult:
        today = self.today()
        return await self.employees.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: employees.hand_over(s, cmd, today, roles=self.policies.roles),
            must_exist=False,
        )

    async def demote(self, cmd: DemoteEmployee) -> CommandResult:
        employee = await self.employees.state(cmd.employee_id, fresh=True)
        grade = employee.grade.value if employee.onboarded and employee.grade is not None else None
        salaries = {g.value: amount for g, amount in self.policies.people.base_salaries.items()}
        return await self.records.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: discipline.demote(s, cmd, grade, salaries, roles=self.policies.roles),
            must_exist=False,
        )

    async def suspend(self, cmd: SuspendEmployee) -> CommandResult:
        return await self.records.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: discipline.suspend(s, cmd, roles=self.policies.roles),
            must_exist=False,
        )

    async def dismissal_basis(self, employee_id: str, reference: str | None) -> str | None:
        """DIS-11: what the dismissal's `reference` names among the employee's own records, if it
        justifies dismissal: a discipline case whose dismissal a manager confirmed (DIS-1, DIS-3), or
        an absence-ladder year (`<employee>_<year>`) whose dismissal was confirmed (HR-16)."""
        if not reference:
            return None
        cases = (await self.records.state(employee_id, fresh=True)).cases
        case = cases.get(reference)
        if case is not None and case.dismissal == "dismissed":
            return f"discipline case {reference} (item {case.item}, dismissal confirmed)"
        if reference.startswith(f"{employee_id}_"):
            ladder = await self.ladders.state(reference, fresh=True)
            if ladder.dismissed:
                return f"absence ladder {reference} (dismissal confirmed, HR-16)"
        return None

    async def offboard(self, cmd: OffboardEmployee) -> CommandResult:
        basis = await self.dismissal_basis(cmd.employee_id, cmd.reference)
        return await self.employees.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: employees.offboard(s, cmd, basis, roles=self.policies.roles),
            must_exist=False,
        )

    async def erase(self, cmd: EraseEmployeePersonalData) -> CommandResult:
        """Record the erasure, then delete the key (also when repeated: deleting twice is harmless)."""
        result = await self.employees.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: employees.erase(s, cmd, roles=self.policies.roles),
            must_exist=False,
        )
        await self.keys.erase(cmd.employee_id)
        return result

    async def note_shift(self, shift: ShiftAssigned, cause: Cause) -> CommandResult:
        return await self.employees.execute(
            shift.employee_id, cause, lambda s, _: employees.note_shift(s, shift), must_exist=False
        )

    # discipline (SM-DISC; DIS-1..DIS-11)

    async def record_offence(self, cmd: RecordOffence) -> CommandResult:
        today, policy = self.today(), self.policies.discipline
        return await self.records.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: discipline.record_offence(s, cmd, policy, today, roles=self.policies.roles),
            must_exist=False,
        )

    async def decide_dismissal(self, cmd: DecideDisciplinaryDismissal) -> CommandResult:
        today = self.today()
        return await self.records.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: discipline.decide_dismissal(s, cmd, today, roles=self.policies.roles),
            must_exist=False,
        )

    async def appeal(self, cmd: AppealPenalty) -> CommandResult:
        today, policy = self.today(), self.policies.discipline
        return await self.records.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: discipline.appeal(s, cmd, policy, today),
            must_exist=False,
        )

    async def decide_appeal(self, cmd: DecideAppeal) -> CommandResult:
        today = self.today()
        return await self.records.execute(
            cmd.employee_id,
            cause_of(cmd),
            lambda s, _: discipline.decide_appeal(s, cmd, today, roles=self.policies.roles),
            must_exist=False,
        )
