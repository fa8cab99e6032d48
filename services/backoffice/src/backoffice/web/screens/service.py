"""Customer service's home (issue 18 part 3; AS-1..AS-9, AS-15, AS-18, ORD-10): the work due first.

- Refund and return cases by state (SM-RET): waiting for the supervisor's decision (AS-2), the
  not-received branch (approved, refunded without a return) and the received branch (the return
  shipment, arrival, the return note 退貨單, inspection and receipt, AS-4, AS-6, AS-7), the
  negotiation after a rejection (AS-5). Each case has its record page with its event history and
  the actions its state allows, shown to the roles of after-sales' default table (the service
  refuses anyone else, `forbidden`, and the page says so).
- The return note (退貨單, AS-6) as PDF: after-sales draws it with shop_print (embedded CJK font,
  local times, the clerk's and the inspector's signature lines); the page serves it.
- Inspection (InspectReturn, AS-7): the accessories found and missing, one per line.
- Complaints with their 24-hour response deadline counting down (AS-15), escalation (AS-19);
  customer flags proposed and decided (AS-18); out-of-stock notices to the buyer (ORD-10).
- The refund ledger (AS-9) as a spreadsheet (`service_ledger`).

The page refreshes by server-sent events when after-sales records a case, complaint or flag.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, redirect, render
from backoffice.web.forms import Form, form_for, parse_form
from backoffice.web.screens.service_ledger import ledger, ledger_workbook
from shop_contracts.commands import aftersales as a
from shop_contracts.commands.orders import NotifyOutOfStock
from shop_contracts.messages import Command
from shop_contracts.queries.aftersales import (
    CASE_READERS,
    ComplaintBoard,
    CustomerFlags,
    CustomerFlagStatus,
    GetRefundCase,
    ListRefundCases,
    RefundCaseStatus,
    RefundLedger,
    RenderReturnNote,
)

S = RefundCaseStatus
ROLES: tuple[str, ...] = ("aftersales_cs", "presales_cs", "cs_supervisor", "duty_cs_manager")
"""Who has the customer-service home in the menu (rules.md §0; AS-15..AS-19)."""
CASE_ROLES: tuple[str, ...] = tuple(dict.fromkeys((*ROLES, *CASE_READERS)))
"""Who opens a case's record page: customer service and every reader of refund cases (AS-2), so
the order clerk issues the return note and the supervisor releases the refund from it."""
LEDGER_ROLES: tuple[str, ...] = RefundLedger.read_roles
"""Who exports the refund ledger (AS-9): after-sales' readers of `RefundLedger`."""
CS = ("aftersales_cs", "presales_cs")
CASE_LIST_LIMIT = 100
"""Cases shown per state on the home, oldest first."""

QUEUES: tuple[tuple[str, tuple[RefundCaseStatus, ...]], ...] = (
    ("Waiting for the supervisor's decision (AS-2)", (S.AWAITING_DECISION,)),
    ("Goods not received: approved, refund without a return (AS-3)", (S.APPROVED_NO_RETURN,)),
    (
        "Goods received: the return (AS-4, AS-6, AS-7)",
        (
            S.AWAITING_RETURN_SHIPMENT,
            S.RETURN_IN_TRANSIT,
            S.RETURN_ARRIVED,
            S.RETURN_NOTE_ISSUED,
            S.INSPECTED,
            S.RECEIPT_CONFIRMED,
        ),
    ),
    ("Negotiation after a rejection (AS-5)", (S.NEGOTIATION,)),
)
"""The home's case queues: the branch a case is on, received or not received (AS-2, SM-RET)."""


@dataclass(frozen=True)
class Action:
    """One action on a record: its command, the service, the record's id field, the roles of the
    service's default table (who sees it) and the states in which it is offered."""

    slug: str
    model: type[BaseModel]
    service: str
    id_field: str
    roles: tuple[str, ...]
    states: tuple[str, ...]
    label: str


CASE_ACTIONS: tuple[Action, ...] = (
    Action("issue-return-note", a.IssueReturnNote, "aftersales", "case_id", ("order_clerk",),
           (S.RETURN_ARRIVED,), "Issue the return note (退貨單, AS-6)"),
    Action("inspect", a.InspectReturn, "aftersales", "case_id", ("aftersales_cs",),
           (S.RETURN_NOTE_ISSUED,), "Record the inspection (AS-7)"),
    Action("confirm-receipt", a.ConfirmReturnReceipt, "aftersales", "case_id", ("aftersales_cs",),
           (S.INSPECTED,), "Confirm receipt of the goods (AS-7, AS-8)"),
    Action("conclude", a.ConcludeNegotiation, "aftersales", "case_id", CS,
           (S.NEGOTIATION,), "Conclude the negotiation (AS-5)"),
    Action("issue-refund", a.IssueRefund, "aftersales", "case_id", ("dept_supervisor",),
           (S.APPROVED_NO_RETURN, S.RECEIPT_CONFIRMED), "Issue the refund (AS-8, AS-9)"),
)  # fmt: skip
"""The case page's actions (aftersales' COMMAND_ROLES default; the decision itself is in the
approval inbox). A deployment with another AFTERSALES_COMMAND_ROLES sees the service's refusal."""

