"""The warehouse keeper's home (issue 18 part 3 "warehouse keeper", part 5 the inventory report).

Work due first: the shipments handed over in the packet whose accessories are to be checked
(InPacket), checked ones to dispatch (AccessoriesChecked), dispatched ones whose outbound note
awaits the 發貨專用章 (Dispatched), refused ones waiting for the clerk (Refused), SM-SHIP. Each
shipment has its own page with its event history: the accessories checklist built from the
products' accessory lists (the catalogue's, read for the SKUs GetShipment answers; tick what is
in the box, CheckAccessories, a missing item is FUL-4's refusal), dispatch against the 出庫單
(FUL-5), the stamp (StampOutboundNote, FUL-6: only then it counts as shipped) and a refusal with
its reason (RefuseOutbound, FUL-5).

The stock side: goods receipt against the delivery note (ReceiveInbound, the counted quantity
and name beside the note's; the mismatches the service recorded shown on the lot's page, or the
delivery refused with RejectInbound, FUL-12, FUL-22), stock levels with their lots in FIFO order
(FUL-13, FUL-20), the monthly inventory report (CompileMonthlyInventoryReport, FUL-14, printed
as PDF with its signature lines) and the quarterly stocktake with finance (RecordStocktake with
the counted lots, FUL-15).

The rest of the keeper's day: the day's shipping report filled in once every shipment is stamped,
refused or cancelled (FillDailyShippingReport, FUL-1 step 5) and handed to the department manager,
which closes the day (SubmitDailyShippingReport, FUL-7); a recall of a checked or dispatched
shipment answered (ConfirmShipmentRecalled when the parcel is back, DeclineShipmentRecall when it
already left; SM-SHIP); a lot received `pending` inspected (RecordLotInspection, FUL-22); a surplus,
shortage or damage found outside a stocktake reported with its cause, who is responsible and the
remedy (ReportStockDiscrepancy, FUL-15); the day's goods ledger closed (CloseDailyLedger, FUL-13 日清).

Every action is shown only to `ROLES` and checked again on each POST; the services refuse a
person without the role (`forbidden`) and the page says so.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import typing
from collections.abc import Awaitable, Callable
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, redirect, render
from backoffice.web.forms import Form, form_for, parse_form
from backoffice.web.screens.warehouse_report import inventory_pdf
from shop_contracts.commands.fulfilment import (
    CheckAccessories,
    ConfirmShipmentRecalled,
    DeclineShipmentRecall,
    DispatchShipment,
    FillDailyShippingReport,
    RefuseOutbound,
    StampOutboundNote,
    SubmitDailyShippingReport,
)
from shop_contracts.commands.stock import (
    CloseDailyLedger,
    CompileMonthlyInventoryReport,
    ReceiveInbound,
    RecordLotInspection,
    RecordStocktake,
    RejectInbound,
    ReportStockDiscrepancy,
)
from shop_contracts.messages import Command
from shop_contracts.queries.catalog import GetProduct
from shop_contracts.queries.fulfilment import (
    GetShipment,
    GetShippingDay,
    ListShipments,
    ShipmentStatus,
    ShippingDayStatus,
)
from shop_contracts.queries.stock import MonthlyInventoryReport, StockLevels

ROLES = ("warehouse_keeper",)
router = APIRouter(prefix="/warehouse")

S = ShipmentStatus
QUEUES = (S.IN_PACKET, S.ACCESSORIES_CHECKED, S.DISPATCHED, S.REFUSED)
"""The keeper's work due, in the order of SM-SHIP: check (FUL-4), dispatch (FUL-5), stamp
(FUL-6); refused ones wait for the order clerk's fix (FUL-5)."""
ACTIONS: dict[str, tuple[type[Command], tuple[ShipmentStatus, ...]]] = {
    "check": (CheckAccessories, (S.IN_PACKET,)),
    "dispatch": (DispatchShipment, (S.ACCESSORIES_CHECKED,)),
    "stamp": (StampOutboundNote, (S.DISPATCHED,)),
    "refuse": (RefuseOutbound, (S.IN_PACKET, S.ACCESSORIES_CHECKED)),
}
"""Each action on a shipment page, and the states in which the page offers it (SM-SHIP)."""
RECALL_ACTIONS: dict[str, type[Command]] = {
    "recalled": ConfirmShipmentRecalled,
    "decline": DeclineShipmentRecall,
}
"""SM-SHIP: while a recall is open the shipment is held (no check, dispatch or stamp); the page
offers only the keeper's two answers: the parcel is back, or it already left with the courier."""
RECALLABLE = (S.ACCESSORIES_CHECKED, S.DISPATCHED)
"""SM-SHIP: the states in which a cancellation becomes a recall the keeper answers."""
D = ShippingDayStatus
DAY_ACTIONS: dict[str, tuple[type[Command], tuple[ShippingDayStatus, ...]]] = {
    "fill": (FillDailyShippingReport, (D.HANDED_TO_WAREHOUSE, D.DISPATCHING)),
    "submit": (SubmitDailyShippingReport, (D.REPORT_FILLED,)),
}
"""The keeper's steps on the day's report and the day's states offering them (SM-SHIP-BATCH): fill
it in after the hand-over (FUL-1 step 5), hand the filled one to the department manager (FUL-7)."""
DAY_DONE: dict[str, tuple[ShippingDayStatus, ...]] = {
    "fill": (D.REPORT_FILLED, D.CLOSED),
    "submit": (D.CLOSED,),
}
DAY_PAGE = 200
"""Shipments per GetShippingDay page (the service answers at most 500 per reply)."""
QUEUE_LIMIT = 100
STOCK_LIMIT = 200
SETTLE_S = 3.0
"""How long an action waits for the service's read side to show what it just recorded, so the
page it opens next shows it (the reads are eventually consistent)."""
LABEL_FIELDS = ("name", "specification", "model", "production_date", "shelf_life_days", "safety_warning")
"""FUL-22: what a lot's label shows, entered on the receipt form as `label.<field>`."""


