"""The HR service's composition root: the only module that reads settings.

It builds the runtime (NATS, event store, projection database, clock) and wires the service's
endpoints, projections and reactions onto it. Every business number is a setting citing its rule
(env prefix `HR_`); list settings are JSON (e.g. `HR_ABSENCE_FINES='[100, 300]'`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from hr.domain.policy import AttendancePolicy, HrPolicy, LadderPolicy, LeavePolicy
from hr.domain.shifts import SEED_SCHEDULES, parse
from hr.entrypoints.wiring import CONSUMERS, NAME, HrService
from jetstream_es.bootstrap import run_service
from jetstream_es.clock import Clock
from jetstream_es.provision import ServiceSpec
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from shop_contracts.events.hr_leave import LeaveType

SPEC = ServiceSpec(name=NAME, module=NAME, consumers=tuple(CONSUMERS.values()))


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

    def policy(self, business_tz: str) -> HrPolicy:
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
            ),
            business_tz=business_tz,
        )


def build(
    runtime: RuntimeSettings | None = None,
    settings: HrSettings | None = None,
    *,
    clock: Clock | None = None,
) -> ServiceRuntime:
    """The service, wired; `clock` replaces the configured one (tests, FixedClock)."""
    runtime = runtime or RuntimeSettings()
    settings = settings or HrSettings()
    service = ServiceRuntime(NAME, runtime, runtime.database_url(NAME, settings.database_url), clock=clock)
    HrService(service, settings.policy(runtime.business_tz), runtime.aggregate_cache_size).wire()
    return service


def main() -> None:
    run_service(NAME, build)
