"""The order back office's home (issue 18 part 3; ORD-1, ORD-2, ORD-3, ORD-5, ORD-6, ORD-7, ORD-10).

- The work due first: the orders service's SlaBoard (ORD-1 refresh, ORD-2 contact within 10
  minutes, ORD-3 hand-over within 24 hours) with a live countdown to each step's `due_at`, counted
  from the service's own `now` (the SLA is the service's, never a number in a template); then the
  queues by state (SM-ORD): new orders (Placed, Paid) to view and contact, contacted orders to
  confirm (ORD-7), confirmed orders to hand over (ORD-3). The board refreshes by server-sent events
  whenever an order's events arrive.
- Each order on its own page (GetOrder) with its history (who, when, what) and the actions the
  person's roles allow: viewed (MarkOrderViewed, ORD-1), the customer contacted and the details
  verified (RecordCustomerContact, ORD-2), confirm (ConfirmOrder, ORD-7), hand over
  (HandOverOrder, ORD-3), correct address, phone, goods or size with a reason (CorrectOrderDetails,
  ORD-6; quantity and price are binding, ORD-5), out of stock notified (NotifyOutOfStock, ORD-10).
  Every form is the contract's command model. A post is always sent on with the person's token:
  the service decides, and a `forbidden` refusal is shown as such (403).
"""

from __future__ import annotations

import asyncio
from itertools import pairwise
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from backoffice.shop import ShopReply
from backoffice.web.core import Person, SignedIn, bo, redirect, render
from backoffice.web.forms import Form, Input, form_for, parse_form
from shop_contracts.commands.orders import (
    ConfirmOrder,
    CorrectOrderDetails,
    HandOverOrder,
    MarkOrderViewed,
    NotifyOutOfStock,
    OrderChanges,
    RecordCustomerContact,
)
from shop_contracts.messages import Command
from shop_contracts.queries.orders import GetOrder, ListOrders, OrderStatus, SlaBoard

BACKOFFICE: Final = "backoffice_order_staff"
AFTERSALES: Final = "aftersales_cs"
ROLES: Final = (BACKOFFICE, AFTERSALES)
"""Who has the order back office's home: the back-office order staff (ORD-1..ORD-3, ORD-7) and
after-sales customer service, who correct details (ORD-6) and notify stock-outs (ORD-10)."""

ACTIONS: Final[dict[str, tuple[type[Command], tuple[str, ...]]]] = {
    "viewed": (MarkOrderViewed, (BACKOFFICE,)),
    "contact": (RecordCustomerContact, (BACKOFFICE,)),
    "confirm": (ConfirmOrder, (BACKOFFICE,)),
    "hand-over": (HandOverOrder, (BACKOFFICE,)),
    "correct": (CorrectOrderDetails, (AFTERSALES,)),
    "out-of-stock": (NotifyOutOfStock, (AFTERSALES,)),
}
"""Each action's command and the roles shown it: the default of the orders service's
ORDERS_COMMAND_ROLES (ORD-1, ORD-2, ORD-7, ORD-3, ORD-6, ORD-10). Only showing: the service's own
table decides, and a post by anyone else is refused by it (`forbidden`)."""

QUEUES: Final = (
    ("new", (OrderStatus.PLACED, OrderStatus.PAID)),
    ("to_confirm", (OrderStatus.CONTACTED,)),
    ("to_hand_over", (OrderStatus.CONFIRMED,)),
)
"""The queues of the home by SM-ORD state: new orders to view and contact (ORD-1, ORD-2), contacted
orders to confirm (ORD-7), confirmed orders to hand over within 24 hours (ORD-3)."""
QUEUE_SIZE: Final = 50
BOARD_UPCOMING: Final = 100
CORRECTABLE: Final = ("recipient", "phone", "address")
"""OrderChanges' fields the correction form offers (ORD-6); the binding ones are not offered (ORD-5)."""
LINE_FIELDS: Final = ("line", "sku", "size")
SETTLE_TRIES: Final = 30
SETTLE_PAUSE_S: Final = 0.1
"""After an action the order page waits up to 3 s for the read model to reach the version written."""

router = APIRouter(prefix="/orders")


def _forbidden(request: Request, person: Person) -> Response:
    return render(request, "forbidden.html", {"person": person}, status_code=403)


