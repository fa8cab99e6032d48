"""HR's home (issue 18 part 3 "HR", part 5 payslips): employees, the rota, the attendance board,
leave, discipline and the payroll month, each action a form from the contracts' command model.

- Employees: the list, a record page with its event history (Employee, DisciplineRecord), the
  onboarding form (OnboardEmployee, HR-38, HR-39; the personal data fields nested as
  `personal.<field>`), the safety exam (RecordSafetyTrainingResult, DIS-13), offboarding (OffboardEmployee, DIS-7). The list is HR's ListEmployees (HR-38): names for
  HR only, the post, join date and status for the line.
- The rota (PublishRota, AssignShift): the default pattern's rules shown beside the editor (HR-1
  duty pair, HR-2 administrative 08:30-12:00/13:00-18:00, HR-3 main shift to 22:00 and the rest day
  after it, HR-4 assistant shift, HR-5 other patterns as data); a refusal citing HR-1..HR-5 is shown
  beside the days it is about.
- The attendance board of a day (AttendanceDay per employee, HR-8..HR-16): shift, punches as the
  service stamped them (HR-10), HR's corrections (CorrectClockPunch), lateness, the evaluation
  (EvaluateAttendanceDay, SM-DAY) and absences the clock cannot see (RecordAbsence, HR-7, HR-12).
- The duty rota (DutyRota, WhoIsOnDuty; DUTY-1..DUTY-4): the week's weekend customer-service
  rota, the night's duty manager and the duty pair, who covers right now and why; publishing the
  weekend rota (PublishWeekendCsRota, DUTY-2) and designating the duty manager
  (DesignateDutyManager, DUTY-3) for the customer-service supervisor.
- Leave routed to the reader's roles (LeaveRequests, HR-18, HR-22, HR-26) and filing (FileLeave,
  HR-18, C18); decisions are the approval inbox's.
- Discipline and fines (DisciplineRecord, RecordOffence DIS-1..DIS-5, DIS-8, DecideAppeal DIS-10)
  and the public activity fund (ActivityFund, HR-37).
- The payroll month (PayrollPeriod, CalculatePayroll HR-36, HR-40, HR-41, ClosePayrollPeriod HR-33,
  PaySalaries SM-PAY, RecordPayrollAdjustment): each payslip with its lines and their sources as the
  service explains them (KPI-2..KPI-5 figures from the KPI service), one payslip or the whole
  month as PDF (`hr_print`).

A person without one of `ROLES` sees no HR menu and is refused every page and post (403); inside,
each action shows only to the roles of `ACTION_ROLES` (the default of the HR service's
`HR_COMMAND_ROLES`), and the service refuses (`forbidden`) whoever posts it without the role; the
page shows that refusal with its rule id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, redirect, render
from backoffice.web.forms import Form, form_for, parse_form
from backoffice.web.screens import hr_print
from shop_contracts.commands.hr import (
    AssignShift,
    CorrectClockPunch,
    EvaluateAttendanceDay,
    FileLeave,
    RecordAbsence,
)
from shop_contracts.commands.hr_people import (
    CalculatePayroll,
    ClosePayrollPeriod,
    DecideAppeal,
    OffboardEmployee,
    OnboardEmployee,
    PaySalaries,
    RecordOffence,
    RecordPayrollAdjustment,
    RecordSafetyTrainingResult,
)
from shop_contracts.commands.hr_time import DesignateDutyManager, PublishRota, PublishWeekendCsRota
from shop_contracts.messages import Command
from shop_contracts.queries.hr import LEAVE_APPROVERS, AttendanceDay, LeaveRequests
from shop_contracts.queries.hr_people import (
    ActivityFund,
    DisciplineRecord,
    Employee,
    EmployeeListStatus,
    ListEmployees,
    PayrollPeriod,
    Payslip,
)
from shop_contracts.queries.hr_time import DutyRota, Rota, WhoIsOnDuty

ROLES = ("hr_dept", "ecom_supervisor", "direct_supervisor", "cashier")
"""Who has the HR home: 人事部 and the roles of HR's commands (the rota's supervisors, the cashier
who records the salaries paid)."""

HR, ECOM, DIRECT, MANAGER, CASHIER, OFFICE = (
    "hr_dept",
    "ecom_supervisor",
    "direct_supervisor",
    "dept_manager",
    "cashier",
    "office",
)
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "OnboardEmployee": (HR,),  # HR-38
    "OffboardEmployee": (HR,),  # DIS-7
    "RecordSafetyTrainingResult": (HR,),  # DIS-13
    "RecordOffence": (ECOM, DIRECT, MANAGER),  # DIS-10
    "DecideAppeal": (HR,),  # DIS-10
    "AssignShift": (ECOM, DIRECT),  # HR-7
    "PublishRota": (ECOM,),  # HR-7
    "EvaluateAttendanceDay": (ECOM, DIRECT),  # HR-7
    "RecordAbsence": (ECOM, DIRECT),  # HR-7
    "CorrectClockPunch": (HR,),  # HR-10
    "FileLeave": (OFFICE, HR),  # HR-18
    "CalculatePayroll": (HR,),  # HR-36
    "ClosePayrollPeriod": (HR,),  # HR-33
    "RecordPayrollAdjustment": (HR,),  # HR-36
    "PaySalaries": (CASHIER, HR),  # SM-PAY
    "PublishWeekendCsRota": ("cs_supervisor", ECOM),  # DUTY-2
    "DesignateDutyManager": ("cs_supervisor", ECOM),  # DUTY-3
}
"""Which actions a person is shown: the HR service's default `HR_COMMAND_ROLES` (C9). The service
decides: a post by anyone else is refused `forbidden` with the rule, and the page says so."""

PATTERN_RULES: tuple[tuple[str, str], ...] = (
    (
        "HR-1",
        "Seven-day cover: each day one main shift (主班) and one assistant shift (配班); everyone else administrative.",
    ),
    ("HR-2", "Administrative shift 08:30-12:00 and 13:00-18:00."),
    ("HR-3", "Main shift 08:30-12:00 and 13:00-22:00; the next day is a rest day."),
    ("HR-4", "Assistant shift 08:30-12:00 and 13:00-22:00; the assistant cleans the office."),
    ("HR-5", "Other patterns (002, 003) are data: a schedule names one; default 000's."),
)
"""The shift pattern's rules shown beside the rota editor (rules.md HR-1..HR-5)."""
ROTA_RULES = frozenset(rule for rule, _ in PATTERN_RULES)
ROTA_DAYS = 7
PAYROLL_INPUT_ROWS = 3
"""Empty rows of the payroll input form beyond the listed employees."""

