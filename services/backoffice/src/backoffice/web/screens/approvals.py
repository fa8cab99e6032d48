"""The approval inbox (issue 18 part 3): one list of everything waiting for the signed-in person's
decision, approve or reject with a reason, live by server-sent events.

- Refund requests waiting for the department supervisor (AS-2; approve → the received or
  not-received branch, AS-3/AS-4; reject → customer service negotiates, AS-5).
- Leave requests and extensions routed to this approver by their length (HR-18, HR-22, HR-26;
  `HR_LEAVE_DIRECT_APPROVER` up to the type's boundary, `HR_LEAVE_SENIOR_APPROVER` beyond): HR's
  `LeaveRequests` answers only those routed to a role the reader holds, never their own.
- Appeals against a penalty, decided by HR (DIS-10, DecideAppeal), and overtime ordered by a leader
  (HR-30, AssignOvertime): the forms of the contracts' commands.

Who sees what follows the services' default tables; a person who is not the approver has nothing
in the list, and a forged post is refused by the service (`forbidden`), which the page shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, redirect, render
from backoffice.web.forms import Form, form_for, parse_form
from shop_contracts.commands.aftersales import ApproveRefundRequest, RejectRefundRequest
from shop_contracts.commands.hr import ApproveLeave, RejectLeave
from shop_contracts.commands.hr_people import DecideAppeal
from shop_contracts.commands.hr_time import AssignOvertime
from shop_contracts.messages import Command
from shop_contracts.queries.aftersales import ListRefundCases, RefundCaseStatus, RefundLedger
from shop_contracts.queries.hr import LEAVE_APPROVERS, LeaveRequests

REFUND_DECIDERS: tuple[str, ...] = ("dept_supervisor",)
"""Who decides refund requests (aftersales' COMMAND_ROLES default, AS-2)."""
APPEAL_DECIDERS: tuple[str, ...] = ("hr_dept",)
"""Who decides appeals against a penalty (HR's default table, DIS-10)."""
OVERTIME_LEADERS: tuple[str, ...] = ("ecom_supervisor", "direct_supervisor", "dept_manager")
"""Who orders overtime (HR's default table, HR-30)."""
ROLES: tuple[str, ...] = tuple(
    dict.fromkeys((*REFUND_DECIDERS, *LEAVE_APPROVERS, *APPEAL_DECIDERS, *OVERTIME_LEADERS))
)
"""Who has the inbox in the menu: anyone who decides something in it."""
INBOX_LIMIT = 200
"""Requests listed per kind, oldest first."""

DECISIONS: dict[tuple[str, str], tuple[type[BaseModel], str, str]] = {
    ("refunds", "approve"): (ApproveRefundRequest, "aftersales", "case_id"),
    ("refunds", "reject"): (RejectRefundRequest, "aftersales", "case_id"),
    ("leave", "approve"): (ApproveLeave, "hr", "leave_id"),
    ("leave", "reject"): (RejectLeave, "hr", "leave_id"),
}
"""(kind, decision) → the command, its service and the record's id field."""
FORMS: dict[str, tuple[type[BaseModel], str, tuple[str, ...]]] = {
    "appeal": (DecideAppeal, "hr", APPEAL_DECIDERS),
    "overtime": (AssignOvertime, "hr", OVERTIME_LEADERS),
}

router = APIRouter(prefix="/approvals")


def _aware(value: str, tz: str) -> str:
    """A datetime-local value read in the business time zone; other text is left for the form's check."""
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return (when if when.tzinfo else when.replace(tzinfo=ZoneInfo(tz))).isoformat()


def _forbidden(request: Request, person: Person) -> Response:
    return render(request, "forbidden.html", {"person": person}, status_code=403)


async def _inbox(request: Request, person: Person) -> dict[str, Any]:
    shop = bo(request).shop
    refunds: ShopReply | None = None
    if person.holds(REFUND_DECIDERS):
        refunds = await shop.query(
            "aftersales",
            ListRefundCases(status=RefundCaseStatus.AWAITING_DECISION, limit=INBOX_LIMIT),
            person.actor,
        )
    leave: ShopReply | None = None
    approver_roles = tuple(r for r in person.roles if r in LEAVE_APPROVERS)
    if approver_roles:
        leave = await shop.query(
            "hr",
            LeaveRequests(approver_id=person.id, approver_roles=approver_roles, limit=INBOX_LIMIT),
            person.actor,
        )
    refund_rows = (refunds.result or {}).get("cases", []) if refunds and refunds.ok else []
    leave_rows = (leave.result or {}).get("requests", []) if leave and leave.ok else []
    return {
        "person": person,
        "refunds": refunds,
        "refund_rows": refund_rows,
        "leave": leave,
        "leave_rows": leave_rows,
        "waiting": len(refund_rows) + len(leave_rows),
    }


async def _page(
    request: Request,
    person: Person,
    *,
    refused: ShopReply | None = None,
    errored: dict[str, Form] | None = None,
) -> Response:
    forms = {
        kind: form_for(
            model, f"/approvals/new/{kind}", fixed={"overtime_id": ""} if kind == "overtime" else None
        )
        for kind, (model, _service, roles) in FORMS.items()
        if person.holds(roles)
    }
    forms.update(errored or {})
    context = {
        **await _inbox(request, person),
        "forms": forms,
        "refused": refused,
        "may_export": person.holds(RefundLedger.read_roles),
    }
    failed = refused is not None or bool(errored)
    return render(request, "approvals/home.html", context, status_code=400 if failed else 200)


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _page(request, person)


@router.get("/inbox", response_class=HTMLResponse)
async def inbox(request: Request, person: SignedIn) -> Response:
    """The list alone, refreshed when after-sales or HR record a case or a leave request."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return render(request, "approvals/_inbox.html", await _inbox(request, person))


@router.post("/{kind}/{record_id}/{decision}", response_class=HTMLResponse)
async def decide(request: Request, person: SignedIn, kind: str, record_id: str, decision: str) -> Response:
    """Approve or reject; the service checks that this person is the approver (AS-2, HR-18,
    HR-22, HR-26) and refuses anyone else, which the page shows."""
    found = DECISIONS.get((kind, decision))
    if not person.holds(ROLES) or found is None:
        return _forbidden(request, person)
    model, service, id_field = found
    shop = bo(request).shop
    posted = {k: str(v) for k, v in (await request.form()).items()}
    command = parse_form(model, posted, person.actor, shop.new_command_id(), {id_field: record_id})
    if isinstance(command, ShopReply):
        reply = command
    else:
        assert isinstance(command, Command)
        reply = await shop.command(service, command, person.actor)
    if not reply.ok:
        return await _page(request, person, refused=reply)
    return redirect("/approvals")


@router.post("/new/{kind}", response_class=HTMLResponse)
async def create(request: Request, person: SignedIn, kind: str) -> Response:
    """An appeal's decision (DIS-10) or ordered overtime (HR-30) through its contract's form."""
    if not person.holds(ROLES) or kind not in FORMS:
        return _forbidden(request, person)
    model, service, _roles = FORMS[kind]
    shop = bo(request).shop
    posted = {k: str(v) for k, v in (await request.form()).items()}
    fixed = {"overtime_id": shop.new_command_id("ot")} if kind == "overtime" else {}
    if kind == "overtime":  # the browser's datetime-local is business time (Asia/Shanghai)
        posted = {
            k: _aware(v, bo(request).business_tz) if k in ("start_at", "end_at") else v
            for k, v in posted.items()
        }
    command = parse_form(model, posted, person.actor, shop.new_command_id(), fixed)
    if isinstance(command, ShopReply):
        reply = command
    else:
        assert isinstance(command, Command)
        reply = await shop.command(service, command, person.actor)
    if not reply.ok:
        shown = {"overtime_id": ""} if kind == "overtime" else None
        form = form_for(model, f"/approvals/new/{kind}", values=posted, reply=reply, fixed=shown)
        return await _page(request, person, errored={kind: form})
    return redirect("/approvals")
