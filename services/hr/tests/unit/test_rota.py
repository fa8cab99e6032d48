"""The rota (HR-1..HR-6, C4): a duty pair each day, a rest day after every main shift, employees of
the rota on a schedule with main, assistant and administrative shifts; a violated rota appends
nothing and names the rule, dates and employees. A published rota assigns the attendance days, so
the deadlines and the end-of-day evaluation follow it (SM-DAY)."""

from __future__ import annotations

import datetime as dt

import pytest

from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.errors import Forbidden, RuleViolated
from shop_contracts.commands.hr import AssignShift
from shop_contracts.commands.hr_time import DutyPair, PublishRota
from shop_contracts.envelope import Actor
from shop_contracts.events.hr import AbsenceKind, AbsenceRecorded
from shop_contracts.events.hr_attendance import AttendanceDayEvaluated, DayOutcome, ShiftAssigned, ShiftKind
from shop_contracts.events.hr_time import RotaPublished

from .attendance_helpers import DIRECT, SUPERVISOR, Attendance, at

MON = dt.date(2026, 3, 2)
STAFF = ("amy", "bob", "cat", "dan")
HEAD = Actor(id="head-1", roles=("ecom_supervisor",))


def day(n: int) -> dt.date:
    return MON + dt.timedelta(days=n)


def pairs(
    *duty: tuple[str, str], start: dt.date = MON, rest: dict[int, tuple[str, ...]] | None = None
) -> tuple[DutyPair, ...]:
    return tuple(
        DutyPair(work_date=start + dt.timedelta(days=i), main=m, assistant=a, rest=(rest or {}).get(i, ()))
        for i, (m, a) in enumerate(duty)
    )


def rota(
    *duty: tuple[str, str],
    start: dt.date = MON,
    days: int | None = None,
    rota_id: str = "r-1",
    actor: Actor = HEAD,
    schedule: str | None = None,
    rest: dict[int, tuple[str, ...]] | None = None,
) -> PublishRota:
    return PublishRota(
        command_id=f"publish-{rota_id}-{len(duty)}-{start}",
        actor=actor,
        rota_id=rota_id,
        period_start=start,
        period_end=start + dt.timedelta(days=(days or len(duty)) - 1),
        employees=STAFF,
        days=pairs(*duty, start=start, rest=rest),
        schedule=schedule,
    )


WEEK3 = (("amy", "bob"), ("cat", "dan"), ("bob", "amy"))


@pytest.fixture
def hr() -> Attendance:
    return Attendance(now=at("07:00", MON))


def shift(hr: Attendance, employee: str, on: dt.date) -> ShiftKind:
    [*_, assigned] = [e for e in hr.day(on, employee) if isinstance(e, ShiftAssigned)]
    return assigned.shift


async def test_a_rota_gives_a_duty_pair_each_day_and_everyone_else_the_administrative_shift_hr_1_hr_2(
    hr: Attendance,
) -> None:
    await hr.when(rota(*WEEK3))
    [published] = hr.events("r-1", aggregate="Rota")
    assert isinstance(published, RotaPublished)
    assert published.revision == 1
    first = published.days[0]
    assert (first.main, first.assistant, first.administrative, first.rest) == (
        "amy",
        "bob",
        ("cat", "dan"),
        (),
    )
    assert [shift(hr, e, MON) for e in STAFF] == [
        ShiftKind.MAIN,
        ShiftKind.ASSISTANT,
        *[ShiftKind.ADMINISTRATIVE] * 2,
    ]


async def test_the_day_after_a_main_shift_is_a_rest_day_hr_3(hr: Attendance) -> None:
    await hr.when(rota(*WEEK3))
    assert shift(hr, "amy", day(1)) is ShiftKind.REST
    assert shift(hr, "cat", day(2)) is ShiftKind.REST
    assigned = [e for e in hr.day(day(1), "amy") if isinstance(e, ShiftAssigned)]
    assert (assigned[-1].periods, assigned[-1].rota_id) == ((), "r-1")


async def test_a_main_shift_followed_by_duty_is_refused_with_the_date_and_employee_hr_3(
    hr: Attendance,
) -> None:
    with pytest.raises(RuleViolated) as refused:
        await hr.when(rota(("amy", "bob"), ("cat", "amy"), ("bob", "dan")))
    assert refused.value.rule == "HR-3"
    assert "2026-03-03" in refused.value.message
    assert "amy" in refused.value.message
    assert refused.value.details == [{"rule": "HR-3", "work_date": "2026-03-03", "employees": ["amy"]}]
    assert [e for e in hr.store.all_events if e.envelope.aggregate_type != "Employee"] == []


async def test_a_day_without_a_duty_pair_is_refused_hr_1(hr: Attendance) -> None:
    with pytest.raises(RuleViolated) as refused:
        await hr.when(rota(("amy", "bob"), ("cat", "dan"), days=4))
    assert refused.value.rule == "HR-1"
    assert "2026-03-04 has no duty pair" in refused.value.message
    assert "2026-03-05 has no duty pair" in refused.value.message
    assert [e for e in hr.store.all_events if e.envelope.aggregate_type != "Employee"] == []