def _today(request: Request) -> dt.date:
    return bo(request).clock.now().astimezone(ZoneInfo(bo(request).business_tz)).date()


async def _settle(read: Callable[[], Awaitable[bool]], seconds: float = SETTLE_S) -> None:
    """Ask `read` until it says the read side caught up, at most `seconds`."""
    deadline = asyncio.get_running_loop().time() + seconds
    for _ in range(int(seconds / 0.1) + 1):
        if await read() or asyncio.get_running_loop().time() >= deadline:
            return
        await asyncio.sleep(0.1)


def _forbidden(request: Request, person: Person) -> Response:
    return render(request, "forbidden.html", {"person": person}, status_code=403)


def _status(reply: ShopReply | None) -> int:
    if reply is None or reply.ok:
        return 200
    return 403 if reply.code == "forbidden" else 400


def _result(reply: ShopReply) -> dict[str, Any]:
    return reply.result if reply.ok and isinstance(reply.result, dict) else {}


async def _queues(request: Request, person: Person) -> dict[str, Any]:
    shop = bo(request).shop
    out: dict[str, Any] = {}
    for status in QUEUES:
        reply = await shop.query("fulfilment", ListShipments(status=status, limit=QUEUE_LIMIT), person.actor)
        out[status.value] = {"reply": reply, **_result(reply)}
    return out


def recalls(queues: dict[str, Any]) -> list[dict[str, Any]]:
    """The checked or dispatched shipments whose recall waits for the keeper's answer (SM-SHIP)."""
    return [
        s
        for status in RECALLABLE
        for s in queues.get(status.value, {}).get("shipments") or []
        if _recall(s).get("status") == "open"
    ]


async def _stock(request: Request, person: Person) -> ShopReply:
    return await bo(request).shop.query("fulfilment", StockLevels(limit=STOCK_LIMIT), person.actor)


def _errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "(body)"
        errors.setdefault(path, err["msg"])
    return errors