async def _board(request: Request, person: Person) -> dict[str, Any]:
    shop = bo(request).shop
    board = await shop.query("orders", SlaBoard(upcoming=BOARD_UPCOMING), person.actor)
    queues: dict[str, list[dict[str, Any]]] = {}
    refused: ShopReply | None = None
    for name, states in QUEUES:
        rows: dict[str, dict[str, Any]] = {}  # an order moving between states while read is listed once
        for state in states:
            reply = await shop.query("orders", ListOrders(status=state, limit=QUEUE_SIZE), person.actor)
            if reply.ok:
                rows |= {o["order_id"]: o for o in reply.result["orders"]}
            else:
                refused = reply
        queues[name] = sorted(rows.values(), key=lambda o: o.get("placed_at") or "")
    due: dict[str, list[dict[str, Any]]] = {}
    if board.ok:
        for item in (*board.result["overdue"], *board.result["upcoming"]):
            due.setdefault(item["order_id"], []).append(item)
    return {"person": person, "board": board, "queues": queues, "due": due, "refused": refused}


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return render(request, "orders/home.html", await _board(request, person))


@router.get("/board", response_class=HTMLResponse)
async def board(request: Request, person: SignedIn) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return render(request, "orders/_board.html", await _board(request, person))


def correction_form(
    order_id: str, values: dict[str, str] | None = None, reply: ShopReply | None = None
) -> Form:
    """CorrectOrderDetails' form (ORD-6): its `reason`, the correctable fields of its `changes`
    (OrderChanges) and one line's goods or size (LineChange), named by their field paths so an
    `invalid` reply's paths (`changes.phone`, `changes.lines.0.sku`) land beside their inputs."""
    values = values or {}
    action = f"/orders/order/{order_id}/correct"
    reason = form_for(
        CorrectOrderDetails, action, values=values, reply=reply, fixed={"order_id": order_id, "changes": ""}
    )
    changes = form_for(OrderChanges, action)
    inputs = list(reason.inputs)
    for field in changes.inputs:
        if field.name in CORRECTABLE:
            path = f"changes.{field.name}"
            inputs.append(
                Input(
                    path, field.kind, False, values.get(path, ""), help=field.help, error=_error(reply, path)
                )
            )
    for name in LINE_FIELDS:
        path = f"changes.lines.0.{name}"
        kind = "number" if name == "line" else "text"
        inputs.append(Input(path, kind, False, values.get(path, ""), error=_error(reply, path)))
    return Form(CorrectOrderDetails, action, inputs, reply, hidden={"order_id": order_id})


def _error(reply: ShopReply | None, path: str) -> str:
    return reply.fields.get(path, "") if reply is not None else ""