router = APIRouter(prefix="/hr")


# ---------------------------------------------------------------------------------------- helpers


def may(person: Person, action: str) -> bool:
    return person.holds(ACTION_ROLES[action])


def _forbidden(request: Request, person: Person) -> Response:
    return render(request, "forbidden.html", {"person": person}, status_code=403)


def _today(request: Request) -> dt.date:
    return bo(request).clock.now().astimezone(ZoneInfo(bo(request).business_tz)).date()


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _last_period(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


async def _posted(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


LIST_PAGE = 500
"""Employees per ListEmployees page; the screens read every page (the shop has dozens)."""


async def _listed(
    request: Request, person: Person, status: EmployeeListStatus | None = None
) -> list[dict[str, Any]]:
    """HR's employees (ListEmployees, HR-38: names for HR only), every page; none when HR refuses
    the reader the list."""
    employees: list[dict[str, Any]] = []
    while True:
        page = ListEmployees(status=status, limit=LIST_PAGE, offset=len(employees))
        reply = await _query(request, person, page)
        if not reply.ok or not reply.result:
            return employees
        employees += reply.result["employees"]
        if not reply.result["employees"] or len(employees) >= int(reply.result["total"]):
            return employees


async def _employees(request: Request, person: Person, status: EmployeeListStatus | None = None) -> list[str]:
    return [e["employee_id"] for e in await _listed(request, person, status)]


async def _query(request: Request, person: Person, query: Any) -> ShopReply:
    return await bo(request).shop.query("hr", query, person.actor)


async def _send(request: Request, person: Person, command: BaseModel | ShopReply) -> ShopReply:
    if isinstance(command, ShopReply):
        return command
    assert isinstance(command, Command)
    return await bo(request).shop.command("hr", command, person.actor)


async def _parse_and_send(
    request: Request,
    person: Person,
    model: type[BaseModel],
    posted: dict[str, str],
    fixed: dict[str, str] | None = None,
) -> ShopReply:
    shop = bo(request).shop
    return await _send(
        request, person, parse_form(model, posted, person.actor, shop.new_command_id("hr"), fixed)
    )


def _validated(model: type[BaseModel], document: dict[str, Any]) -> BaseModel | ShopReply:
    """`model` from a document built here (lists of rows), or an `invalid` reply naming each path."""
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            path = ".".join(str(p) for p in err["loc"]) or "(body)"
            cause = (err.get("ctx") or {}).get("error")
            for name in getattr(cause, "fields", None) or (path,):
                errors.setdefault(name, str(cause) if cause is not None else err["msg"])
        return ShopReply(
            False,
            code="invalid",
            message=f"{model.__name__} is not valid: {', '.join(errors)}",
            fields=errors,
        )


def _status(reply: ShopReply | None) -> int:
    return 400 if reply is not None and not reply.ok else 200


def _base(person: Person, section: str, **context: Any) -> dict[str, Any]:
    return {"person": person, "section": section, "may": {a: may(person, a) for a in ACTION_ROLES}, **context}


# ------------------------------------------------------------------------------------------ home


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn) -> Response:
    """The work due first: the pay period to calculate, close or pay, leave waiting for the
    reader's roles, today's attendance; then the employees."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    today = _today(request)
    period = _last_period(today)
    payroll = await _query(request, person, PayrollPeriod(period=period)) if person.holds((HR,)) else None
    leave = await _leave_waiting(request, person)
    employees = await _employee_rows(request, person)
    context = _base(
        person, "home", today=today, period=period, payroll=payroll, leave=leave, employees=employees
    )
    return render(request, "hr/home.html", context)


async def _employee_rows(request: Request, person: Person) -> list[dict[str, Any]]:
    return await _listed(request, person)


async def _leave_waiting(request: Request, person: Person) -> ShopReply | None:
    roles = tuple(r for r in person.roles if r in LEAVE_APPROVERS)
    if not roles:
        return None
    return await _query(request, person, LeaveRequests(approver_id=person.id, approver_roles=roles))


# ------------------------------------------------------------------------------------- employees


def _onboard_form(values: dict[str, str] | None = None, reply: ShopReply | None = None) -> Form:
    return form_for(OnboardEmployee, "/hr/employees", values=values, reply=reply)


@router.get("/employees/new", response_class=HTMLResponse)
async def onboarding(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return render(request, "hr/onboard.html", _base(person, "employees", form=_onboard_form()))


@router.post("/employees", response_class=HTMLResponse)
async def onboard(request: Request, person: SignedIn) -> Response:
    """OnboardEmployee (HR-38, HR-39): the record page of the new employee, or the form with the
    service's refusal beside its fields."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    reply = await _parse_and_send(request, person, OnboardEmployee, posted)
    if not reply.ok:
        form = _onboard_form(posted, reply)
        return render(request, "hr/onboard.html", _base(person, "employees", form=form), status_code=400)
    employee_id = posted.get("employee_id", "")
    return redirect(f"/hr/employees/{employee_id}")


@router.get("/employees", response_class=HTMLResponse)
async def open_employee(request: Request, person: SignedIn, employee_id: str = "") -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return redirect(f"/hr/employees/{employee_id.strip()}" if employee_id.strip() else "/hr")


def _employee_forms(
    employee_id: str, failed: str = "", values: dict[str, str] | None = None, reply: ShopReply | None = None
) -> dict[str, Form]:
    fixed = {"employee_id": employee_id}
    forms: dict[str, tuple[type[BaseModel], str, dict[str, str]]] = {
        "safety": (RecordSafetyTrainingResult, f"/hr/employees/{employee_id}/safety", fixed),
        "offboard": (OffboardEmployee, f"/hr/employees/{employee_id}/offboard", fixed),
        "offence": (RecordOffence, f"/hr/employees/{employee_id}/offence", fixed),
        "appeal": (DecideAppeal, f"/hr/employees/{employee_id}/appeal", fixed),
        "shift": (AssignShift, f"/hr/employees/{employee_id}/shift", fixed),
    }
    return {
        key: form_for(
            model,
            action,
            fixed=fix,
            values=values if key == failed else None,
            reply=reply if key == failed else None,
        )
        for key, (model, action, fix) in forms.items()
    }


@router.get("/employees/{employee_id}", response_class=HTMLResponse)
async def employee_page(request: Request, person: SignedIn, employee_id: str) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _employee_page(request, person, employee_id)


@router.get("/employees/{employee_id}/record", response_class=HTMLResponse)
async def employee_record(request: Request, person: SignedIn, employee_id: str) -> Response:
    """The record fragment of the employee page (live: refreshed by the Employee events)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    record = await _query(request, person, Employee(employee_id=employee_id))
    context = {"person": person, "employee_id": employee_id, "record": record}
    return render(request, "hr/_record.html", context)


async def _employee_page(
    request: Request,
    person: Person,
    employee_id: str,
    failed: str = "",
    values: dict[str, str] | None = None,
    reply: ShopReply | None = None,
) -> Response:
    record = await _query(request, person, Employee(employee_id=employee_id))
    discipline = await _query(request, person, DisciplineRecord(employee_id=employee_id))
    context = _base(
        person,
        "employees",
        employee_id=employee_id,
        record=record,
        discipline=discipline,
        forms=_employee_forms(employee_id, failed, values, reply),
        failed=failed,
        reply=reply,
        fresh=bool(request.query_params.get("done")),
    )
    return render(request, "hr/employee.html", context, status_code=_status(reply))


async def _employee_action(
    request: Request, person: Person, employee_id: str, key: str, model: type[BaseModel]
) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    reply = await _parse_and_send(request, person, model, posted, {"employee_id": employee_id})
    if not reply.ok:
        return await _employee_page(request, person, employee_id, key, posted, reply)
    if key == "shift":  # the shift as the day's board shows it
        return redirect(f"/hr/attendance?day={posted.get('work_date', '')}")
    return redirect(f"/hr/employees/{employee_id}?done={key}")


@router.post("/employees/{employee_id}/offboard", response_class=HTMLResponse)
async def offboard(request: Request, person: SignedIn, employee_id: str) -> Response:
    return await _employee_action(request, person, employee_id, "offboard", OffboardEmployee)


@router.post("/employees/{employee_id}/safety", response_class=HTMLResponse)
async def safety_training(request: Request, person: SignedIn, employee_id: str) -> Response:
    """RecordSafetyTrainingResult (DIS-13): no working shift before the safety exam is passed."""
    return await _employee_action(request, person, employee_id, "safety", RecordSafetyTrainingResult)


@router.post("/employees/{employee_id}/offence", response_class=HTMLResponse)
async def offence(request: Request, person: SignedIn, employee_id: str) -> Response:
    return await _employee_action(request, person, employee_id, "offence", RecordOffence)


@router.post("/employees/{employee_id}/appeal", response_class=HTMLResponse)
async def decide_appeal(request: Request, person: SignedIn, employee_id: str) -> Response:
    return await _employee_action(request, person, employee_id, "appeal", DecideAppeal)


@router.post("/employees/{employee_id}/shift", response_class=HTMLResponse)
async def assign_shift(request: Request, person: SignedIn, employee_id: str) -> Response:
    return await _employee_action(request, person, employee_id, "shift", AssignShift)


# ------------------------------------------------------------------------------------------ rota


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _parse_rota(posted: dict[str, str]) -> dict[str, Any]:
    """The rota editor's text into PublishRota's document: employees separated by spaces or
    commas; one day a line, `date main assistant [rest ...]`."""
    days = []
    for line in posted.get("days", "").splitlines():
        parts = line.replace(",", " ").split()
        if not parts:
            continue
        day: dict[str, Any] = {"work_date": parts[0]}
        if len(parts) > 1:
            day["main"] = parts[1]
        if len(parts) > 2:
            day["assistant"] = parts[2]
        day["rest"] = parts[3:]
        days.append(day)
    document: dict[str, Any] = {
        "rota_id": posted.get("rota_id", "").strip(),
        "period_start": posted.get("period_start", ""),
        "period_end": posted.get("period_end", ""),
        "employees": posted.get("employees", "").replace(",", " ").split(),
        "days": days,
    }
    if posted.get("schedule", "").strip():
        document["schedule"] = posted["schedule"].strip()
    return document


async def _rota_page(
    request: Request,
    person: Person,
    start: dt.date,
    *,
    publish: dict[str, str] | None = None,
    publish_reply: ShopReply | None = None,
    shift_form: Form | None = None,
) -> Response:
    end = start + dt.timedelta(days=ROTA_DAYS - 1)
    rota = await _query(request, person, Rota(start_date=start, end_date=end))
    fields = publish_reply.fields if publish_reply else {}
    beside_days = {k: v for k, v in fields.items() if k.startswith("days")}
    if publish_reply is not None and publish_reply.rule in ROTA_RULES and not beside_days:
        beside_days = {"days": f"{publish_reply.rule}: {publish_reply.message}"}
    context = _base(
        person,
        "rota",
        start=start,
        end=end,
        previous=start - dt.timedelta(days=ROTA_DAYS),
        next=start + dt.timedelta(days=ROTA_DAYS),
        rota=rota,
        rules=PATTERN_RULES,
        publish=publish or {"period_start": start.isoformat(), "period_end": end.isoformat()},
        publish_reply=publish_reply,
        publish_errors=fields,
        days_errors=beside_days,
        shift_form=shift_form or form_for(AssignShift, "/hr/rota/shift"),
    )
    failed = (publish_reply is not None and not publish_reply.ok) or (
        shift_form is not None and shift_form.reply is not None
    )
    return render(request, "hr/rota.html", context, status_code=400 if failed else 200)


@router.get("/rota", response_class=HTMLResponse)
async def rota(request: Request, person: SignedIn, start: str | None = None) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _rota_page(request, person, _monday(_date(start, _today(request))))


@router.post("/rota", response_class=HTMLResponse)
async def publish_rota(request: Request, person: SignedIn) -> Response:
    """PublishRota (HR-1..HR-4): the service checks the pattern; its refusal is shown beside the days."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    shop = bo(request).shop
    document = _parse_rota(posted) | {"actor": person.actor, "command_id": shop.new_command_id("rota")}
    reply = await _send(request, person, _validated(PublishRota, document))
    start = _monday(_date(posted.get("period_start"), _today(request)))
    if not reply.ok:
        return await _rota_page(request, person, start, publish=posted, publish_reply=reply)
    return redirect(f"/hr/rota?start={start.isoformat()}")


@router.post("/rota/shift", response_class=HTMLResponse)
async def rota_shift(request: Request, person: SignedIn) -> Response:
    """AssignShift (HR-1..HR-5, C2): one employee's shift for a date."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    reply = await _parse_and_send(request, person, AssignShift, posted)
    start = _monday(_date(posted.get("work_date"), _today(request)))
    if not reply.ok:
        form = form_for(AssignShift, "/hr/rota/shift", values=posted, reply=reply)
        return await _rota_page(request, person, start, shift_form=form)
    return redirect(f"/hr/attendance?day={posted.get('work_date', '')}")


# ------------------------------------------------------------------------------------- duty rota


def _staff_list(value: str) -> list[str]:
    return value.replace(",", " ").split()


async def _duty_page(
    request: Request,
    person: Person,
    week: dt.date,
    failed: str = "",
    reply: ShopReply | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    duty = await _query(request, person, DutyRota(week_start=week))
    now = await _query(request, person, WhoIsOnDuty(at=bo(request).clock.now()))
    saturday = week + dt.timedelta(days=5)
    forms = {
        "weekend": form_for(
            PublishWeekendCsRota,
            "/hr/duty/weekend",
            values=values if failed == "weekend" else {"saturday": saturday.isoformat()},
            reply=reply if failed == "weekend" else None,
        ),
        "manager": form_for(
            DesignateDutyManager,
            "/hr/duty/manager",
            fixed={"designation_id": ""},
            values=values if failed == "manager" else None,
            reply=reply if failed == "manager" else None,
        ),
    }
    context = _base(
        person,
        "duty",
        week=week,
        previous=week - dt.timedelta(days=7),
        next=week + dt.timedelta(days=7),
        duty=duty,
        now=now,
        forms=forms,
        failed=failed,
    )
    return render(request, "hr/duty.html", context, status_code=_status(reply))


@router.get("/duty", response_class=HTMLResponse)
async def duty(request: Request, person: SignedIn, week: str | None = None) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _duty_page(request, person, _monday(_date(week, _today(request))))


@router.post("/duty/weekend", response_class=HTMLResponse)
async def weekend_rota(request: Request, person: SignedIn) -> Response:
    """PublishWeekendCsRota (DUTY-2): the staff of each weekend day, separated by spaces."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    document = {
        "actor": person.actor,
        "command_id": bo(request).shop.new_command_id("duty"),
        "saturday": posted.get("saturday", ""),
        "saturday_staff": _staff_list(posted.get("saturday_staff", "")),
        "sunday_staff": _staff_list(posted.get("sunday_staff", "")),
    }
    reply = await _send(request, person, _validated(PublishWeekendCsRota, document))
    week = _monday(_date(posted.get("saturday"), _today(request)))
    if not reply.ok:
        return await _duty_page(request, person, week, "weekend", reply, posted)
    return redirect(f"/hr/duty?week={week}")


