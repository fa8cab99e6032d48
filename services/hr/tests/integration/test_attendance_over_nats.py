"""The attendance day over NATS (SM-DAY): a shift assigned by a supervisor, clock records, the
end-of-day evaluation fired once by the deadline scheduler at the shift end plus the grace, its
AbsenceRecorded counted on the ladder (HR-12 (b), HR-16), and the AttendanceMonth and
DepartmentAttendance queries (HR-6).
Punches carry no time: the service's clock stamps them and a back-dated `at` is refused (HR-10)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import ask
from jetstream_es.testing.nats_server import NatsServer

from .helpers import (
    EMPLOYEE,
    NOW,
    SUPERVISOR,
    caught_up,
    command,
    eventually,
    hr_events,
    query,
    register,
    start_hr,
)

pytestmark = pytest.mark.integration

HR = {"id": "hr-1", "roles": ["hr_dept"]}


async def fired(runtime: ServiceRuntime) -> int:
    await caught_up(runtime)
    return sum([await s.run_due() for s in runtime.schedulers])


async def test_a_late_day_is_evaluated_once_by_its_deadline_and_fined_hr_12_hr_16(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)  # 09:00 in Shanghai on Monday 2 March 2026
    runtime = await start_hr(nats_server.url, nc, tmp_path / "hr.db", clock)
    try:
        await register(nc, "emp-1")
        assign = {
            "command_id": "assign-1",
            "actor": SUPERVISOR,
            "employee_id": "emp-1",
            "work_date": "2026-03-02",
            "shift": "administrative",
        }
        assert (await command(nc, "AssignShift", assign))["ok"]
        clocked = {"command_id": "in-1", "actor": {"id": "t-1", "roles": ["system"]}, "employee_id": "emp-1"}
        back_dated = clocked | {"command_id": "in-0", "at": "2026-03-02T08:25:00+08:00"}
        refused = await command(nc, "RecordClockIn", back_dated)  # HR-10: the service's clock decides
        assert refused["error"]["code"] == "invalid"
        assert [d["field"] for d in refused["error"]["details"]] == ["at"]
        assert "HR-10" in refused["error"]["details"][0]["problem"]
        assert "ClockedIn" not in await hr_events(nc, "AttendanceDay", "emp-1_2026-03-02")
        clock.set(NOW + timedelta(minutes=31))  # the employee arrives at 09:31
        assert (await command(nc, "RecordClockIn", clocked))["ok"]
        clock.set(NOW + timedelta(hours=9))  # and leaves at 18:00
        assert (await command(nc, "RecordClockOut", clocked | {"command_id": "out-1"}))["ok"]
        await caught_up(runtime)
        clock.advance(timedelta(minutes=30))  # 18:30, the shift end plus 30 minutes' grace
        day = await eventually(
            lambda: hr_events(nc, "AttendanceDay", "emp-1_2026-03-02"),
            lambda e: "AttendanceDayEvaluated" in e,
        )
        assert day[-3:] == ["LatenessRecorded", "AbsenceRecorded", "AttendanceDayEvaluated"]
        ladder = await eventually(lambda: hr_events(nc, "AbsenceRecord", "emp-1_2026"), lambda e: len(e) >= 2)
        assert ladder == ["AbsenceCounted", "FineImposed"]
        clock.advance(timedelta(hours=1))
        assert await fired(runtime) == 0
        assert (await hr_events(nc, "AttendanceDay", "emp-1_2026-03-02")).count("AttendanceDayEvaluated") == 1
        await caught_up(runtime)
        month = await query(nc, "AttendanceMonth", {"employee_id": "emp-1", "month": "2026-03"})
        assert month["lateness"] == {"count": 1, "minutes": 61}
        assert month["absences"] == [{"work_date": "2026-03-02", "kind": "late_over_1h", "days": "1"}]
        assert (month["worked_days"], month["full_attendance"]) == (0, False)
        manager = {"id": "mgr-1", "roles": ["dept_manager"]}
        department = await query(nc, "DepartmentAttendance", {"month": "2026-03"}, actor=manager)
        [line] = department["employees"]
        assert (line["employee_id"], line["lateness"], line["absences"]) == (
            "emp-1",
            month["lateness"],
            month["absences"],
        ), "the department's month shows AttendanceMonth's figures (HR-6)"

        fix = {
            "command_id": "fix-1",
            "actor": EMPLOYEE,
            "employee_id": "emp-1",
            "work_date": "2026-03-02",
            "punch": "in",
            "at": "2026-03-02T08:29:00+08:00",
            "reason": "the terminal queued the punch",
        }
        assert (await command(nc, "CorrectClockPunch", fix))["error"]["code"] == "forbidden"  # HR-10
        assert (await command(nc, "CorrectClockPunch", fix | {"command_id": "fix-2", "actor": HR}))["ok"]
        ladder = await eventually(lambda: hr_events(nc, "AbsenceRecord", "emp-1_2026"), lambda e: len(e) >= 4)
        assert "AbsenceUncounted" in ladder
        await caught_up(runtime)
        month = await query(nc, "AttendanceMonth", {"employee_id": "emp-1", "month": "2026-03"})
        assert (month["absences"], month["lateness"]["count"], month["worked_days"]) == ([], 0, 1)
        day = await ask(
            nc, "hr", "AttendanceDay", {"employee_id": "emp-1", "work_date": "2026-03-02"}, actor=HR
        )
        [correction] = day["corrections"]
        assert (correction["punch"], correction["corrected_by"]) == ("in", "hr-1")
        assert [p["punch"] for p in day["punches"]] == ["in", "out"]
    finally:
        await runtime.stop()