def _nest(flat: dict[str, str]) -> dict[str, Any]:
    """`{"changes.lines.0.sku": "X"}` -> `{"changes": {"lines": [{"sku": "X"}]}}`; blanks are left out."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        if value.strip() == "":
            continue
        parts = path.split(".")
        node: Any = out
        for part, after in pairwise(parts):
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append([] if after.isdigit() else {})
                node = node[index]
            else:
                node = node.setdefault(part, [] if after.isdigit() else {})
        if isinstance(node, dict):
            node[parts[-1]] = value.strip()
    return out


def parse_correction(
    posted: dict[str, str], order_id: str, person: Person, command_id: str
) -> CorrectOrderDetails | ShopReply:
    """The CorrectOrderDetails of a posted correction form, or an `invalid` reply naming each bad
    field by its path (ORD-6)."""
    document = _nest({k: v for k, v in posted.items() if k == "reason" or k.startswith("changes.")})
    document.setdefault("changes", {})
    document |= {"order_id": order_id, "actor": person.actor, "command_id": command_id}
    try:
        return CorrectOrderDetails.model_validate(document)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            path = ".".join(str(p) for p in err["loc"]) or "(body)"
            cause = (err.get("ctx") or {}).get("error")
            named = getattr(cause, "fields", None) or ("",)
            for name in named:  # a model check names its fields relative to the model's path
                full = ".".join(p for p in (path if err["loc"] else "", name) if p) or path
                errors.setdefault(full, str(cause) if cause is not None else err["msg"])
        return ShopReply(
            False,
            code="invalid",
            message=f"CorrectOrderDetails is not valid: {', '.join(errors)} (ORD-6)",
            fields=errors,
        )


def _forms(order_id: str, failed: tuple[str, dict[str, str], ShopReply] | None) -> dict[str, Form]:
    def given(action: str) -> tuple[dict[str, str] | None, ShopReply | None]:
        if failed is not None and failed[0] == action:
            return failed[1], failed[2]
        return None, None

    forms: dict[str, Form] = {}
    for action, (model, _) in ACTIONS.items():
        values, reply = given(action)
        if action == "correct":
            forms[action] = correction_form(order_id, values, reply)
        else:
            forms[action] = form_for(
                model,
                f"/orders/order/{order_id}/{action}",
                values=values,
                reply=reply,
                fixed={"order_id": order_id},
            )
    return forms


async def _order_page(
    request: Request,
    person: Person,
    order_id: str,
    failed: tuple[str, dict[str, str], ShopReply] | None = None,
    after: int | None = None,
) -> Response:
    shop = bo(request).shop
    reply = await shop.query("orders", GetOrder(order_id=order_id), person.actor)
    for _ in range(SETTLE_TRIES):  # read what was just written: the read model follows the events
        if after is None or not reply.ok or int(reply.result.get("version") or 0) >= after:
            break
        await asyncio.sleep(SETTLE_PAUSE_S)
        reply = await shop.query("orders", GetOrder(order_id=order_id), person.actor)
    board = await shop.query("orders", SlaBoard(upcoming=BOARD_UPCOMING), person.actor)
    due = (
        [i for i in (*board.result["overdue"], *board.result["upcoming"]) if i["order_id"] == order_id]
        if board.ok
        else []
    )
    allowed = [action for action, (_, roles) in ACTIONS.items() if person.holds(roles)]
    status = 200
    if failed is not None:
        status = 403 if failed[2].code == "forbidden" else 400
    elif not reply.ok:
        status = 404 if reply.code == "not_found" else 400
    context = {
        "person": person,
        "order_id": order_id,
        "reply": reply,
        "order": reply.result if reply.ok else None,
        "board": board,
        "due": due,
        "allowed": allowed,
        "forms": _forms(order_id, failed),
        "failed": failed[0] if failed else None,
        "refusal": failed[2] if failed else None,
    }
    return render(request, "orders/order.html", context, status_code=status)


@router.get("/order/{order_id}", response_class=HTMLResponse)
async def order(request: Request, person: SignedIn, order_id: str, v: int | None = None) -> Response:
    if not person.holds(ROLES):
        return _forbidden(request, person)
    return await _order_page(request, person, order_id, after=v)


@router.get("/order/{order_id}/history", response_class=HTMLResponse)
async def history(request: Request, person: SignedIn, order_id: str) -> Response:
    """The order's events (who, when, what) as GetOrder answers them: its readers are the order's
    staff (ORD-7), who need not be readers of the generic History query."""
    if not person.holds(ROLES):
        return _forbidden(request, person)
    reply = await bo(request).shop.query("orders", GetOrder(order_id=order_id), person.actor)
    if reply.ok:
        reply = ShopReply(True, {"events": reply.result.get("history", [])})
    return render(request, "components/history.html", {"person": person, "reply": reply})


@router.post("/order/{order_id}/{action}", response_class=HTMLResponse)
async def act(request: Request, person: SignedIn, order_id: str, action: str) -> Response:
    """Any action of the order page: built from its contract model and sent with the person's token;
    the orders service refuses whoever its role table does not name (`forbidden`)."""
    if action not in ACTIONS:
        return Response(f"no action {action!r} on an order", status_code=404)
    model, _ = ACTIONS[action]
    shop = bo(request).shop
    posted = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    command: BaseModel | ShopReply
    if action == "correct":
        command = parse_correction(posted, order_id, person, shop.new_command_id("order"))
    else:
        command = parse_form(
            model, posted, person.actor, shop.new_command_id("order"), {"order_id": order_id}
        )
    if isinstance(command, ShopReply):
        reply = command
    else:
        assert isinstance(command, Command)
        reply = await shop.command("orders", command, person.actor)
    if reply.ok:
        return redirect(f"/orders/order/{order_id}" + (f"?v={reply.version}" if reply.version else ""))
    return await _order_page(request, person, order_id, (action, posted, reply))