@router.post("/duty/manager", response_class=HTMLResponse)
async def duty_manager(request: Request, person: SignedIn) -> Response:
    """DesignateDutyManager (DUTY-3, AS-22): the 400 hotline forwarded to the manager at night."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    fixed = {"designation_id": bo(request).shop.new_command_id("duty-manager")}
    reply = await _parse_and_send(request, person, DesignateDutyManager, posted, fixed)
    week = _monday(_date(posted.get("start_date"), _today(request)))
    if not reply.ok:
        return await _duty_page(request, person, week, "manager", reply, posted)
    return redirect(f"/hr/duty?week={week}")


# ------------------------------------------------------------------------------------ attendance


async def _attendance_page(
    request: Request,
    person: Person,
    day: dt.date,
    failed: str = "",
    reply: ShopReply | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    rows = []
    for employee_id in await _employees(request, person, EmployeeListStatus.ACTIVE):
        found = await _query(request, person, AttendanceDay(employee_id=employee_id, work_date=day))
        rows.append({"employee_id": employee_id, "reply": found, "day": found.result or {}})
    fixed = {"work_date": day.isoformat()}
    forms = {
        "absence": form_for(
            RecordAbsence,
            f"/hr/attendance/absence?day={day}",
            fixed=fixed,
            values=values if failed == "absence" else None,
            reply=reply if failed == "absence" else None,
        ),
        "correct": form_for(
            CorrectClockPunch,
            f"/hr/attendance/correct?day={day}",
            fixed=fixed,
            values=values if failed == "correct" else None,
            reply=reply if failed == "correct" else None,
        ),
    }
    context = _base(
        person,
        "attendance",
        day=day,
        previous=day - dt.timedelta(days=1),
        next=day + dt.timedelta(days=1),
        rows=rows,
        forms=forms,
        reply=reply,
        failed=failed,
    )
    return render(request, "hr/attendance.html", context, status_code=_status(reply))


@router.get("/attendance", response_class=HTMLResponse)
async def attendance(request: Request, person: SignedIn, day: str | None = None) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _attendance_page(request, person, _date(day, _today(request)))


@router.post("/attendance/evaluate", response_class=HTMLResponse)
async def evaluate(request: Request, person: SignedIn, day: str) -> Response:
    """EvaluateAttendanceDay (SM-DAY, HR-7): a supervisor evaluates one day early."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    when = _date(day, _today(request))
    posted = await _posted(request)
    reply = await _parse_and_send(
        request, person, EvaluateAttendanceDay, posted, {"work_date": when.isoformat()}
    )
    if not reply.ok:
        return await _attendance_page(request, person, when, "evaluate", reply)
    return redirect(f"/hr/attendance?day={when}")


