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

Every action is shown only to `ROLES` and checked again on each POST; the services refuse a
person without the role (`forbidden`) and the page says so.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, redirect, render
from backoffice.web.screens.warehouse_report import inventory_pdf
from shop_contracts.commands.fulfilment import (
    CheckAccessories,
    DispatchShipment,
    RefuseOutbound,
    StampOutboundNote,
)
from shop_contracts.commands.stock import (
    CompileMonthlyInventoryReport,
    ReceiveInbound,
    RecordStocktake,
    RejectInbound,
)
from shop_contracts.messages import Command
from shop_contracts.queries.catalog import GetProduct
from shop_contracts.queries.fulfilment import GetShipment, ListShipments, ShipmentStatus
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
        "queues": await _queues(request, person),
        "stock": await _stock(request, person),
    }
    return render(request, "warehouse/home.html", context)


@router.get("/queues", response_class=HTMLResponse)
async def queues(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    context = {"person": person, "queues": await _queues(request, person)}
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
    status = shipment.get("status", "")
    offered = [name for name, (_, states) in ACTIONS.items() if status in {s.value for s in states}]
    context = {
        "person": person,
        "shipment_id": shipment_id,
        "got": got,
        "shipment": shipment,
        "lines": await _accessories(request, person, shipment) if got.ok else [],
        "offered": offered,
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
    if action not in ACTIONS:
        return render(request, "forbidden.html", {"person": person}, status_code=404)
    posted = await _posted(request)
    model = ACTIONS[action][0]
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
    elif action == "refuse":
        document["reason"] = _one(posted, "reason")
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
    lot = await _lot(request, person, sku, lot_no)
    context = {"person": person, "sku": sku, "lot_no": lot_no, "lot": lot}
    return render(request, "warehouse/lot.html", context, status_code=200 if lot else 404)


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
