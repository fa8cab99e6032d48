"""The order clerk's home (issue 18 part 3 and part 5; FUL-1, FUL-2, FUL-3, FUL-7, SM-SHIP-BATCH).

- Today's queue around the 14:00 cut-off (FUL-2): the shipments of today's shipping day, which make
  today's batch, and those of the next day, which rolled past the cut-off; each day read page by
  page from GetShippingDay (a reply never carries a whole day).
- "Make the daily report" (GenerateDailyShippingReport, FUL-1 step 1; the service refuses it before
  the cut-off, FUL-2, and the page shows the rule).
- The packet: every shipment with its four documents (the day's report, waybill, outbound note
  出庫單, invoice; FUL-3), each printable alone, and the whole batch printed as ONE PDF: each
  document fetched with its own RenderDocument (NATS replies are limited to 1 MB, so the batch is
  never asked for in one reply) and merged page by page with pypdf in the back office, written to a
  spooled temporary file and streamed out in chunks.
- The hand-over of the packet to the warehouse keeper (HandOverShippingPacket, FUL-1 step 4, FUL-3)
  with the document numbers taken from the day itself, never typed by hand; the keeper's filling
  and submitting of the report (FillDailyShippingReport, SubmitDailyShippingReport; FUL-1 step 5,
  FUL-7) are shown to whoever holds the keeper's role.
- The page refreshes by server-sent events on the day's and the shipments' events.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import tempfile
from collections.abc import Iterator
from typing import Any, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from pypdf import PdfReader, PdfWriter

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, redirect, render
from backoffice.web.forms import Form, form_for, parse_form
from shop_contracts.commands.fulfilment import (
    FillDailyShippingReport,
    GenerateDailyShippingReport,
    HandOverShippingPacket,
    SubmitDailyShippingReport,
)
from shop_contracts.messages import Command
from shop_contracts.queries.fulfilment import DocumentKind, GetShippingDay, RenderDocument, ShippingDayHistory

CLERK: Final = "order_clerk"
KEEPER: Final = "warehouse_keeper"
ROLES: Final = (CLERK,)
"""Who has the order clerk's home (FUL-1)."""
PAGE: Final = 200
"""Shipments per GetShippingDay page (the service answers at most 500 per reply)."""
SHIPMENT_DOCUMENTS: Final = (DocumentKind.WAYBILL, DocumentKind.OUTBOUND_NOTE, DocumentKind.INVOICE)
"""Each shipment's three documents after the day's report, in the packet's order (FUL-3)."""
CHUNK: Final = 64 * 1024
SETTLE_TRIES: Final = 30
SETTLE_PAUSE_S: Final = 0.1
"""After an action the home waits up to 3 s for the day's read model to change its state."""


class ClerkScreen(BaseSettings):
    """What the clerk's home shows about the shipping day (env prefix `BACKOFFICE_CLERK_`)."""

    model_config = SettingsConfigDict(env_prefix="BACKOFFICE_CLERK_", extra="ignore")

    cutoff: dt.time = Field(
        dt.time(14, 0),
        description="FUL-2: the cut-off shown beside the queues; set it to the fulfilment service's "
        "FULFILMENT_CUTOFF (the service alone decides which day an order joins)",
    )


ACTIONS: Final[dict[str, tuple[type[Command], tuple[str, ...]]]] = {
    "generate": (GenerateDailyShippingReport, (CLERK,)),
    "hand-over": (HandOverShippingPacket, (CLERK,)),
    "fill": (FillDailyShippingReport, (KEEPER,)),
    "submit": (SubmitDailyShippingReport, (KEEPER,)),
}
"""Each action's command and the roles shown it: the default of FULFILMENT_COMMAND_ROLES (FUL-1,
FUL-7). Only showing: fulfilment's own table decides, and refuses anyone else (`forbidden`)."""

router = APIRouter(prefix="/clerk")


def _forbidden(request: Request, person: Person) -> Response:
    return render(request, "forbidden.html", {"person": person}, status_code=403)


def _today(request: Request) -> dt.date:
    backoffice = bo(request)
    return backoffice.clock.now().astimezone(ZoneInfo(backoffice.business_tz)).date()