def _validate(model: type[BaseModel], document: dict[str, Any]) -> BaseModel | ShopReply:
    """The command, or an `invalid` reply naming each bad field by its path (`label.model`, `lines.0.cause`)."""
    try:
        return model.model_validate(document)
    except ValidationError as exc:
        errors = _errors(exc)
        return ShopReply(
            False,
            code="invalid",
            message=f"{model.__name__} is not valid: {', '.join(errors)}",
            fields=errors,
        )


async def _send(request: Request, person: Person, command: BaseModel | ShopReply) -> ShopReply:
    if isinstance(command, ShopReply):
        return command
    assert isinstance(command, Command)
    return await bo(request).shop.command("fulfilment", command, person.actor)


async def _posted(request: Request) -> dict[str, list[str]]:
    form = await request.form()
    out: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if key != "csrf_token":
            out.setdefault(key, []).append(str(value))
    return out


def _one(posted: dict[str, list[str]], name: str) -> str:
    return (posted.get(name) or [""])[0].strip()


# --- home -------------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    today = _today(request)
    context = {
        "person": person,
        "today": today,
        "month": f"{today.year:04d}-{today.month:02d}",
        "queues": (due := await _queues(request, person)),
        "recalls": recalls(due),
        "stock": await _stock(request, person),
    }
    return render(request, "warehouse/home.html", context)


