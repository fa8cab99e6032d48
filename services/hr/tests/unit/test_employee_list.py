"""ListEmployees (HR-38) and DepartmentAttendance (HR-6), given/when/then: who reads them (the
declared readers and HR_QUERY_ROLES), the name answered to HR only (HR-38: personal data), the
status and post filters and the pages with their total; the department's month is every
employee's AttendanceMonth figures from one read, without leave types."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hr.bootstrap import HrSettings, build
from hr.people.adapters import views as people_views
from hr.time.adapters.attendance_views import AttendanceViews, attendance_month, department_attendance
from jetstream_es.projection import ApplyContext, Decoded
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.queries import ask_endpoint
from shop_contracts.commands import hr_people as p
from shop_contracts.envelope import Actor
from shop_contracts.events.hr_attendance import DayOutcome
from shop_contracts.queries import hr_people as q
from shop_contracts.queries.hr import AttendanceMonth, DepartmentAttendance

from .people_harness import HR, SUPERVISOR, People, onboard


@pytest.fixture
def people() -> People:
    return People()


async def listing(people: People, *, names: bool, **filters: Any) -> dict[str, Any]:
    await people.project()
    tables = await people.tables(people.people_views)
    query = q.ListEmployees(**filters)
    return await people_views.list_employees(people.engine, tables, people.keys, query, names=names)


async def three_employees(people: People) -> None:
    """emp-1 and emp-2 in customer service, emp-3 a promoter who has left (DIS-12)."""
    await people.given(onboard("emp-1"), onboard("emp-2"), onboard("emp-3", post="promoter"))
    await people.given(
        p.RecordSafetyTrainingResult(
            command_id="training-1", actor=HR, employee_id="emp-1", passed=True, taken_on=dt.date(2026, 3, 1)
        ),
        p.SubmitResignation(
            command_id="resign-3",
            actor=Actor(id="emp-3", roles=()),
            employee_id="emp-3",
            effective_date=dt.date(2026, 3, 2),
        ),
        p.CompleteHandover(command_id="handover-3", actor=SUPERVISOR, employee_id="emp-3", handed_to="emp-1"),
        p.OffboardEmployee(
            command_id="off-3",
            actor=HR,
            employee_id="emp-3",
            effective_date=dt.date(2026, 3, 2),
            reason="resigned",
        ),
    )


async def test_hr_lists_every_employee_with_the_name_post_join_date_and_status_hr_38(people: People) -> None:
    await three_employees(people)
    result = await listing(people, names=True)
    assert result["total"] == 3
    assert [(e["employee_id"], e["name"], e["post"], e["status"]) for e in result["employees"]] == [
        ("emp-1", "王小明", "customer service", "active"),
        ("emp-2", "王小明", "customer service", "onboarded"),
        ("emp-3", "王小明", "promoter", "left"),
    ]
    assert result["employees"][0]["join_date"] == "2026-03-01"


async def test_without_names_no_personal_field_is_answered_hr_38(people: People) -> None:
    await three_employees(people)
    result = await listing(people, names=False)
    assert [set(e) for e in result["employees"]] == [
        {"employee_id", "post", "grade", "join_date", "status"}
    ] * 3
    assert "王小明" not in str(result)


async def test_status_and_post_filter_the_list_and_its_total_hr_38(people: People) -> None:
    await three_employees(people)
    active = await listing(people, names=False, status="active")
    assert [e["employee_id"] for e in active["employees"]] == ["emp-1", "emp-2"]
    assert active["total"] == 2
    left = await listing(people, names=False, status="offboarded")
    assert [e["employee_id"] for e in left["employees"]] == ["emp-3"]
    promoters = await listing(people, names=False, post="promoter", status="active")
    assert (promoters["employees"], promoters["total"]) == ([], 0)


async def test_the_list_comes_a_page_at_a_time_with_the_total_of_all_hr_38(people: People) -> None:
    await three_employees(people)
    first = await listing(people, names=True, limit=2)
    second = await listing(people, names=True, limit=2, offset=2)
    assert [e["employee_id"] for e in first["employees"]] == ["emp-1", "emp-2"]
    assert [e["employee_id"] for e in second["employees"]] == ["emp-3"]
    assert first["total"] == second["total"] == 3


async def test_an_erased_name_is_listed_as_erased_hr_38(people: People) -> None:
    await people.given(onboard("emp-1"))
    await people.when(
        p.EraseEmployeePersonalData(command_id="erase", actor=HR, employee_id="emp-1", reason="asked")
    )
    [entry] = (await listing(people, names=True))["employees"]
    assert entry["name"] == "erased"


def test_a_bad_page_or_status_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="limit"):
        q.ListEmployees(limit=0)
    with pytest.raises(ValueError, match="status"):
        q.ListEmployees(status="resigned")  # type: ignore[arg-type]


# who reads what


def service(query_roles: str = "") -> ServiceRuntime:
    return build(
        RuntimeSettings(identity_verify=False), HrSettings.model_validate({"query_roles": query_roles})
    )


@pytest.mark.parametrize(
    ("name", "body", "rule"),
    [("ListEmployees", {}, "HR-38"), ("DepartmentAttendance", {"month": "2026-03"}, "HR-6")],
)
async def test_an_employee_or_a_cashier_may_not_list_the_staff_hr_38_hr_6(
    name: str, body: dict[str, Any], rule: str
) -> None:
    runtime = service()
    for reader in (Actor(id="emp-1", roles=()), Actor(id="cash-1", roles=("cashier",))):
        refused = await ask_endpoint(runtime, name, body, reader)
        assert refused.error is not None
        assert (refused.error.code, refused.error.rule) == ("forbidden", rule)


@pytest.mark.parametrize(
    ("query", "readers"),
    [
        (
            q.ListEmployees,
            {
                "hr_dept",
                "ecom_supervisor",
                "direct_supervisor",
                "senior_leader",
                "dept_manager",
                "dept_supervisor",
                "general_manager",
                "identity_admin",
            },
        ),
        (DepartmentAttendance, {"dept_manager", "dept_supervisor", "hr_dept", "general_manager"}),
    ],
)
def test_the_declared_readers_are_hr_the_line_and_the_departments_management_hr_38_hr_6(
    query: Any, readers: set[str]
) -> None:
    assert set(query.read_roles) == readers


async def test_hr_query_roles_changes_who_lists_the_employees_hr_38() -> None:
    runtime = service('{"ListEmployees": ["cashier"]}')
    refused = await ask_endpoint(runtime, "ListEmployees", {}, Actor(id="adm-1", roles=("identity_admin",)))
    assert refused.error is not None
    assert refused.error.details == [{"reason": "read_role_required", "roles": ["cashier"]}]


# DepartmentAttendance (HR-6)


async def test_the_department_month_gives_each_employees_figures_without_leave_types_hr_6(
    people: People,
) -> None:
    march = [dt.date(2026, 3, d) for d in (2, 3, 4)]
    await people.day(march[0], employee="emp-1")
    await people.day(march[1], DayOutcome.ABSENT, employee="emp-1")
    await people.day(march[2], DayOutcome.LEAVE, employee="emp-1", leave_type="sick")
    await people.day(march[0], employee="emp-2")
    await people.day(dt.date(2026, 4, 1), employee="emp-3")  # another month
    views = AttendanceViews()
    tables = await people.tables(views)
    ctx = ApplyContext(replaying=False, now=people.clock.now())
    async with people.engine.begin() as conn:
        for stored in people.store.all_events:
            if stored.event_type in views.handles:
                await views.apply(conn, tables, Decoded(stored, views.registry.decode(stored.envelope)), ctx)
    result = await department_attendance(people.engine, tables, DepartmentAttendance(month="2026-03"), 26)
    assert [e["employee_id"] for e in result["employees"]] == ["emp-1", "emp-2"]
    first = result["employees"][0]
    one = await attendance_month(
        people.engine, tables, AttendanceMonth(employee_id="emp-1", month="2026-03"), 26
    )
    for figure in ("worked_days", "lateness", "early_leave", "absences", "full_attendance"):
        assert first[figure] == one[figure], figure
    assert (first["worked_days"], len(first["absences"])) == (1, 1)
    assert "leave_days" not in first
    assert "sick" not in str(result)
