"""Wires the HR service onto the runtime: commands, queries, projections, the absence-ladder and
attendance-leave reactions and the end-of-day evaluation scheduler (SM-ABS, SM-LEAVE, SM-DAY;
HR-1..HR-26), and the duty rota with its hotline-forwarding scheduler (DUTY-1..DUTY-4, AS-22);
their durable consumers derive from the projections' sources (decision 0007).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hr.time.adapters import duty_views, queries
from hr.time.adapters.attendance_views import (
    AttendanceViews,
    attendance_day,
    attendance_month,
    department_attendance,
)
from hr.time.adapters.deadlines import AttendanceDeadlines
from hr.time.adapters.duty_views import CustomerServiceStaff, DutyViews, HotlineDeadlines
from hr.time.adapters.time_views import RotaViews, comp_time_balance, rota_days
from hr.time.adapters.views import LadderViews, LeaveViews
from hr.time.application.deadlines import EvaluationFirer
from hr.time.application.duty_handlers import DutyCommands, DutyPairReaction
from hr.time.application.handlers import AttendanceCommands
from hr.time.application.reactions import AbsenceLadderReaction, AttendanceLeaveReaction, RotaShiftsReaction
from hr.time.application.rota_handlers import RotaCommands
from hr.time.domain.attendance_state import day_id
from hr.time.domain.overtime import CompTimeState
from hr.time.domain.policy import TimePolicy
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.errors import Forbidden
from jetstream_es.identity import current_actor, require_own_or
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands.hr import (
    ApproveBusinessErrand,
    ApproveLeave,
    AssignShift,
    AttachMedicalCertificate,
    CorrectClockPunch,
    DeclineDismissal,
    DismissEmployee,
    EvaluateAttendanceDay,
    ExtendLeave,
    FileLeave,
    RecordAbsence,
    RecordClockIn,
    RecordClockOut,
    RecordMakeUpLeave,
    RecordOuting,
    RecordReassignmentRefusal,
    RejectLeave,
    SubmitLeave,
    WithdrawLeave,
)
from shop_contracts.commands.hr_time import (
    AssignOvertime,
    DesignateDutyManager,
    FileCompTime,
    PublishRota,
    PublishWeekendCsRota,
    RecordOvertimeRefusal,
    RecordOvertimeWorked,
)
from shop_contracts.duty import DutyBook
from shop_contracts.queries.hr import (
    HR_DEPT,
    AbsenceLadder,
    AttendanceDay,
    AttendanceMonth,
    DepartmentAttendance,
    LeaveRequests,
)
from shop_contracts.queries.hr_time import CompTimeBalance, DutyRota, Rota, WhoIsOnDuty

NAME = "hr"


class TimeService:
    """The running service's parts, kept so queries and tests find the live projection tables."""

    def __init__(self, runtime: ServiceRuntime, policy: TimePolicy) -> None:
        self.runtime = runtime
        self.commands = AttendanceCommands(runtime, policy)
        self.ladder_views = LadderViews()
        self.leave_views = LeaveViews()
        self.attendance_views = AttendanceViews()
        self.time = RotaCommands(self.commands)
        self.rota_views = RotaViews()
        self.deadlines = AttendanceDeadlines(policy.attendance)
        self.full_attendance_days = policy.attendance.full_attendance_days
        self.scheduler = DeadlineScheduler(
            runtime.engine,
            lambda: self.tables(self.deadlines)["deadlines"],
            runtime.clock,
            EvaluationFirer(self.commands),
        )
        self.policy = policy
        self.duty_views = DutyViews()
        self.cs_staff = CustomerServiceStaff(policy.duty)
        self.hotline_deadlines = HotlineDeadlines(policy.duty, policy.business_tz)
        self.duty = DutyCommands(runtime, self.commands, policy.duty, self.customer_service, self.duty_book)
        self.hotline_scheduler = DeadlineScheduler(
            runtime.engine,
            lambda: self.tables(self.hotline_deadlines)["deadlines"],
            runtime.clock,
            self.duty.hotline,
        )

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    def wire(self) -> None:
        rt, cmds = self.runtime, self.commands
        rt.command(RecordAbsence, cmds.record_absence)
        rt.command(DismissEmployee, cmds.dismiss)
        rt.command(DeclineDismissal, cmds.decline_dismissal)
        rt.command(SubmitLeave, cmds.submit_leave)
        rt.command(AttachMedicalCertificate, cmds.attach_certificate)
        rt.command(ApproveLeave, cmds.approve_leave)
        rt.command(RejectLeave, cmds.reject_leave)
        rt.command(FileLeave, cmds.file_leave)
        rt.command(ExtendLeave, cmds.extend_leave)
        rt.command(WithdrawLeave, cmds.withdraw_leave)
        rt.command(AssignShift, cmds.assign_shift)
        rt.command(RecordClockIn, cmds.clock_in)
        rt.command(RecordClockOut, cmds.clock_out)
        rt.command(CorrectClockPunch, cmds.correct_punch)
        rt.command(ApproveBusinessErrand, cmds.approve_errand)
        rt.command(RecordOuting, cmds.record_outing)
        rt.command(RecordMakeUpLeave, cmds.record_make_up)
        rt.command(RecordReassignmentRefusal, cmds.record_refusal)
        rt.command(EvaluateAttendanceDay, cmds.evaluate_day)
        rt.command(PublishRota, self.time.publish_rota)
        rt.command(AssignOvertime, self.time.assign_overtime)
        rt.command(RecordOvertimeRefusal, self.time.refuse_overtime)
        rt.command(RecordOvertimeWorked, self.time.overtime_worked)
        rt.command(FileCompTime, self.time.file_comp_time)
        rt.command(PublishWeekendCsRota, self.duty.publish_weekend)
        rt.command(DesignateDutyManager, self.duty.designate_manager)
        projections: tuple[Projection, ...] = (
            AbsenceLadderReaction(cmds),
            AttendanceLeaveReaction(cmds),
            self.ladder_views,
            self.leave_views,
            self.attendance_views,
            self.deadlines,
            RotaShiftsReaction(self.time),
            self.rota_views,
            DutyPairReaction(self.duty),
            self.duty_views,
            self.cs_staff,
            self.hotline_deadlines,
        )
        for projection in projections:
            rt.projection(projection)
        rt.scheduler(self.scheduler)
        rt.scheduler(self.hotline_scheduler)
        rt.query(AbsenceLadder, self.absence_ladder)
        rt.query(LeaveRequests, self.leave_requests)
        rt.query(AttendanceMonth, self.attendance_month)
        rt.query(DepartmentAttendance, self.department_attendance)
        rt.query(AttendanceDay, self.attendance_day)
        rt.query(Rota, self.rota)
        rt.query(CompTimeBalance, self.comp_time_balance)
        rt.query(WhoIsOnDuty, self.who_is_on_duty)
        rt.query(DutyRota, self.duty_rota)

    async def customer_service(self) -> frozenset[str]:
        """DUTY-2: who holds a customer-service role (identity's role events)."""
        return await duty_views.customer_service(self.runtime.engine, self.tables(self.cs_staff))

    async def duty_book(self, start: dt.date, end: dt.date) -> DutyBook:
        tables, policy = self.tables(self.duty_views), self.policy
        return await duty_views.load_book(
            self.runtime.engine, tables, start, end, policy.duty, policy.business_tz
        )

    async def who_is_on_duty(self, query: WhoIsOnDuty) -> dict[str, Any]:
        tables, policy = self.tables(self.duty_views), self.policy
        return await duty_views.who_is_on_duty(
            self.runtime.engine, tables, query, policy.duty, policy.business_tz
        )

    async def duty_rota(self, query: DutyRota) -> dict[str, Any]:
        tables, policy = self.tables(self.duty_views), self.policy
        return await duty_views.duty_rota(self.runtime.engine, tables, query, policy.duty, policy.business_tz)

    async def absence_ladder(self, query: AbsenceLadder) -> dict[str, Any]:
        return await queries.absence_ladder(self.runtime.engine, self.tables(self.ladder_views), query)

    async def leave_requests(self, query: LeaveRequests) -> dict[str, Any]:
        reader = current_actor()
        if query.approver_id != reader.id or not set(query.approver_roles) <= set(reader.roles):
            raise Forbidden(
                f"LeaveRequests lists what waits for the approver asking: {reader.id} asks as "
                f"{query.approver_id} with roles {', '.join(query.approver_roles)}",
                "HR-18",
                details=[{"reason": "not_own_data", "roles": list(reader.roles)}],
            )
        return await queries.leave_requests(self.runtime.engine, self.tables(self.leave_views), query)

    async def rota(self, query: Rota) -> dict[str, Any]:
        return await rota_days(self.runtime.engine, self.tables(self.rota_views), query)

    async def comp_time_balance(self, query: CompTimeBalance) -> dict[str, Any]:
        """Read from the employee's account itself: the balance comp leave is checked against."""
        state: CompTimeState = await self.commands.comp_time.state(query.employee_id, fresh=True)
        return comp_time_balance(state, query, self.commands.policy.overtime.comp_day_minutes)

    async def attendance_month(self, query: AttendanceMonth) -> dict[str, Any]:
        require_own_or(query.employee_id, (HR_DEPT,), what="the attendance month", rule="HR-6")
        tables = self.tables(self.attendance_views)
        return await attendance_month(self.runtime.engine, tables, query, self.full_attendance_days)

    async def department_attendance(self, query: DepartmentAttendance) -> dict[str, Any]:
        """The department's month (HR-6): its readers are the query's `read_roles` (HR_QUERY_ROLES)."""
        tables = self.tables(self.attendance_views)
        return await department_attendance(self.runtime.engine, tables, query, self.full_attendance_days)

    async def attendance_day(self, query: AttendanceDay) -> dict[str, Any]:
        """Read from the day itself: its punches and HR's corrections of them (HR-10)."""
        require_own_or(query.employee_id, (HR_DEPT,), what="the attendance day", rule="HR-10")
        state = await self.commands.days.state(day_id(query.employee_id, query.work_date), fresh=True)
        return attendance_day(state, query)