@router.get("/queues", response_class=HTMLResponse)
async def queues(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    due = await _queues(request, person)
    context = {"person": person, "queues": due, "recalls": recalls(due)}
    return render(request, "warehouse/queues.html", context)


@router.get("/stock", response_class=HTMLResponse)
async def stock(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return render(request, "warehouse/stock.html", {"person": person, "stock": await _stock(request, person)})


# --- one shipment: checklist, dispatch, stamp, refusal (FUL-4..FUL-6) --------------------------


async def _accessories(request: Request, person: Person, shipment: dict[str, Any]) -> list[dict[str, Any]]:
    """The checklist per product line: the catalogue's accessory list for each SKU of the shipment
    (FUL-4, decision 0011), and what the last check recorded as present or missing."""
    details = shipment.get("details") or {}
    checked = set(details.get("checklist") or [])
    missing = set(details.get("missing") or [])
    out: list[dict[str, Any]] = []
    for line in details.get("lines") or []:
        sku = str(line.get("sku", ""))
        reply = await bo(request).shop.query("catalog", GetProduct(sku=sku), person.actor)
        product = _result(reply)
        names = [str(a) for a in product.get("accessories", [])]
        out.append(
            {
                "sku": sku,
                "name": product.get("name") or "",
                "quantity": line.get("quantity"),
                "accessories": [{"name": n, "present": n in checked, "missing": n in missing} for n in names],
                "unknown": not reply.ok,
            }
        )
    return out


def _recall(shipment: dict[str, Any]) -> dict[str, Any]:
    recall = (shipment.get("details") or {}).get("recall")
    return recall if isinstance(recall, dict) else {}


def offered(shipment: dict[str, Any]) -> list[str]:
    """The actions the shipment page offers: the recall's two answers while a recall is open,
    else ACTIONS by the shipment's state (SM-SHIP)."""
    if _recall(shipment).get("status") == "open":
        return list(RECALL_ACTIONS)
    status = str(shipment.get("status", ""))
    return [name for name, (_, states) in ACTIONS.items() if status in {s.value for s in states}]


async def _shipment_page(
    request: Request,
    person: Person,
    shipment_id: str,
    *,
    action: str | None = None,
    reply: ShopReply | None = None,
    posted: dict[str, list[str]] | None = None,
) -> Response:
    shop = bo(request).shop
    got = await shop.query("fulfilment", GetShipment(shipment_id=shipment_id), person.actor)
    shipment = _result(got)
    context = {
        "person": person,
        "shipment_id": shipment_id,
        "got": got,
        "shipment": shipment,
        "lines": await _accessories(request, person, shipment) if got.ok else [],
        "offered": offered(shipment),
        "recall": _recall(shipment),
        "action": action,
        "reply": reply,
        "posted": posted or {},
    }
    code = _status(reply) if reply is not None else (200 if got.ok else 404)
    return render(request, "warehouse/shipment.html", context, status_code=code)


@router.get("/shipments/{shipment_id}", response_class=HTMLResponse)
async def shipment_page(request: Request, person: SignedIn, shipment_id: str) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _shipment_page(request, person, shipment_id)


@router.post("/shipments/{shipment_id}/{action}", response_class=HTMLResponse)
async def shipment_action(request: Request, person: SignedIn, shipment_id: str, action: str) -> Response:
    """One of ACTIONS; the body's fields are the command's (`present` ticked, `carrier`, `reason`)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    if action not in ACTIONS and action not in RECALL_ACTIONS:
        return render(request, "forbidden.html", {"person": person}, status_code=404)
    posted = await _posted(request)
    model = ACTIONS[action][0] if action in ACTIONS else RECALL_ACTIONS[action]
    shop = bo(request).shop
    document: dict[str, Any] = {
        "command_id": shop.new_command_id(f"wh-{action}"),
        "actor": person.actor,
        "shipment_id": shipment_id,
    }
    if action == "check":
        extra = [a.strip() for a in _one(posted, "other").split(",") if a.strip()]
        document["present"] = tuple(dict.fromkeys([*posted.get("present", []), *extra]))
    elif action == "dispatch" and _one(posted, "carrier"):
        document["carrier"] = _one(posted, "carrier")
    elif action in ("refuse", "decline"):
        document["reason"] = _one(posted, "reason")
    elif action == "recalled":
        document["note"] = _one(posted, "note")
    reply = await _send(request, person, _validate(model, document))
    if not reply.ok:
        return await _shipment_page(request, person, shipment_id, action=action, reply=reply, posted=posted)

    async def caught_up() -> bool:
        got = await shop.query("fulfilment", GetShipment(shipment_id=shipment_id), person.actor)
        return int(_result(got).get("version") or 0) >= int(reply.version or 0)

    await _settle(caught_up)
    return redirect(f"/warehouse/shipments/{shipment_id}?done={action}")


# --- goods receipt against the delivery note (FUL-12, FUL-17, FUL-22) ---------------------------


def _receipt_document(posted: dict[str, list[str]]) -> dict[str, Any]:
    label = {name: _one(posted, f"label.{name}") for name in LABEL_FIELDS}
    document: dict[str, Any] = {
        name: _one(posted, name)
        for name in (
            "sku",
            "lot_no",
            "supplier",
            "delivery_note_no",
            "note_name",
            "note_quantity",
            "received_name",
            "received_quantity",
            "inspection",
            "custodian",
            "marking",
        )
    }
    document = {k: v for k, v in document.items() if v != ""}
    document["label"] = {k: v for k, v in label.items() if v != ""}
    document["special"] = _one(posted, "special") in ("on", "true", "1")
    return document


def _mismatches(posted: dict[str, list[str]]) -> list[dict[str, str]]:
    """Where the counted goods differ from the delivery note (FUL-12): quantity and name."""
    out = []
    for name, note, found in (
        ("quantity", "note_quantity", "received_quantity"),
        ("name", "note_name", "received_name"),
    ):
        if _one(posted, note) != _one(posted, found):
            out.append({"field": name, "on_note": _one(posted, note), "found": _one(posted, found)})
    return out


@router.get("/receipt", response_class=HTMLResponse)
async def receipt_form(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return render(request, "warehouse/receipt.html", {"person": person, "posted": {}, "reply": None})


@router.post("/receipt", response_class=HTMLResponse)
async def receive(request: Request, person: SignedIn) -> Response:
    """ReceiveInbound (the lot is taken in, mismatches recorded), or RejectInbound when the keeper
    refuses the delivery (`decision=reject`, with a reason; FUL-12)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    shop = bo(request).shop
    base = {"command_id": shop.new_command_id("wh-inbound"), "actor": person.actor}
    document = _receipt_document(posted)
    command: BaseModel | ShopReply
    if _one(posted, "decision") == "reject":
        rejected: dict[str, Any] = {
            k: document[k] for k in ("sku", "lot_no", "supplier", "delivery_note_no") if k in document
        }
        reason = _one(posted, "reason")
        command = _validate(
            RejectInbound,
            {**base, **rejected, "mismatches": _mismatches(posted), **({"reason": reason} if reason else {})},
        )
    else:
        command = _validate(ReceiveInbound, {**base, **document})
    reply = await _send(request, person, command)
    if not reply.ok:
        context = {"person": person, "posted": posted, "reply": reply, "mismatches": _mismatches(posted)}
        return render(request, "warehouse/receipt.html", context, status_code=_status(reply))
    if _one(posted, "decision") == "reject":
        return redirect("/warehouse?done=rejected")

    async def lot_shown() -> bool:
        return await _lot(request, person, document["sku"], document["lot_no"]) is not None

    await _settle(lot_shown)
    return redirect(f"/warehouse/lots/{document['sku']}/{document['lot_no']}")


@router.get("/lots/{sku}/{lot_no}", response_class=HTMLResponse)
async def lot_page(request: Request, person: SignedIn, sku: str, lot_no: str) -> Response:
    """One lot as received: the delivery note beside what was found, the recorded mismatches (FUL-12)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _lot_page(request, person, sku, lot_no)


async def _lot(request: Request, person: Person, sku: str, lot_no: str) -> dict[str, Any] | None:
    reply = await bo(request).shop.query(
        "fulfilment", StockLevels(sku=sku, with_lots=True, all_lots=True, limit=1), person.actor
    )
    items = _result(reply).get("items", [])
    found = (lot for item in items if item.get("sku") == sku for lot in item.get("lots", []))
    return next((lot for lot in found if lot.get("lot_no") == lot_no), None)


# --- the monthly inventory report (FUL-13, FUL-14) ----------------------------------------------


async def _report(request: Request, person: Person, month: str) -> ShopReply:
    return await bo(request).shop.query(
        "fulfilment", MonthlyInventoryReport(month=month, limit=1000), person.actor
    )


def _month_ok(month: str) -> bool:
    try:
        MonthlyInventoryReport(month=month)
    except ValidationError:
        return False
    return True


@router.get("/inventory/{month}", response_class=HTMLResponse)
async def inventory(request: Request, person: SignedIn, month: str) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    if not _month_ok(month):
        return render(request, "forbidden.html", {"person": person}, status_code=404)
    context = {
        "person": person,
        "month": month,
        "report": await _report(request, person, month),
        "reply": None,
    }
    return render(request, "warehouse/inventory.html", context)


@router.post("/inventory", response_class=HTMLResponse)
async def compile_inventory(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    month = _one(posted, "month")
    document = {
        "command_id": bo(request).shop.new_command_id("wh-month"),
        "actor": person.actor,
        "month": month,
    }
    reply = await _send(request, person, _validate(CompileMonthlyInventoryReport, document))
    if not reply.ok:
        shown = month if _month_ok(month) else f"{_today(request):%Y-%m}"
        context = {
            "person": person,
            "month": shown,
            "report": await _report(request, person, shown),
            "reply": reply,
        }
        return render(request, "warehouse/inventory.html", context, status_code=_status(reply))

    async def compiled() -> bool:
        return bool(_result(await _report(request, person, month)).get("compiled"))

    await _settle(compiled)
    return redirect(f"/warehouse/inventory/{month}")


@router.get("/inventory/{month}/pdf")
async def inventory_report_pdf(request: Request, person: SignedIn, month: str) -> Response:
    """The report as PDF (FUL-14): embedded CJK font, local times, the signature lines."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    if not _month_ok(month):
        return render(request, "forbidden.html", {"person": person}, status_code=404)
    reply = await _report(request, person, month)
    if not reply.ok:
        context = {"person": person, "month": month, "report": reply, "reply": reply}
        return render(request, "warehouse/inventory.html", context, status_code=_status(reply))
    content = inventory_pdf(_result(reply), bo(request).business_tz)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="inventory-{month}.pdf"'},
    )


# --- the quarterly stocktake with finance (FUL-15) ----------------------------------------------


@router.get("/stocktake", response_class=HTMLResponse)
async def stocktake_form(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    context = {"person": person, "stock": await _stock(request, person), "posted": {}, "reply": None}
    return render(request, "warehouse/stocktake.html", context)


def _stocktake_lines(posted: dict[str, list[str]]) -> tuple[list[dict[str, Any]], list[int]]:
    """Row i of the form is `sku.i`, `lot_no.i`, `counted.i`, `damaged.i`, `cause.i`, `responsible.i`,
    `remedy.i`; a row without `counted` was not counted and is left out. Returns the lines and,
    for each line, its row on the form."""
    lines: list[dict[str, Any]] = []
    used: list[int] = []
    rows = sorted({int(k.split(".", 1)[1]) for k in posted if k.startswith("sku.") and k[4:].isdigit()})
    for i in rows:
        if _one(posted, f"counted.{i}") == "":
            continue
        line: dict[str, Any] = {
            name: _one(posted, f"{name}.{i}")
            for name in ("sku", "lot_no", "counted", "damaged", "cause", "responsible", "remedy")
        }
        lines.append({k: v for k, v in line.items() if v != ""})
        used.append(i)
    return lines, used


def _row_errors(reply: ShopReply, rows: list[int]) -> dict[str, str]:
    """`lines.<n>.<field>` of the reply as `<field>.<row>`, the name of the input on the form."""
    out: dict[str, str] = {}
    for path, problem in reply.fields.items():
        parts = path.split(".")
        if len(parts) >= 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(rows):
            out[f"{parts[2]}.{rows[int(parts[1])]}"] = problem
        elif len(parts) == 2 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(rows):
            out[f"counted.{rows[int(parts[1])]}"] = problem
    return out


@router.post("/stocktake", response_class=HTMLResponse)
async def record_stocktake(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = await _posted(request)
    shop = bo(request).shop
    stocktake_id = f"st-{_today(request):%Y%m%d}-{shop.new_command_id('x')[-8:]}"
    witness = _one(posted, "finance_witness")
    lines, rows = _stocktake_lines(posted)
    document: dict[str, Any] = {
        "command_id": shop.new_command_id("wh-stocktake"),
        "actor": person.actor,
        "stocktake_id": stocktake_id,
        "lines": lines,
        **({"finance_witness": witness} if witness else {}),
    }
    reply = await _send(request, person, _validate(RecordStocktake, document))
    if not reply.ok:
        context = {
            "person": person,
            "stock": await _stock(request, person),
            "posted": posted,
            "reply": reply,
            "row_errors": _row_errors(reply, rows),
        }
        return render(request, "warehouse/stocktake.html", context, status_code=_status(reply))
    return redirect(f"/warehouse/stocktakes/{stocktake_id}")


@router.get("/stocktakes/{stocktake_id}", response_class=HTMLResponse)
async def stocktake_page(request: Request, person: SignedIn, stocktake_id: str) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return render(request, "warehouse/stocktake_done.html", {"person": person, "stocktake_id": stocktake_id})


# --- forms from the contracts' command models -------------------------------------------------


def command_form(
    model: type[BaseModel],
    action: str,
    *,
    values: dict[str, str] | None = None,
    reply: ShopReply | None = None,
    fixed: dict[str, str] | None = None,
) -> Form:
    """`form_for`, with a `Literal` field (an inspection's outcome, a discrepancy's kind) offered as
    a select of its values."""
    form = form_for(model, action, values=values, reply=reply, fixed=fixed)
    for item in form.inputs:
        info = model.model_fields.get(item.name)
        if info is not None and typing.get_origin(info.annotation) is Literal:
            item.kind, item.options = "select", [str(a) for a in typing.get_args(info.annotation)]
    return form


def _flat(posted: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in posted.items() if v}


Failed = tuple[str, dict[str, str], ShopReply]
"""The action whose post was refused, what was typed, and the refusal (shown beside the fields)."""


def _failed_form(
    name: str,
    model: type[BaseModel],
    action: str,
    fixed: dict[str, str],
    failed: Failed | None,
    values: dict[str, str] | None = None,
) -> Form:
    if failed is not None and failed[0] == name:
        return command_form(model, action, values=failed[1], reply=failed[2], fixed=fixed)
    return command_form(model, action, values=values, fixed=fixed)


# --- a lot: its inspection (FUL-22) and a discrepancy outside a stocktake (FUL-15) ---------------

LOT_ACTIONS: dict[str, type[Command]] = {
    "inspection": RecordLotInspection,
    "discrepancy": ReportStockDiscrepancy,
}
"""The forms of a lot's page: the inspection of a lot received `pending` (FUL-22), offered only
while it is pending; a surplus, shortage or damage found outside a stocktake (FUL-15)."""


def _lot_fixed(name: str, sku: str, lot_no: str, report_id: str = "") -> dict[str, str]:
    fixed = {"sku": sku, "lot_no": lot_no}
    return {**fixed, "report_id": report_id} if name == "discrepancy" else fixed


async def _lot_page(
    request: Request, person: Person, sku: str, lot_no: str, failed: Failed | None = None
) -> Response:
    lot = await _lot(request, person, sku, lot_no)
    forms: dict[str, Form] = {}
    if lot is not None:
        for name, model in LOT_ACTIONS.items():
            if name == "inspection" and lot.get("inspection") != "pending":
                continue
            action = f"/warehouse/lots/{sku}/{lot_no}/{name}"
            forms[name] = _failed_form(name, model, action, _lot_fixed(name, sku, lot_no, "x"), failed)
    context = {"person": person, "sku": sku, "lot_no": lot_no, "lot": lot, "forms": forms}
    code = _status(failed[2]) if failed else (200 if lot else 404)
    return render(request, "warehouse/lot.html", context, status_code=code)


@router.post("/lots/{sku}/{lot_no}/{action}", response_class=HTMLResponse)
async def lot_action(request: Request, person: SignedIn, sku: str, lot_no: str, action: str) -> Response:
    """RecordLotInspection (FUL-22) or ReportStockDiscrepancy (FUL-15) on one lot."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    if action not in LOT_ACTIONS:
        return render(request, "forbidden.html", {"person": person}, status_code=404)
    posted = _flat(await _posted(request))
    shop = bo(request).shop
    before = await _lot(request, person, sku, lot_no)
    report_id = f"sd-{_today(request):%Y%m%d}-{shop.new_command_id('x')[-8:]}"
    fixed = _lot_fixed(action, sku, lot_no, report_id)
    command = parse_form(
        LOT_ACTIONS[action], posted, person.actor, shop.new_command_id(f"wh-{action}"), fixed
    )
    reply = await _send(request, person, command)
    if not reply.ok:
        return await _lot_page(request, person, sku, lot_no, (action, posted, reply))

    async def changed() -> bool:
        return await _lot(request, person, sku, lot_no) != before

    await _settle(changed)
    done = f"{action}&report={report_id}" if action == "discrepancy" else action
    return redirect(f"/warehouse/lots/{sku}/{lot_no}?done={done}")


# --- the day's shipping report: filled and handed to the manager (FUL-1 step 5, FUL-7) ----------


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


async def _shipping_day(request: Request, person: Person, day: dt.date) -> ShopReply:
    """The day with all its shipments, read page by page (a reply never carries a whole day)."""
    shop = bo(request).shop
    first = await shop.query("fulfilment", GetShippingDay(batch_date=day, limit=DAY_PAGE), person.actor)
    if not first.ok:
        return first
    shipments = list(first.result["shipments"])
    while len(shipments) < int(first.result["total"]):
        more = await shop.query(
            "fulfilment", GetShippingDay(batch_date=day, limit=DAY_PAGE, offset=len(shipments)), person.actor
        )
        if not more.ok or not more.result["shipments"]:
            break
        shipments.extend(more.result["shipments"])
    return ShopReply(True, {**first.result, "shipments": shipments})


def day_forms(day: dt.date, status: str, failed: Failed | None = None) -> dict[str, Form]:
    """The day's report actions its state offers (DAY_ACTIONS, SM-SHIP-BATCH)."""
    fixed = {"batch_date": day.isoformat()}
    return {
        name: _failed_form(name, model, f"/warehouse/days/{day.isoformat()}/{name}", fixed, failed)
        for name, (model, states) in DAY_ACTIONS.items()
        if status in {s.value for s in states}
    }


async def _day_page(request: Request, person: Person, day: dt.date, failed: Failed | None = None) -> Response:
    got = await _shipping_day(request, person, day)
    status = str(_result(got).get("status", ""))
    forms = day_forms(day, status, failed)
    context = {
        "person": person,
        "day": day.isoformat(),
        "got": got,
        "shipping_day": _result(got),
        "forms": forms,
        "reply": failed[2] if failed and failed[0] not in forms else None,
    }
    code = _status(failed[2]) if failed else (200 if got.ok or got.code == "not_found" else _status(got))
    return render(request, "warehouse/day.html", context, status_code=code)


@router.get("/days/{day}", response_class=HTMLResponse)
async def day_page(request: Request, person: SignedIn, day: str) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    batch_date = _day(day)
    if batch_date is None:
        return render(request, "forbidden.html", {"person": person}, status_code=404)
    return await _day_page(request, person, batch_date)


@router.post("/days/{day}/{action}", response_class=HTMLResponse)
async def day_action(request: Request, person: SignedIn, day: str, action: str) -> Response:
    """FillDailyShippingReport (FUL-1 step 5) or SubmitDailyShippingReport (FUL-7) for the day."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    batch_date = _day(day)
    if batch_date is None or action not in DAY_ACTIONS:
        return render(request, "forbidden.html", {"person": person}, status_code=404)
    posted = _flat(await _posted(request))
    shop = bo(request).shop
    fixed = {"batch_date": batch_date.isoformat()}
    model = DAY_ACTIONS[action][0]
    reply = await _send(
        request, person, parse_form(model, posted, person.actor, shop.new_command_id(f"wh-{action}"), fixed)
    )
    if not reply.ok:
        return await _day_page(request, person, batch_date, (action, posted, reply))

    async def moved_on() -> bool:
        got = await shop.query("fulfilment", GetShippingDay(batch_date=batch_date, limit=1), person.actor)
        return str(_result(got).get("status")) in {s.value for s in DAY_DONE[action]}

    await _settle(moved_on)
    return redirect(f"/warehouse/days/{batch_date.isoformat()}?done={action}")


# --- the day's goods ledger closed (FUL-13 日清) -------------------------------------------------


def _ledger_context(person: Person, day: str, form: Form) -> dict[str, Any]:
    return {"person": person, "day": day, "form": form}


@router.get("/ledger", response_class=HTMLResponse)
async def ledger_form(request: Request, person: SignedIn) -> Response:
    """CloseDailyLedger's form for `?day=` (default today) and that day's ledger history."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    chosen = _day(request.query_params.get("day", "")) or _today(request)
    form = command_form(CloseDailyLedger, "/warehouse/ledger", values={"day": chosen.isoformat()})
    return render(request, "warehouse/ledger.html", _ledger_context(person, chosen.isoformat(), form))


@router.post("/ledger", response_class=HTMLResponse)
async def close_ledger(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    posted = _flat(await _posted(request))
    shop = bo(request).shop
    command = parse_form(CloseDailyLedger, posted, person.actor, shop.new_command_id("wh-ledger"))
    reply = await _send(request, person, command)
    if not reply.ok:
        form = command_form(CloseDailyLedger, "/warehouse/ledger", values=posted, reply=reply)
        day = posted.get("day", "") if _day(posted.get("day", "")) else ""
        context = _ledger_context(person, day, form)
        return render(request, "warehouse/ledger.html", context, status_code=_status(reply))
    return redirect(f"/warehouse/ledger?day={posted['day']}&done=closed")