COMPLAINT_ACTIONS: tuple[Action, ...] = (
    Action("respond", a.RespondToComplaint, "aftersales", "complaint_id", (*CS, "cs_supervisor"),
           ("Open", "Escalated"), "Respond (AS-15)"),
    Action("escalate", a.EscalateComplaint, "aftersales", "complaint_id", CS, ("Open", "Responded"),
           "Escalate to the supervisor (AS-19)"),
    Action("resolve", a.ResolveComplaint, "aftersales", "complaint_id", (*CS, "cs_supervisor"),
           ("Open", "Responded", "Escalated"), "Resolve (AS-15)"),
)  # fmt: skip
FLAG_ACTIONS: tuple[Action, ...] = (
    Action("confirm", a.ConfirmCustomerFlag, "aftersales", "customer_id", ("cs_supervisor",),
           (CustomerFlagStatus.PROPOSED,), "Confirm the flag (AS-18)"),
    Action("reject", a.RejectCustomerFlag, "aftersales", "customer_id", ("cs_supervisor",),
           (CustomerFlagStatus.PROPOSED,), "Dismiss the flag (AS-18)"),
)  # fmt: skip
NEW_FORMS: dict[str, tuple[type[BaseModel], str, str, tuple[str, ...]]] = {
    "complaint": (a.RegisterComplaint, "aftersales", "complaint_id", CS),
    "flag": (a.FlagCustomer, "aftersales", "", CS),
    "out-of-stock": (NotifyOutOfStock, "orders", "", ("aftersales_cs",)),
}
"""The home's forms: register a complaint (AS-15), propose a flag (AS-18), tell the buyer a line is
out of stock (ORD-10, orders' default table). A generated id is the back office's (`complaint_id`)."""
LIST_FIELDS = ("accessories_present", "missing_accessories")
"""InspectReturn's lists (AS-7): one accessory per line in the form."""

router = APIRouter(prefix="/service")


def _now(request: Request) -> dt.datetime:
    return bo(request).clock.now()


def _today(request: Request) -> dt.date:
    return _now(request).astimezone(ZoneInfo(bo(request).business_tz)).date()


def _forbidden(request: Request, person: Person) -> Response:
    return render(request, "forbidden.html", {"person": person}, status_code=403)


def _remaining(respond_by: str | None, now: dt.datetime) -> int | None:
    """Seconds left before the AS-15 deadline (negative once overdue)."""
    if not respond_by:
        return None
    return int((dt.datetime.fromisoformat(respond_by) - now).total_seconds())


async def _queues(request: Request, person: Person) -> list[dict[str, Any]]:
    shop = bo(request).shop
    out = []
    for label, states in QUEUES:
        cases: list[dict[str, Any]] = []
        error: ShopReply | None = None
        for state in states:
            reply = await shop.query(
                "aftersales", ListRefundCases(status=state, limit=CASE_LIST_LIMIT), person.actor
            )
            if reply.ok:
                cases.extend((reply.result or {}).get("cases", []))
            else:
                error = reply
        out.append({"label": label, "cases": cases, "error": error})
    return out


def _forms(person: Person, errored: dict[str, Form] | None = None) -> dict[str, Form]:
    forms = {}
    for key, (model, _service, id_field, roles) in NEW_FORMS.items():
        if person.holds(roles):
            fixed = {id_field: ""} if id_field else {}
            forms[key] = form_for(model, f"/service/new/{key}", fixed=fixed)
    forms.update(errored or {})
    return forms