@router.post("/attendance/absence", response_class=HTMLResponse)
async def absence(request: Request, person: SignedIn, day: str) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    when = _date(day, _today(request))
    posted = await _posted(request)
    reply = await _parse_and_send(request, person, RecordAbsence, posted, {"work_date": when.isoformat()})
    if not reply.ok:
        return await _attendance_page(request, person, when, "absence", reply, posted)
    return redirect(f"/hr/attendance?day={when}")


@router.post("/attendance/correct", response_class=HTMLResponse)
async def correct(request: Request, person: SignedIn, day: str) -> Response:
    """CorrectClockPunch (HR-10): a time typed on the board is business time (Asia/Shanghai)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    when = _date(day, _today(request))
    posted = await _posted(request)
    typed = dict(posted)
    if typed.get("at"):
        try:
            at = dt.datetime.fromisoformat(typed["at"])
            if at.tzinfo is None:
                typed["at"] = at.replace(tzinfo=ZoneInfo(bo(request).business_tz)).isoformat()
        except ValueError:
            pass  # the model names the field
    reply = await _parse_and_send(request, person, CorrectClockPunch, typed, {"work_date": when.isoformat()})
    if not reply.ok:
        return await _attendance_page(request, person, when, "correct", reply, posted)
    return redirect(f"/hr/attendance?day={when}")


# ----------------------------------------------------------------------------------------- leave


@router.get("/leave", response_class=HTMLResponse)
async def leave(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    waiting = await _leave_waiting(request, person)
    return render(request, "hr/leave.html", _base(person, "leave", waiting=waiting, reply=None))


@router.post("/leave/{leave_id}/file", response_class=HTMLResponse)
async def file_leave(request: Request, person: SignedIn, leave_id: str) -> Response:
    """FileLeave (HR-18, C18): the office keeps the form and HR the record."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    reply = await _parse_and_send(request, person, FileLeave, {}, {"leave_id": leave_id})
    if not reply.ok:
        waiting = await _leave_waiting(request, person)
        context = _base(person, "leave", waiting=waiting, reply=reply)
        return render(request, "hr/leave.html", context, status_code=400)
    return redirect("/hr/leave")


