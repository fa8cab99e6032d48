"""The HR service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires the service's
endpoints, projections and reactions onto it. Every business number is a setting citing its rule
(env prefix `HR_`); list settings are JSON (e.g. `HR_ABSENCE_FINES='[100, 300]'`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from hr.people.adapters.keys import EmployeeKeys
from hr.people.application.handlers import PeoplePolicies
from hr.people.domain.policy import (
    SEED_CATALOGUE,
    SEED_PENALTIES,
    ClassPenalty,
    DisciplinePolicy,
    OffenceItem,
    PayrollPolicy,
    PeoplePolicy,
    PerformanceScheme,
)
from hr.people.domain.roles import PEOPLE_ROLES
from hr.people.wiring import PeopleService
from hr.shared.roles import DIRECT_SUPERVISOR, SENIOR_LEADER, SETTING
from hr.time.domain.policy import AttendancePolicy, HrPolicy, LadderPolicy, LeavePolicy, OvertimePolicy
from hr.time.domain.roles import COMMAND_ROLES
from hr.time.domain.shifts import SEED_SCHEDULES, parse
from hr.time.wiring import NAME, TimeService
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.department_calendar import CalendarSettings, DepartmentCalendar, refuse_moved_settings
from jetstream_es.provision import ServiceSpec
from jetstream_es.roles import CommandRoles
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.store import EventStore
from shop_contracts.events.hr_leave import LeaveType
from shop_contracts.events.hr_people import Grade
from shop_contracts.messages import ROLE_ID_PATTERN

SPEC = ServiceSpec(name=NAME, module=NAME)

COMMAND_TABLE: Final = {**COMMAND_ROLES, **PEOPLE_ROLES}
"""C9: every HR command's default roles, the two contexts' tables as one for the setting
`HR_COMMAND_ROLES`, which replaces the roles of the commands it names."""


class HrSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HR_", extra="ignore")

    database_url: str | None = None
    absence_fines: list[Decimal] = Field(
        default_factory=lambda: [Decimal(100), Decimal(300)],
        description="HR-16: fine for the 1st, 2nd, ... absence of the ladder year; none beyond the list",
    )
    dismissal_consecutive_days: int = Field(
        2, ge=1, description="HR-16: this many consecutive days absent reach the dismissal threshold"
    )
    dismissal_days_per_year: int = Field(
        3, ge=1, description="HR-16: this many days absent in the ladder year reach the dismissal threshold"
    )
    ladder_year_start_month: int = Field(
        1, ge=1, le=12, description="HR-16: 1 = calendar year; else the counting year starts that month"
    )
    leave_notice_days: int = Field(1, ge=0, description="HR-18, HR-24, HR-27: apply this many days ahead")
    sick_retroactive_max_days: int = Field(
        1, ge=0, description="HR-20: sick leave of at most this many days may be applied for afterwards"
    )
    certificate_over_days: int = Field(
        1, ge=0, description="HR-21: sick leave over this many days needs a hospital certificate"
    )
    sick_direct_max_days: int = Field(
        3,
        ge=0,
        description="HR-22: sick leave up to this many days → direct supervisor, longer → senior leader",
    )
    personal_direct_max_days: int = Field(
        2,
        ge=0,
        description="HR-26: personal leave up to this many days → direct supervisor, longer → senior leader",
    )
    leave_direct_approver: str = Field(
        DIRECT_SUPERVISOR,
        pattern=ROLE_ID_PATTERN,
        description="HR-22, HR-26 (C9): the role deciding leave up to the boundary (direct supervisor)",
    )
    leave_senior_approver: str = Field(
        SENIOR_LEADER,
        pattern=ROLE_ID_PATTERN,
        description="HR-22, HR-26 (C9): the role deciding leave beyond the boundary (senior leader)",
    )
    unpaid_leave_types: list[LeaveType] = Field(
        default_factory=lambda: [LeaveType.PERSONAL, LeaveType.SICK],
        description="HR-19: leave types that are unpaid",
    )

    shift_schedules: dict[str, dict[str, list[list[str]]]] = Field(
        default_factory=lambda: SEED_SCHEDULES,
        description="HR-1..HR-5, C2: named shift-pattern sets, kind -> [[start, end], ...]",
    )
    default_shift_schedule: str = Field("000", description="C2: the 000 hours are the default")
    evaluation_grace_minutes: int = Field(
        30, ge=0, description="SM-DAY: the day is evaluated this long after the shift ends"
    )
    late_absence_threshold_minutes: int = Field(
        60, ge=0, description="HR-12 (b): lateness over this without reason or make-up leave is absence"
    )
    early_leave_absence_threshold_minutes: int = Field(
        60, ge=0, description="C5: early leave over this is absence; 0 = 000 §2 (HR-9), 60 = HR-12 (b)"
    )
    full_attendance_days: int = Field(26, ge=1, description="HR-6: worked days for full attendance")
    overtime_not_counted_up_to_minutes: int = Field(
        60, ge=0, description="HR-32 (operations, 001): required extra time of at most this is not overtime"
    )
    comp_day_minutes: int = Field(
        510, ge=1, description="HR-31: comp time one day of comp leave draws (HR-2: 8.5 working hours)"
    )
    command_roles: Annotated[dict[str, list[str]], NoDecode] = Field(
        default_factory=dict,
        description="C9: who may issue which command, a JSON object command -> roles replacing the defaults "
        "of hr/domain/roles.py and people_roles.py (one table for every HR command) for the commands it names",
    )

    @field_validator("command_roles", mode="before")
    @classmethod
    def _command_roles(cls, value: object) -> dict[str, list[str]]:
        return CommandRoles.from_setting(COMMAND_TABLE, value, setting=SETTING).overrides()

    def roles(self) -> CommandRoles:
        """C9: every HR command's roles, the defaults with HR_COMMAND_ROLES applied."""
        return CommandRoles.configured(COMMAND_TABLE, self.command_roles, setting=SETTING)

    def policy(self, business_tz: str, calendar: DepartmentCalendar | None = None) -> HrPolicy:
        """`calendar`: the one department calendar (C4: SHOP_CALENDAR_REST_WEEKDAYS)."""
        return HrPolicy(
            ladder=LadderPolicy(
                fines=tuple(self.absence_fines),
                consecutive_days=self.dismissal_consecutive_days,
                days_in_year=self.dismissal_days_per_year,
                year_start_month=self.ladder_year_start_month,
            ),
            leave=LeavePolicy(
                notice_days=self.leave_notice_days,
                sick_retroactive_max_days=self.sick_retroactive_max_days,
                certificate_over_days=self.certificate_over_days,
                sick_direct_max_days=self.sick_direct_max_days,
                personal_direct_max_days=self.personal_direct_max_days,
                direct_approver=self.leave_direct_approver,
                senior_approver=self.leave_senior_approver,
                unpaid_types=frozenset(self.unpaid_leave_types),
            ),
            attendance=AttendancePolicy(
                schedules=parse(self.shift_schedules),
                default_schedule=self.default_shift_schedule,
                evaluation_grace=dt.timedelta(minutes=self.evaluation_grace_minutes),
                late_absence_threshold=dt.timedelta(minutes=self.late_absence_threshold_minutes),
                early_leave_absence_threshold=dt.timedelta(
                    minutes=self.early_leave_absence_threshold_minutes
                ),
                full_attendance_days=self.full_attendance_days,
                calendar=calendar or CalendarSettings().calendar(),
            ),
            overtime=OvertimePolicy(
                not_overtime_up_to=dt.timedelta(minutes=self.overtime_not_counted_up_to_minutes),
                comp_day_minutes=self.comp_day_minutes,
            ),
            business_tz=business_tz,
            roles=self.roles(),
        )