async def _board(request: Request, person: Person) -> dict[str, Any]:
    shop, now = bo(request).shop, _now(request)
    board = await shop.query("aftersales", ComplaintBoard(), person.actor)
    complaints: list[dict[str, Any]] = []
    if board.ok:
        seen: set[str] = set()
        for name in ("overdue", "open", "escalated"):
            for c in (board.result or {}).get(name, []):
                if c["complaint_id"] not in seen:
                    seen.add(c["complaint_id"])
                    complaints.append({**c, "remaining": _remaining(c.get("respond_by"), now)})
    flags = await shop.query("aftersales", CustomerFlags(), person.actor)
    return {
        "person": person,
        "queues": await _queues(request, person),
        "board": board,
        "complaints": complaints,
        "complaint_actions": [x for x in COMPLAINT_ACTIONS if person.holds(x.roles)],
        "flags": flags,
        "flag_actions": [x for x in FLAG_ACTIONS if person.holds(x.roles)],
    }


async def _home(
    request: Request,
    person: Person,
    *,
    errored: dict[str, Form] | None = None,
    refused: ShopReply | None = None,
) -> Response:
    context = {
        **await _board(request, person),
        "forms": _forms(person, errored),
        "refused": refused,
        "may_export": person.holds(LEDGER_ROLES),
        "today": _today(request),
    }
    failed = bool(errored) or refused is not None
    return render(request, "service/home.html", context, status_code=400 if failed else 200)


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _home(request, person)


@router.get("/board", response_class=HTMLResponse)
async def board(request: Request, person: SignedIn) -> Response:
    """The home's work lists alone: refreshed by server-sent events from after-sales."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return render(request, "service/_board.html", await _board(request, person))


async def _posted(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items()}


async def _send(
    request: Request,
    person: Person,
    model: type[BaseModel],
    service: str,
    posted: dict[str, str],
    fixed: dict[str, str],
) -> ShopReply:
    shop = bo(request).shop
    command = parse_form(model, posted, person.actor, shop.new_command_id(), fixed)
    if isinstance(command, ShopReply):
        return command
    assert isinstance(command, Command)
    return await shop.command(service, command, person.actor)


@router.post("/new/{kind}", response_class=HTMLResponse)
async def create(request: Request, person: SignedIn, kind: str) -> Response:
    if not person.holds(ROLES) or kind not in NEW_FORMS:
        return _forbidden(request, person)
    model, service, id_field, _roles = NEW_FORMS[kind]
    posted = await _posted(request)
    fixed = {id_field: bo(request).shop.new_command_id(kind)} if id_field else {}
    reply = await _send(request, person, model, service, posted, fixed)
    if not reply.ok:
        shown = {id_field: ""} if id_field else {}
        form = form_for(model, f"/service/new/{kind}", values=posted, reply=reply, fixed=shown)
        return await _home(request, person, errored={kind: form})
    return redirect("/service")


@router.post("/act/{record}/{record_id}/{slug}", response_class=HTMLResponse)
async def record_action(
    request: Request, person: SignedIn, record: str, record_id: str, slug: str
) -> Response:
    """A complaint's or a flag's action from the home; the service decides who may (AS-15, AS-18)."""
    actions = {"complaints": COMPLAINT_ACTIONS, "flags": FLAG_ACTIONS}.get(record, ())
    action = next((x for x in actions if x.slug == slug), None)
    if not person.holds(ROLES) or action is None:
        return _forbidden(request, person)
    reply = await _send(
        request, person, action.model, action.service, await _posted(request), {action.id_field: record_id}
    )
    if not reply.ok:
        return await _home(request, person, refused=reply)
    return redirect("/service")


# --- one refund case: its record page, its actions, its return note ---


def _case_forms(
    person: Person, case: dict[str, Any], errored: dict[str, Form] | None
) -> list[tuple[Action, Form]]:
    out = []
    for action in CASE_ACTIONS:
        if case.get("status") in action.states and person.holds(action.roles):
            form = (errored or {}).get(action.slug) or form_for(
                action.model,
                f"/service/cases/{case['case_id']}/{action.slug}",
                fixed={action.id_field: case["case_id"]},
            )
            for field in form.inputs:  # the accessories found and missing, one per line (AS-7)
                if field.name in LIST_FIELDS:
                    field.kind = "textarea"
                    field.value = "" if field.value == "()" else field.value  # the empty default
            out.append((action, form))
    return out


async def _case_page(
    request: Request,
    person: Person,
    case_id: str,
    *,
    errored: dict[str, Form] | None = None,
    refused: ShopReply | None = None,
) -> Response:
    """The case's record page; a refusal of an action not offered here (a forged post) is shown
    above the record with the service's code, rule id and message."""
    reply = await bo(request).shop.query("aftersales", GetRefundCase(case_id=case_id), person.actor)
    if not reply.ok:
        return render(
            request,
            "service/case.html",
            {"person": person, "reply": reply, "case": None},
            status_code=404 if reply.code == "not_found" else 400,
        )
    case: dict[str, Any] = reply.result
    statuses = [e["event_type"] for e in case.get("history", [])]
    context = {
        "person": person,
        "reply": reply,
        "case": case,
        "history": {"ok": True, "result": {"events": case.get("history", [])}},
        "actions": (actions := _case_forms(person, case, errored)),
        "refused": refused if not any(x.slug in (errored or {}) for x, _f in actions) else None,
        "note_issued": "ReturnNoteIssued" in statuses,
    }
    return render(request, "service/case.html", context, status_code=400 if errored or refused else 200)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, person: SignedIn, case_id: str) -> Response:
    if not person.holds(CASE_ROLES):
        return _forbidden(request, person)
    return await _case_page(request, person, case_id)