# ------------------------------------------------------------------------------------ discipline


@router.get("/discipline", response_class=HTMLResponse)
async def discipline(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    records = []
    for employee_id in await _employees(request, person):
        found = await _query(request, person, DisciplineRecord(employee_id=employee_id))
        if found.ok and found.result and found.result.get("cases"):
            records.append(found.result)
    fund = await _query(request, person, ActivityFund())
    return render(request, "hr/discipline.html", _base(person, "discipline", records=records, fund=fund))


# --------------------------------------------------------------------------------------- payroll


def _period(value: str | None, request: Request) -> str:
    try:
        return PayrollPeriod(period=value).period if value else _last_period(_today(request))
    except ValidationError:
        return _last_period(_today(request))


async def _payroll_page(
    request: Request,
    person: Person,
    period: str,
    *,
    failed: str = "",
    reply: ShopReply | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    found = await _query(request, person, PayrollPeriod(period=period))
    slips = (found.result or {}).get("payslips", []) if found.ok else []
    in_period = {s["employee_id"] for s in slips}
    employees = sorted(in_period | set(await _employees(request, person)))
    fixed = {"period": period}
    forms = {
        "pay": form_for(
            PaySalaries,
            f"/hr/payroll/{period}/pay",
            fixed=fixed,
            values=values if failed == "pay" else None,
            reply=reply if failed == "pay" else None,
        ),
        "adjust": form_for(
            RecordPayrollAdjustment,
            f"/hr/payroll/{period}/adjust",
            fixed=fixed | {"adjustment_id": ""},
            values=values if failed == "adjust" else None,
            reply=reply if failed == "adjust" else None,
        ),
    }
    rows = [{"employee_id": e} for e in employees] + [{"employee_id": ""}] * PAYROLL_INPUT_ROWS
    context = _base(
        person,
        "payroll",
        period=period,
        payroll=found,
        slips=slips,
        input_rows=rows,
        forms=forms,
        failed=failed,
        reply=reply,
        values=values or {},
        fresh=request.query_params.get("fresh", ""),
    )
    return render(request, "hr/payroll.html", context, status_code=_status(reply))


@router.get("/payroll", response_class=HTMLResponse)
async def payroll(request: Request, person: SignedIn, period: str | None = None) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _payroll_page(request, person, _period(period, request))


def _pay_inputs(posted: dict[str, str]) -> list[dict[str, Any]]:
    """The payroll form's rows (`row-<n>.employee_id`, `.completion`, `.commission`,
    `.correction_reason`) as CalculatePayroll's `inputs`; a row without a figure is left out."""
    inputs = []
    n = 0
    while f"row-{n}.employee_id" in posted:
        row = {
            k: posted.get(f"row-{n}.{k}", "").strip()
            for k in ("employee_id", "completion", "commission", "correction_reason")
        }
        n += 1
        if not row["employee_id"] or not any(
            row[k] for k in ("completion", "commission", "correction_reason")
        ):
            continue
        inputs.append({k: v for k, v in row.items() if v})
    return inputs


@router.post("/payroll/{period}/calculate", response_class=HTMLResponse)
async def calculate(request: Request, person: SignedIn, period: str) -> Response:
    """CalculatePayroll (HR-36): plan completion typed where the KPI service gave none (HR-40), a
    typed figure over KPI's only with its reason (HR-41)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    document = {
        "actor": person.actor,
        "command_id": bo(request).shop.new_command_id("payroll"),
        "period": period,
        "inputs": _pay_inputs(posted),
    }
    reply = await _send(request, person, _validated(CalculatePayroll, document))
    if not reply.ok:
        return await _payroll_page(
            request, person, _period(period, request), failed="calculate", reply=reply, values=posted
        )
    return redirect(f"/hr/payroll?period={period}&fresh=calculated")


@router.post("/payroll/{period}/close", response_class=HTMLResponse)
async def close(request: Request, person: SignedIn, period: str) -> Response:
    """ClosePayrollPeriod (HR-33): the period's payslips are final."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    reply = await _parse_and_send(request, person, ClosePayrollPeriod, {}, {"period": period})
    if not reply.ok:
        return await _payroll_page(request, person, _period(period, request), failed="close", reply=reply)
    return redirect(f"/hr/payroll?period={period}&fresh=closed")


@router.post("/payroll/{period}/pay", response_class=HTMLResponse)
async def pay(request: Request, person: SignedIn, period: str) -> Response:
    """PaySalaries (SM-PAY, HR-33): the cashier (or HR) records the bank transfer."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    reply = await _parse_and_send(request, person, PaySalaries, posted, {"period": period})
    if not reply.ok:
        return await _payroll_page(
            request, person, _period(period, request), failed="pay", reply=reply, values=posted
        )
    return redirect(f"/hr/payroll?period={period}&fresh=paid")


@router.post("/payroll/{period}/adjust", response_class=HTMLResponse)
async def adjust(request: Request, person: SignedIn, period: str) -> Response:
    """RecordPayrollAdjustment (HR-36): a closed period corrected in a later one."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    fixed = {"period": period, "adjustment_id": bo(request).shop.new_command_id("adj")}
    reply = await _parse_and_send(request, person, RecordPayrollAdjustment, posted, fixed)
    if not reply.ok:
        return await _payroll_page(
            request, person, _period(period, request), failed="adjust", reply=reply, values=posted
        )
    return redirect(f"/hr/payroll?period={period}&fresh=1")


async def _slip(
    request: Request, person: Person, period: str, employee_id: str
) -> tuple[ShopReply, ShopReply]:
    slip = await _query(request, person, Payslip(period=period, employee_id=employee_id))
    employee = await _query(request, person, Employee(employee_id=employee_id))
    return slip, employee


@router.get("/payroll/{period}/payslips/{employee_id}", response_class=HTMLResponse)
async def payslip(request: Request, person: SignedIn, period: str, employee_id: str) -> Response:
    """One payslip: its lines, each with its rule and its sources explained (HR-36, HR-41)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    slip, employee = await _slip(request, person, period, employee_id)
    lines = [
        line
        | {
            "kind_label": hr_print.LINE_KINDS.get(line.get("kind", ""), line.get("kind", "")),
            "explained": [hr_print.explain_source(s) for s in line.get("sources") or ()],
        }
        for line in ((slip.result or {}).get("lines") or [])
    ]
    context = _base(
        person, "payroll", period=period, employee_id=employee_id, slip=slip, employee=employee, lines=lines
    )
    status = 200 if slip.ok and slip.result else 404
    return render(request, "hr/payslip.html", context, status_code=status)


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@router.get("/payroll/{period}/payslips/{employee_id}/pdf")
async def payslip_pdf(request: Request, person: SignedIn, period: str, employee_id: str) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    slip, employee = await _slip(request, person, period, employee_id)
    if not slip.ok or not slip.result:
        return await payslip(request, person, period, employee_id)
    content = hr_print.payslip_pdf(
        slip.result,
        employee.result if employee.ok else None,
        printed_at=bo(request).clock.now(),
        tz=bo(request).business_tz,
        printed_by=person.id,
    )
    return _pdf(content, f"payslip-{period}-{employee_id}.pdf")


@router.get("/payroll/{period}/pdf")
async def month_pdf(request: Request, person: SignedIn, period: str) -> Response:
    """The whole period's payslips as one PDF to print (HR-36)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    found = await _query(request, person, PayrollPeriod(period=_period(period, request)))
    if not found.ok or not (found.result or {}).get("payslips"):
        return await _payroll_page(
            request,
            person,
            _period(period, request),
            failed="pdf",
            reply=found
            if not found.ok
            else ShopReply(False, code="invalid", message=f"{period}: no payslip yet (HR-36)"),
        )
    slips = []
    for entry in found.result["payslips"]:
        slip, employee = await _slip(request, person, period, entry["employee_id"])
        if slip.ok and slip.result:
            slips.append((slip.result, employee.result if employee.ok else None))
    content = hr_print.month_pdf(
        period, slips, printed_at=bo(request).clock.now(), tz=bo(request).business_tz, printed_by=person.id
    )
    return _pdf(content, f"payslips-{period}.pdf")
