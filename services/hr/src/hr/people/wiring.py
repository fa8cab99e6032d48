"""Wires HR part 2 onto the runtime: employees, discipline and payroll commands (HR-33..HR-42,
DIS-1..DIS-15; SM-DISC, SM-PAY), the people and payroll read models, the safety-gate reaction
(DIS-13), the per-employee data keys (HR's key stream, decision 0006), and the Employee,
ListEmployees (names for HR only, HR-38), DisciplineRecord, ActivityFund, Payslip and PayrollPeriod queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hr.people.adapters import payroll_views
from hr.people.adapters import views as people_views
from hr.people.adapters.key_stream import StreamKeys
from hr.people.adapters.keys import EmployeeKeys
from hr.people.adapters.payroll_views import PayrollViews
from hr.people.adapters.views import PeopleViews
from hr.people.application.handlers import PeopleCommands
from hr.people.application.payroll import PayrollCommands
from hr.people.application.reactions import KpiPayIntake, SafetyGateReaction
from hr.people.domain.payroll import PeriodFacts
from hr.people.domain.policy import PeoplePolicies
from jetstream_es.errors import Forbidden, NotFound
from jetstream_es.identity import current_actor, require_own_or
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands.hr_people import (
    AppealPenalty,
    CalculatePayroll,
    ClosePayrollPeriod,
    CompleteHandover,
    DecideAppeal,
    DecideDisciplinaryDismissal,
    DemoteEmployee,
    EraseEmployeePersonalData,
    OffboardEmployee,
    OnboardEmployee,
    PaySalaries,
    RecordOffence,
    RecordPayrollAdjustment,
    RecordSafetyTrainingResult,
    SubmitResignation,
    SuspendEmployee,
)
from shop_contracts.queries.hr import HR_DEPT, SUPERVISORS
from shop_contracts.queries.hr_people import (
    ActivityFund,
    DisciplineRecord,
    Employee,
    ListEmployees,
    PayrollPeriod,
    Payslip,
)

WITHHELD = "withheld"
"""What the employee's line reads instead of the personal part (HR-38: HR's and the employee's own)."""


class PeopleService:
    """The people context's parts, kept so queries and tests find the live projection tables."""

    def __init__(
        self,
        runtime: ServiceRuntime,
        policies: PeoplePolicies,
        business_tz: str,
        unpaid_leave_types: frozenset[str],
        keys: EmployeeKeys | None = None,
    ) -> None:
        """`unpaid_leave_types`: the time context's (HR-19), which payroll deducts; `keys`: the
        employees' data keys, HR's key stream (decision 0006) unless given (tests)."""
        self.runtime = runtime
        self.keys = keys or EmployeeKeys(StreamKeys(lambda: runtime.nc, runtime.clock, legacy=runtime.engine))
        self.people = PeopleCommands(runtime, policies, self.keys, business_tz)
        self.payroll = PayrollCommands(runtime, policies.payroll, unpaid_leave_types, self.facts, business_tz)
        self.people_views = PeopleViews()
        self.payroll_views = PayrollViews()

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    async def facts(self, period: str) -> Sequence[PeriodFacts]:
        """The period's facts once the payroll read model has applied everything stored so far."""
        await self.runtime.runner(self.payroll_views.name).wait_caught_up(within=30.0)
        return await payroll_views.period_facts(self.runtime.engine, self.tables(self.payroll_views), period)

    def wire(self) -> None:
        rt, people, payroll = self.runtime, self.people, self.payroll
        rt.command(OnboardEmployee, people.onboard)
        rt.command(RecordSafetyTrainingResult, people.record_training)
        rt.command(SubmitResignation, people.resign)
        rt.command(CompleteHandover, people.hand_over)
        rt.command(OffboardEmployee, people.offboard)
        rt.command(EraseEmployeePersonalData, people.erase)
        rt.command(RecordOffence, people.record_offence)
        rt.command(DecideDisciplinaryDismissal, people.decide_dismissal)
        rt.command(AppealPenalty, people.appeal)
        rt.command(DecideAppeal, people.decide_appeal)
        rt.command(DemoteEmployee, people.demote)
        rt.command(SuspendEmployee, people.suspend)
        rt.command(CalculatePayroll, payroll.calculate)
        rt.command(ClosePayrollPeriod, payroll.close)
        rt.command(PaySalaries, payroll.pay)
        rt.command(RecordPayrollAdjustment, payroll.adjust)
        projections: tuple[Projection, ...] = (
            self.people_views,
            self.payroll_views,
            SafetyGateReaction(people),
            KpiPayIntake(payroll),
        )
        for projection in projections:
            rt.projection(projection)
        rt.query(Employee, self.employee)
        rt.query(ListEmployees, self.list_employees)
        rt.query(DisciplineRecord, self.discipline_record)
        rt.query(ActivityFund, self.activity_fund)
        rt.query(Payslip, self.payslip)
        rt.query(PayrollPeriod, self.payroll_period)

    async def employee(self, query: Employee) -> dict[str, Any]:
        """HR and the employee read the whole record; the employee's line reads it without the
        personal part (HR-38); anyone else is refused before anything is read or decrypted."""
        reader = current_actor()
        whole = reader.id == query.employee_id or reader.has_any(HR_DEPT)
        line = [role for role in SUPERVISORS if role != HR_DEPT]
        if not whole and not reader.has_any(*line):
            raise Forbidden(
                f"employee {query.employee_id}'s record is for HR, the employee and their line "
                f"({', '.join(line)}); {reader.id} is none of them",
                "HR-38",
                details=[{"reason": "not_own_data", "roles": [HR_DEPT, *line]}],
            )
        view = await people_views.employee(
            self.runtime.engine, self.tables(self.people_views), self.keys, query
        )
        if view is None:
            raise NotFound(f"employee {query.employee_id} has not been onboarded")
        return view if whole else view | {"personal": WITHHELD}

    async def list_employees(self, query: ListEmployees) -> dict[str, Any]:
        """The query's readers (`read_roles`, HR_QUERY_ROLES) list the employees; only HR reads their
        names, anyone else the non-personal fields with `personal: withheld` (HR-38)."""
        names = current_actor().has_any(HR_DEPT)
        answer = await people_views.list_employees(
            self.runtime.engine, self.tables(self.people_views), self.keys, query, names=names
        )
        return answer if names else answer | {"personal": WITHHELD}

    async def discipline_record(self, query: DisciplineRecord) -> dict[str, Any]:
        return await people_views.discipline_record(
            self.runtime.engine, self.tables(self.people_views), query
        )

    async def activity_fund(self, query: ActivityFund) -> dict[str, Any]:
        return await payroll_views.activity_fund(self.runtime.engine, self.tables(self.payroll_views), query)

    async def payslip(self, query: Payslip) -> dict[str, Any]:
        require_own_or(query.employee_id, (HR_DEPT,), what="the payslip", rule="HR-36")
        slip = await payroll_views.payslip(self.runtime.engine, self.tables(self.payroll_views), query)
        if slip is None:
            raise NotFound(f"no payslip of {query.employee_id} for {query.period}")
        return slip

    async def payroll_period(self, query: PayrollPeriod) -> dict[str, Any]:
        return await payroll_views.payroll_period(self.runtime.engine, self.tables(self.payroll_views), query)