def _inspection(posted: dict[str, str], person: Person, command_id: str, case_id: str) -> Command | ShopReply:
    """InspectReturn from the form: the accessories found and missing one per line (AS-7)."""
    lists = {f: [x.strip() for x in posted.get(f, "").splitlines() if x.strip()] for f in LIST_FIELDS}
    document: dict[str, Any] = {
        "command_id": command_id,
        "actor": person.actor,
        "case_id": case_id,
        "goods_match": posted.get("goods_match") in ("on", "true", "1"),
        "damaged": posted.get("damaged") in ("on", "true", "1"),
        "note": posted.get("note", ""),
        **lists,
    }
    try:
        return a.InspectReturn.model_validate(document)
    except ValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"][:1]) or "(body)": e["msg"] for e in exc.errors()}
        return ShopReply(
            False, code="invalid", message=f"InspectReturn is not valid: {', '.join(fields)}", fields=fields
        )


@router.post("/cases/{case_id}/{slug}", response_class=HTMLResponse)
async def case_action(request: Request, person: SignedIn, case_id: str, slug: str) -> Response:
    action = next((x for x in CASE_ACTIONS if x.slug == slug), None)
    if not person.holds(CASE_ROLES) or action is None:
        return _forbidden(request, person)
    posted = await _posted(request)
    shop = bo(request).shop
    fixed = {action.id_field: case_id}
    reply: ShopReply
    if action.model is a.InspectReturn:  # the accessory lists, one per line (AS-7)
        inspection = _inspection(posted, person, shop.new_command_id(), case_id)
        reply = (
            inspection
            if isinstance(inspection, ShopReply)
            else await shop.command(action.service, inspection, person.actor)
        )
    else:
        reply = await _send(request, person, action.model, action.service, posted, fixed)
    if not reply.ok:
        form = form_for(
            action.model, f"/service/cases/{case_id}/{slug}", values=posted, reply=reply, fixed=fixed
        )
        return await _case_page(request, person, case_id, errored={slug: form}, refused=reply)
    return redirect(f"/service/cases/{case_id}")


@router.get("/cases/{case_id}/return-note.pdf")
async def return_note(request: Request, person: SignedIn, case_id: str) -> Response:
    """The 退貨單 as after-sales draws it (AS-6): embedded CJK font, local times, signature lines."""
    if not person.holds(CASE_ROLES):
        return _forbidden(request, person)
    reply = await bo(request).shop.query("aftersales", RenderReturnNote(case_id=case_id), person.actor)
    if not reply.ok:
        return render(request, "service/refused.html", {"person": person, "reply": reply}, status_code=400)
    pdf = base64.b64decode((reply.result or {}).get("pdf_base64", ""))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="return-note-{case_id}.pdf"'},
    )


@router.get("/ledger.xlsx")
async def ledger_export(
    request: Request, person: SignedIn, date_from: str | None = None, date_to: str | None = None
) -> Response:
    """The refund ledger (AS-9) of the days asked (default: this month so far) as .xlsx."""
    if not person.holds(LEDGER_ROLES):
        return _forbidden(request, person)
    today = _today(request)
    try:
        query = RefundLedger(
            date_from=dt.date.fromisoformat(date_from) if date_from else today.replace(day=1),
            date_to=dt.date.fromisoformat(date_to) if date_to else today,
        )
    except ValueError as exc:
        reply = ShopReply(False, code="invalid", message=f"date_from/date_to (AS-9): {exc}")
        return render(request, "service/refused.html", {"person": person, "reply": reply}, status_code=400)
    found = await ledger(bo(request).shop, query, person.actor)
    if isinstance(found, ShopReply):
        return render(request, "service/refused.html", {"person": person, "reply": found}, status_code=400)
    name = f"refund-ledger-{query.date_from.isoformat()}-{query.date_to.isoformat()}.xlsx"
    return Response(
        ledger_workbook(found, query, bo(request).business_tz),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