def _day_of(request: Request, day: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(day) if day else _today(request)
    except ValueError:
        return _today(request)


async def shipping_day(request: Request, person: Person, day: dt.date) -> ShopReply:
    """The day with every one of its shipments, read page by page (FUL-1); `not_found` when the day
    has none yet."""
    shop = bo(request).shop
    first = await shop.query("fulfilment", GetShippingDay(batch_date=day, limit=PAGE), person.actor)
    if not first.ok:
        return first
    shipments = list(first.result["shipments"])
    while len(shipments) < first.result["total"]:
        more = await shop.query(
            "fulfilment", GetShippingDay(batch_date=day, limit=PAGE, offset=len(shipments)), person.actor
        )
        if not more.ok:
            return more
        if not more.result["shipments"]:
            break
        shipments.extend(more.result["shipments"])
    return ShopReply(True, {**first.result, "shipments": shipments})


def packet_numbers(day: dict[str, Any]) -> dict[str, Any]:
    """The packet's document numbers as the day holds them (FUL-3): the report's and every
    documented shipment's waybill, outbound note and invoice."""
    documented = [s for s in day["shipments"] if s["documents"].get("waybill_no")]
    return {
        "report_no": day.get("report_no"),
        "waybill_nos": [s["documents"]["waybill_no"] for s in documented],
        "outbound_note_nos": [s["documents"]["outbound_note_no"] for s in documented],
        "invoice_nos": [s["documents"]["invoice_no"] for s in documented],
    }


def _forms(day: dt.date, failed: tuple[str, dict[str, str], ShopReply] | None) -> dict[str, Form]:
    forms = {}
    for action, (model, _) in ACTIONS.items():
        values, reply = (failed[1], failed[2]) if failed and failed[0] == action else (None, None)
        fixed = {"batch_date": day.isoformat()}
        if model is HandOverShippingPacket:
            fixed |= {"report_no": "", "waybill_nos": "", "outbound_note_nos": "", "invoice_nos": ""}
        forms[action] = form_for(
            model, f"/clerk/days/{day.isoformat()}/{action}", values=values, reply=reply, fixed=fixed
        )
    return forms


async def _home(
    request: Request,
    person: Person,
    day: dt.date,
    failed: tuple[str, dict[str, str], ShopReply] | None = None,
) -> Response:
    today = await shipping_day(request, person, day)
    tomorrow = await shipping_day(request, person, day + dt.timedelta(days=1))
    context = {
        "person": person,
        "day": day,
        "next_day": day + dt.timedelta(days=1),
        "cutoff": ClerkScreen().cutoff,
        "today": today,
        "tomorrow": tomorrow,
        "allowed": [a for a, (_, roles) in ACTIONS.items() if person.holds(roles)],
        "forms": _forms(day, failed),
        "failed": failed[0] if failed else None,
        "refusal": failed[2] if failed else None,
    }
    status = 200 if failed is None else 403 if failed[2].code == "forbidden" else 400
    return render(request, "clerk/home.html", context, status_code=status)


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn, day: str | None = None) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _home(request, person, _day_of(request, day))


@router.get("/days/{batch_date}/queues", response_class=HTMLResponse)
async def queues(request: Request, person: SignedIn, batch_date: dt.date) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    context = {
        "person": person,
        "day": batch_date,
        "next_day": batch_date + dt.timedelta(days=1),
        "cutoff": ClerkScreen().cutoff,
        "today": await shipping_day(request, person, batch_date),
        "tomorrow": await shipping_day(request, person, batch_date + dt.timedelta(days=1)),
    }
    return render(request, "clerk/_queues.html", context)


@router.get("/days/{batch_date}/history", response_class=HTMLResponse)
async def day_history(request: Request, person: SignedIn, batch_date: dt.date) -> Response:
    """The shipping day's events (who, when, what; SM-SHIP-BATCH) from ShippingDayHistory, page by page."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    shop = bo(request).shop
    events: list[dict[str, Any]] = []
    reply = ShopReply(True, {"total": 0})
    while True:
        page = await shop.query(
            "fulfilment",
            ShippingDayHistory(batch_date=batch_date, limit=PAGE, offset=len(events)),
            person.actor,
        )
        if not page.ok:
            reply = page
            break
        events.extend(page.result["history"])
        if not page.result["history"] or len(events) >= page.result["total"]:
            reply = ShopReply(True, {"events": events})
            break
    return render(request, "components/history.html", {"person": person, "reply": reply})


@router.post("/days/{batch_date}/{action}", response_class=HTMLResponse)
async def act(request: Request, person: SignedIn, batch_date: dt.date, action: str) -> Response:
    """An action on the shipping day, sent with the person's token; fulfilment refuses whoever its
    role table does not name (`forbidden`). The packet's numbers come from the day (FUL-3)."""
    if action not in ACTIONS:
        return Response(f"no action {action!r} on a shipping day", status_code=404)
    model, _ = ACTIONS[action]
    shop = bo(request).shop
    posted = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    fixed = {"batch_date": batch_date.isoformat()}
    before = (await shipping_day(request, person, batch_date)).result or {}
    command: Any
    if model is HandOverShippingPacket:
        day = await shipping_day(request, person, batch_date)
        if not day.ok:
            return await _home(request, person, batch_date, (action, posted, day))
        to_keeper = posted.get("to_keeper", "").strip()
        try:
            command = HandOverShippingPacket(
                command_id=shop.new_command_id("packet"),
                actor=person.actor,
                batch_date=batch_date,
                to_keeper=to_keeper,
                **packet_numbers(day.result),
            )
        except ValueError:
            command = parse_form(model, posted, person.actor, shop.new_command_id("packet"), fixed)
    else:
        command = parse_form(model, posted, person.actor, shop.new_command_id("day"), fixed)
    if isinstance(command, ShopReply):
        reply = command
    else:
        reply = await shop.command("fulfilment", command, person.actor)
    if reply.ok:
        for _ in range(SETTLE_TRIES):  # read what was just written: the read model follows the events
            await asyncio.sleep(SETTLE_PAUSE_S)
            now = await shipping_day(request, person, batch_date)
            if now.ok and now.result.get("status") != before.get("status"):
                break
        return redirect(f"/clerk?day={batch_date.isoformat()}")
    return await _home(request, person, batch_date, (action, posted, reply))