class PeopleSettings(BaseSettings):
    """HR part 2: employees, discipline and payroll (HR-33..HR-42, DIS-1..DIS-15)."""

    model_config = SettingsConfigDict(env_prefix="HR_", extra="ignore")

    base_salary_supervisor: Decimal = Field(Decimal(3500), ge=0, description="HR-39: supervisor base salary")
    base_salary_team_member: Decimal = Field(
        Decimal(2000), ge=0, description="HR-39: team member base salary"
    )
    resignation_notice_months: int = Field(1, ge=0, description="DIS-7: written notice before leaving")
    offence_penalties: dict[int, ClassPenalty] = Field(
        default_factory=lambda: dict(SEED_PENALTIES),
        description="DIS-1..DIS-5, C16: offence class -> warning, fine, serious_fine, propose_dismissal",
    )
    offence_catalogue: dict[str, OffenceItem] = Field(
        default_factory=lambda: dict(SEED_CATALOGUE),
        description="DIS-1..DIS-4: item code -> class, title, monthly_dismissal_threshold (3.8: 3, DIS-3)",
    )
    appeal_window_days: int = Field(
        7, ge=0, description="DIS-10: days to appeal a penalty (a gap: designer default)"
    )
    performance_scheme: PerformanceScheme = Field(
        PerformanceScheme.FLAT,
        description="HR-40, C6: flat (001, 500 x completion) or percent_of_base (002, 30 %)",
    )
    performance_flat: Decimal = Field(Decimal(500), ge=0, description="HR-40 (001): flat performance pay")
    performance_percent: Decimal = Field(Decimal(30), ge=0, description="HR-40 (002): percent of base salary")
    performance_floor: Decimal = Field(
        Decimal("0.30"), ge=0, le=1, description="KPI-2, KPI-3: completion below this pays no performance pay"
    )
    payday: int = Field(20, ge=1, le=28, description="HR-33: day of the next month salaries are paid")
    first_salary_deferral_day: int = Field(
        25, ge=1, le=31, description="HR-35: joined after this day → first pay with the next month's"
    )
    defer_joins_on_deferral_day: bool = Field(
        True, description="HR-35 (ambiguous): whether joining on the deferral day itself counts as after"
    )

    def policies(
        self, calendar: DepartmentCalendar | None = None, roles: CommandRoles | None = None
    ) -> PeoplePolicies:
        """`calendar`: the one department calendar (HR-34: SHOP_CALENDAR_HOLIDAYS, banking weekdays);
        `roles`: who may issue which command (C9, HrSettings.roles from HR_COMMAND_ROLES)."""
        roles = roles or CommandRoles.configured(COMMAND_TABLE, setting=SETTING)
        return PeoplePolicies(
            roles=roles,
            people=PeoplePolicy(
                base_salaries={
                    Grade.SUPERVISOR: self.base_salary_supervisor,
                    Grade.TEAM_MEMBER: self.base_salary_team_member,
                },
                notice_months=self.resignation_notice_months,
            ),
            discipline=DisciplinePolicy(
                penalties=dict(self.offence_penalties),
                catalogue=dict(self.offence_catalogue),
                appeal_window_days=self.appeal_window_days,
            ),
            payroll=PayrollPolicy(
                performance_scheme=self.performance_scheme,
                performance_flat=self.performance_flat,
                performance_percent=self.performance_percent,
                performance_floor=self.performance_floor,
                payday=self.payday,
                calendar=calendar or CalendarSettings().calendar(),
                deferral_day=self.first_salary_deferral_day,
                defer_on_deferral_day=self.defer_joins_on_deferral_day,
                roles=roles,
            ),
        )


