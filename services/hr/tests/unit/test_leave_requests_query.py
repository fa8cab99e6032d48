"""The LeaveRequests query lists only what waits for the approver asking (HR-18, HR-22, HR-26):
requests routed to one of their roles, pending (or an extension pending), never their own; at the
routing boundaries (exactly 3 / 4 sick days, exactly 2 / 3 personal days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from hr.time.adapters.queries import leave_requests
from hr.time.adapters.views import LeaveViews
from hr.time.domain.leave_state import LEAVE_REQUEST
from jetstream_es.projection import ApplyContext, Decoded
from shop_contracts.commands import hr as c
from shop_contracts.envelope import Actor
from shop_contracts.events.hr_leave import LeaveType
from shop_contracts.queries.hr import LeaveRequests

from .helpers import DIRECT, SENIOR, TODAY, Hr, approve, leave

TOMORROW = TODAY + dt.timedelta(days=1)


def span(n: int) -> dt.date:
    return TOMORROW + dt.timedelta(days=n - 1)


async def pending_for(hr: Hr, approver: Actor) -> list[str]:
    views = LeaveViews()
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    tables = views.define_tables(MetaData(), "")
    ctx = ApplyContext(replaying=False, now=hr.clock.now())
    try:
        async with engine.begin() as conn:
            await conn.run_sync(tables["leaves"].metadata.create_all)
            for stored in hr.store.all_events:
                if stored.envelope.aggregate_type == "LeaveRequest":
                    data = LEAVE_REQUEST.registry.decode(stored.envelope)
                    await views.apply(conn, tables, Decoded(stored, data), ctx)
        query = LeaveRequests(approver_id=approver.id, approver_roles=approver.roles)
        result: dict[str, Any] = await leave_requests(engine, tables, query)
    finally:
        await engine.dispose()
    return [r["leave_id"] for r in result["requests"]]


def request(leave_id: str, leave_type: LeaveType, n: int, employee: str = "emp-1") -> c.SubmitLeave:
    return leave(
        TOMORROW,
        span(n),
        leave_type=leave_type,
        leave_id=leave_id,
        command_id=f"submit-{leave_id}",
        certificate_ref="H-1" if leave_type is LeaveType.SICK else None,
        employee_id=employee,
        actor=Actor(id=employee, roles=()),
    )


async def test_each_approver_sees_only_what_routes_to_them_at_the_boundaries_hr_22_hr_26() -> None:
    hr = Hr()
    await hr.given(
        request("sick-3", LeaveType.SICK, 3),
        request("sick-4", LeaveType.SICK, 4),
        request("personal-2", LeaveType.PERSONAL, 2),
        request("personal-3", LeaveType.PERSONAL, 3),
    )
    assert await pending_for(hr, DIRECT) == ["personal-2", "sick-3"]  # same time: by id
    assert await pending_for(hr, SENIOR) == ["personal-3", "sick-4"]
    assert await pending_for(hr, Actor(id="off-1", roles=("office",))) == []


async def test_decided_requests_and_the_approvers_own_leave_are_not_listed_hr_18() -> None:
    hr = Hr()
    await hr.given(
        request("mine", LeaveType.PERSONAL, 1, employee=DIRECT.id),
        request("theirs", LeaveType.PERSONAL, 1),
        request("done", LeaveType.PERSONAL, 1, employee="emp-2"),
        approve(DIRECT, "done", "approve-done"),
    )
    assert await pending_for(hr, DIRECT) == ["theirs"]


async def test_a_pending_extension_is_listed_for_its_new_approver_hr_25_hr_26() -> None:
    hr = Hr()
    await hr.given(request("lv-1", LeaveType.PERSONAL, 2), approve(DIRECT))
    extend = c.ExtendLeave(
        command_id="ext", actor=Actor(id="emp-1"), leave_id="lv-1", new_end_date=span(3), reason="more"
    )
    hr.clock.advance(dt.timedelta(days=1))  # the leave has started (SM-LEAVE)
    await hr.when(extend)
    assert await pending_for(hr, DIRECT) == []
    assert await pending_for(hr, SENIOR) == ["lv-1"]


async def test_sick_leave_waiting_for_its_certificate_is_not_pending_yet_hr_21() -> None:
    hr = Hr()
    await hr.given(leave(TOMORROW, span(2), leave_type=LeaveType.SICK))
    assert await pending_for(hr, DIRECT) == []