async def _document(request: Request, person: Person, query: RenderDocument) -> bytes | ShopReply:
    reply = await bo(request).shop.query("fulfilment", query, person.actor)
    if not reply.ok:
        return reply
    return base64.b64decode(reply.result["pdf_base64"])


def _refused_document(request: Request, person: Person, what: str, reply: ShopReply) -> Response:
    status = 403 if reply.code == "forbidden" else 404 if reply.code == "not_found" else 502
    return render(
        request, "clerk/refused.html", {"person": person, "what": what, "reply": reply}, status_code=status
    )


@router.get("/documents/{kind}")
async def document(
    request: Request,
    person: SignedIn,
    kind: DocumentKind,
    batch_date: dt.date | None = None,
    shipment_id: str | None = None,
) -> Response:
    """One document as the service renders it (FUL-3)."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    try:
        query = RenderDocument(kind=kind, batch_date=batch_date, shipment_id=shipment_id)
    except ValueError as exc:
        return Response(str(exc), status_code=400)
    content = await _document(request, person, query)
    if isinstance(content, ShopReply):
        return _refused_document(request, person, f"{kind.value} {shipment_id or batch_date}", content)
    name = f"{kind.value}-{shipment_id or batch_date}.pdf"
    return Response(
        content, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'}
    )


def batch_documents(batch_date: dt.date, day: dict[str, Any]) -> list[RenderDocument]:
    """The batch's documents in the packet's order (FUL-3): the day's report, then each documented
    shipment's waybill, outbound note and invoice; one RenderDocument each."""
    wanted = [RenderDocument(kind=DocumentKind.REPORT, batch_date=batch_date)]
    for shipment in day["shipments"]:
        if shipment["documents"].get("waybill_no"):
            wanted += [
                RenderDocument(kind=k, shipment_id=shipment["shipment_id"]) for k in SHIPMENT_DOCUMENTS
            ]
    return wanted


def append_pages(writer: PdfWriter, content: bytes) -> None:
    """Every page of one rendered document, appended to the batch in its order."""
    for page in PdfReader(io.BytesIO(content)).pages:
        writer.add_page(page)


def _chunks(spooled: Any) -> Iterator[bytes]:
    try:
        spooled.seek(0)
        while chunk := spooled.read(CHUNK):
            yield chunk
    finally:
        spooled.close()


@router.get("/days/{batch_date}/batch.pdf")
async def batch_pdf(request: Request, person: SignedIn, batch_date: dt.date) -> Response:
    """The whole batch as ONE PDF (FUL-1, FUL-3): the day's report, then each documented shipment's
    waybill, outbound note 出庫單 and invoice, each fetched with its own RenderDocument and merged
    page by page with pypdf; streamed out of a spooled temporary file."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    day = await shipping_day(request, person, batch_date)
    if not day.ok:
        return _refused_document(request, person, f"shipping day {batch_date}", day)
    if not day.result.get("report_no"):
        refusal = ShopReply(
            False,
            code="rule_violated",
            rule="FUL-1",
            message=f"the daily report of {batch_date} is not made yet",
        )
        return _refused_document(request, person, f"shipping day {batch_date}", refusal)
    writer = PdfWriter()
    for query in batch_documents(batch_date, day.result):
        content = await _document(request, person, query)
        if isinstance(content, ShopReply):
            what = f"{query.kind.value} {query.shipment_id or batch_date}"
            return _refused_document(request, person, what, content)
        append_pages(writer, content)
    spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (closed by _chunks)
    writer.write(spooled)
    name = f"batch-{batch_date.isoformat()}.pdf"
    return StreamingResponse(
        _chunks(spooled),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