def build(
    runtime: RuntimeSettings | None = None,
    settings: HrSettings | None = None,
    *,
    clock: Clock | None = None,
    store: EventStore | None = None,
    people: PeopleSettings | None = None,
) -> ServiceRuntime:
    """The service, wired; `clock` and `store` replace the configured ones (tests: FixedClock,
    InMemoryEventStore)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or HrSettings()
    refuse_moved_settings("HR_REST_WEEKDAYS", "HR_HOLIDAYS")
    calendar = CalendarSettings().calendar()
    service = ServiceRuntime(
        NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock, store=store
    )
    policy = settings.policy(runtime.business_tz, calendar)
    wire(service, policy, (people or PeopleSettings()).policies(calendar, settings.roles()))
    return service


def wire(
    service: ServiceRuntime, policy: HrPolicy, people: PeoplePolicies, keys: EmployeeKeys | None = None
) -> tuple[TimeService, PeopleService]:
    """Both contexts onto the one runtime (one service, one stream): time (attendance, leave,
    rota, overtime) and people (employees, discipline, payroll). `keys` replaces HR's key stream."""
    time = TimeService(service, policy)
    time.wire()
    unpaid = frozenset(str(t) for t in policy.leave.unpaid_types)
    staff = PeopleService(service, people, policy.business_tz, unpaid, keys)
    staff.wire()
    return time, staff


def main() -> None:
    run_service(NAME, build)
