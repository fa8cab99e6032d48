"""Every employee's home (issue 18 part 3): their own clock-in and clock-out, stamped by the HR
service's clock at receipt, never the browser's (HR-10); their leave requests (submit through the
contracts' `SubmitLeave` form, see each one's state; HR-18, HR-20, HR-21); their payslips (HR-36).
The attendance fragment refreshes itself when HR records the person's punch (live updates).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, redirect, render
from backoffice.web.forms import Form, form_for, parse_form
from shop_contracts.commands.hr import RecordClockIn, RecordClockOut, SubmitLeave
from shop_contracts.messages import Command
from shop_contracts.queries.history import History
from shop_contracts.queries.hr import AttendanceDay
from shop_contracts.queries.hr_people import Payslip

router = APIRouter(prefix="/me")
PAYSLIP_MONTHS = 6
"""How many months of payslips the home lists (HR-36: paid on the 20th for the month before)."""


def _today(request: Request) -> dt.date:
    return bo(request).clock.now().astimezone(ZoneInfo(bo(request).business_tz)).date()


def _day(request: Request, day: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(day) if day else _today(request)
    except ValueError:
        return _today(request)


async def _attendance(request: Request, person: Person, day: dt.date) -> ShopReply:
    return await bo(request).shop.query(
        "hr", AttendanceDay(employee_id=person.id, work_date=day), person.actor
    )


def _periods(today: dt.date, months: int) -> list[str]:
    out, year, month = [], today.year, today.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(f"{year:04d}-{month:02d}")
    return out


async def _payslips(request: Request, person: Person) -> list[dict[str, Any]]:
    found = []
    for period in _periods(_today(request), PAYSLIP_MONTHS):
        reply = await bo(request).shop.query(
            "hr", Payslip(period=period, employee_id=person.id), person.actor
        )
        if reply.ok and reply.result:
            found.append({"period": period, "payslip": reply.result})
    return found


async def _leave(request: Request, person: Person) -> list[dict[str, Any]]:
    out = []
    for leave_id in await bo(request).store.own_leave(person.id):
        reply = await bo(request).shop.query(
            "hr", History(aggregate_type="LeaveRequest", aggregate_id=leave_id), person.actor
        )
        events = (reply.result or {}).get("events", []) if reply.ok else []
        state = events[-1]["event_type"] if events else ""
        out.append({"leave_id": leave_id, "state": state, "history": reply})
    return out


def _leave_form(person: Person, form: Form | None = None) -> Form:
    return form or form_for(SubmitLeave, "/me/leave", fixed={"employee_id": person.id, "leave_id": ""})


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn, day: str | None = None) -> Response:
    return await _home(request, person, _day(request, day))


async def _home(
    request: Request,
    person: Person,
    day: dt.date,
    *,
    form: Form | None = None,
    punch: ShopReply | None = None,
) -> Response:
    context = {
        "person": person,
        "day": day,
        "attendance": await _attendance(request, person, day),
        "punch": punch,
        "leave_form": _leave_form(person, form),
        "leave": await _leave(request, person),
        "payslips": await _payslips(request, person),
    }
    failed = (form is not None and form.reply is not None) or (punch is not None and not punch.ok)
    return render(request, "employee/home.html", context, status_code=400 if failed else 200)


@router.get("/attendance", response_class=HTMLResponse)
async def attendance(request: Request, person: SignedIn, day: str | None = None) -> Response:
    when = _day(request, day)
    return render(
        request,
        "employee/attendance.html",
        {"person": person, "day": when, "attendance": await _attendance(request, person, when)},
    )


async def _punch(
    request: Request, person: Person, model: type[RecordClockIn] | type[RecordClockOut]
) -> Response:
    shop = bo(request).shop
    command: Command = model(
        command_id=shop.new_command_id("punch"),
        actor=person.actor,
        employee_id=person.id,
        source="backoffice",
    )
    reply = await shop.command("hr", command, person.actor)
    if not reply.ok:
        return await _home(request, person, _today(request), punch=reply)
    work_date = (reply.aggregate_id or "").rpartition("_")[2]  # AttendanceDay <employee>_<date>
    return redirect(f"/me?day={work_date}" if work_date else "/me")


@router.post("/clock-in")
async def clock_in(request: Request, person: SignedIn) -> Response:
    return await _punch(request, person, RecordClockIn)


@router.post("/clock-out")
async def clock_out(request: Request, person: SignedIn) -> Response:
    return await _punch(request, person, RecordClockOut)


@router.post("/leave", response_class=HTMLResponse)
async def submit_leave(request: Request, person: SignedIn) -> Response:
    backoffice = bo(request)
    posted = {k: str(v) for k, v in (await request.form()).items()}
    leave_id = backoffice.shop.new_command_id("leave")
    fixed = {"employee_id": person.id, "leave_id": leave_id}
    command = parse_form(SubmitLeave, posted, person.actor, backoffice.shop.new_command_id(), fixed)
    if isinstance(command, ShopReply):
        reply = command
    else:
        assert isinstance(command, Command)
        reply = await backoffice.shop.command("hr", command, person.actor)
    if not reply.ok:
        form = form_for(
            SubmitLeave,
            "/me/leave",
            values=posted,
            reply=reply,
            fixed={"employee_id": person.id, "leave_id": ""},
        )
        return await _home(request, person, _today(request), form=form)
    await backoffice.store.remember_leave(person.id, leave_id, backoffice.clock.now())
    return redirect("/me#leave")