async def test_every_violation_is_named_at_once_hr_1_hr_3(hr: Attendance) -> None:
    with pytest.raises(RuleViolated) as refused:
        await hr.when(rota(("amy", "amy"), ("amy", "zed")))
    rules = [d["rule"] for d in refused.value.details or []]
    assert rules == ["HR-1", "HR-1", "HR-3"]
    assert "zed not in the rota's employees" in refused.value.message


async def test_the_rest_day_after_the_previous_rotas_last_main_shift_is_kept_hr_3(hr: Attendance) -> None:
    await hr.when(rota(*WEEK3))
    with pytest.raises(RuleViolated) as refused:
        await hr.when(rota(("bob", "cat"), start=day(3), rota_id="r-2"))
    assert refused.value.rule == "HR-3"
    assert "bob" in refused.value.message
    await hr.when(rota(("cat", "dan"), start=day(3), rota_id="r-2"))
    assert shift(hr, "bob", day(3)) is ShiftKind.REST


async def test_only_the_ecommerce_supervisor_publishes_a_rota_hr_7(hr: Attendance) -> None:
    with pytest.raises(Forbidden) as refused:
        await hr.when(rota(*WEEK3, actor=DIRECT))
    assert refused.value.rule == "HR-7"


async def test_a_schedule_without_duty_shifts_cannot_carry_a_rota_hr_5_c2(hr: Attendance) -> None:
    with pytest.raises(RuleViolated) as refused:
        await hr.when(rota(*WEEK3, schedule="002"))
    assert refused.value.rule == "HR-5"


async def test_named_rest_days_rest_hr_6(hr: Attendance) -> None:
    await hr.when(rota(*WEEK3, rest={0: ("dan",)}))
    assert shift(hr, "dan", MON) is ShiftKind.REST
    with pytest.raises(RuleViolated, match="both on duty and resting"):
        await hr.when(rota(*WEEK3, rest={0: ("amy",)}, rota_id="r-9"))


async def test_by_default_everyone_works_the_weekend_c4(hr: Attendance) -> None:
    saturday = dt.date(2026, 3, 7)
    await hr.when(rota(("amy", "bob"), start=saturday))
    assert shift(hr, "cat", saturday) is ShiftKind.ADMINISTRATIVE


async def test_with_weekend_rest_days_only_the_duty_pair_works_the_weekend_c4() -> None:
    hr = Attendance(now=at("07:00", MON), calendar=DepartmentCalendar(rest_weekdays=frozenset({6, 7})))
    saturday = dt.date(2026, 3, 7)
    await hr.when(rota(("amy", "bob"), ("cat", "dan"), ("amy", "bob"), start=day(3)))
    assert [shift(hr, e, saturday) for e in STAFF] == [
        ShiftKind.MAIN,
        ShiftKind.ASSISTANT,
        ShiftKind.REST,
        ShiftKind.REST,
    ]
    assert shift(hr, "cat", day(3)) is ShiftKind.ADMINISTRATIVE


async def test_a_republished_rota_is_a_new_revision_that_reassigns_the_days_hr_1(hr: Attendance) -> None:
    await hr.when(rota(*WEEK3))
    swapped = rota(("cat", "dan"), ("amy", "bob"), ("dan", "cat"))
    await hr.when(swapped.model_copy(update={"command_id": "publish-again"}))
    assert [e.revision for e in hr.events("r-1", aggregate="Rota") if isinstance(e, RotaPublished)] == [1, 2]
    assert shift(hr, "amy", MON) is ShiftKind.ADMINISTRATIVE
    with pytest.raises(RuleViolated, match="another rota_id"):
        await hr.when(rota(("amy", "bob")))


async def test_the_evaluation_follows_the_rota_sm_day(hr: Attendance) -> None:
    """The rota's shifts schedule the evaluation at each working shift's end: amy rests after her
    main shift, dan (administrative) did not clock in."""
    await hr.when(rota(*WEEK3))
    hr.clock.set(at("22:31", day(1)))
    await hr.run_deadlines()
    assert hr.day_types(day(1), "amy") == ["ShiftAssigned"], "a rest day schedules no evaluation"
    [worked] = [e for e in hr.day(MON, "amy") if isinstance(e, AttendanceDayEvaluated)]
    assert worked.outcome is DayOutcome.ABSENT, "amy's main shift without a clock-in"
    [absent] = [e for e in hr.day(day(1), "dan") if isinstance(e, AbsenceRecorded)]
    assert absent.kind is AbsenceKind.FULL_DAY


async def test_a_supervisor_may_still_change_a_rota_day_hr_7(hr: Attendance) -> None:
    await hr.when(rota(*WEEK3))
    await hr.when(
        AssignShift(
            command_id="swap", actor=SUPERVISOR, employee_id="cat", work_date=MON, shift=ShiftKind.REST
        )
    )
    assert shift(hr, "cat", MON) is ShiftKind.REST
