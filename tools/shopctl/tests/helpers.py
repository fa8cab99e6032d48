"""Running shopctl in tests (in a thread: each command runs its own event loop) and an Orders
service against a real server, with the snapshots that compare two of its databases.

Identity (issue 17): the services trust the session's test identity; `shopctl` runs signed in as
the test reader (every role) with that identity's issuer key, and `ask` signs each request as the
body's actor (or the reader), as jetstream_es.testing.harness does."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nats.aio.client import Client
from nats.js.errors import NotFoundError
from sqlalchemy import select
from typer.testing import CliRunner, Result

from jetstream_es.clock import FixedClock
from jetstream_es.provision import provision, shop_streams
from jetstream_es.service import ServiceRuntime
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.catalogue import list_products, listed
from jetstream_es.testing.harness import caught_up, request
from jetstream_es.testing.identity import READER, session_identity
from orders.bootstrap import SPEC, OrdersSettings, build
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.events.catalog import ProductListed
from shopctl import identity as shopctl_identity
from shopctl.cli import app

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ACCOUNT = "CN-ICBC-0001"
PLATFORM = {"id": "tmall", "roles": ["platform"]}
BACKOFFICE = {"id": "bo-1", "roles": ["backoffice_order_staff"]}
TV = listed("TV-55", "2999.00")


def signed_in(actor: dict[str, Any] | None = None) -> dict[str, str]:
    """shopctl's environment: the test identity's issuer key, and a session of `actor` (default the
    test reader, every role), recorded now so its roles are not asked of an identity service these
    tests do not run."""
    key = session_identity().key_file
    person, roles = (READER.id, READER.roles) if actor is None else (actor["id"], tuple(actor["roles"]))
    now = time.time()
    session = shopctl_identity.Session(person, roles, now, now + shopctl_identity.SESSION_TTL_S)
    session.save(shopctl_identity.session_path(key))
    return {"SHOP_IDENTITY_KEY": str(key)}


async def shopctl(*args: str, actor: dict[str, Any] | None = None) -> Result:
    """shopctl signed in as `actor` (default the test reader)."""
    env = signed_in(actor)
    return await asyncio.to_thread(lambda: CliRunner().invoke(app, list(args), env=env))


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]


async def start_orders(url: str, nc: Client, db: Path) -> ServiceRuntime:
    await provision(nc, shop_streams(), list(SPEC.consumers))
    runtime = build(
        RuntimeSettings(nats_url=url, connect_timeout=2, **session_identity().settings()),
        OrdersSettings(database_url=f"sqlite+aiosqlite:///{db}", company_accounts=[ACCOUNT]),
        clock=FixedClock(NOW),
    )
    await runtime.start()
    await list_once(nc, TV)  # orders sells only listed products (CAT-7)
    await caught_up(runtime)
    return runtime


async def list_once(nc: Client, product: ProductListed) -> None:
    """The catalogue lists `product` unless its stream already holds it (a restored server does)."""
    try:
        await nc.jetstream().get_last_msg(CATALOG_PRODUCT.stream, f"catalog.events.Product.{product.sku}")
    except NotFoundError:
        await list_products(nc, product)


async def ask(nc: Client, subject: str, body: dict[str, Any]) -> dict[str, Any]:
    """Signed as the body's actor, else the test reader (jetstream_es.testing.harness.request)."""
    return await request(nc, subject, body)


def place_body(order_id: str) -> dict[str, Any]:
    return {
        "command_id": f"place-{order_id}",
        "actor": PLATFORM,
        "order_id": order_id,
        "lines": [{"sku": "TV-55", "quantity": 1, "unit_price": "2999.00"}],
        "buyer_id": f"buyer-{order_id}",
        "shipping": {"recipient": "Li Lei", "phone": "13800000000", "address": "1 Nanjing Rd"},
        "channel": "tmall",
        "sales_owner": "sales-1",
    }


async def some_orders(nc: Client, ids: list[str], confirmed: int = 1) -> None:
    for order_id in ids:
        assert (await ask(nc, "orders.commands.PlaceOrder", place_body(order_id)))["ok"]
    for order_id in ids[:confirmed]:
        steps: list[tuple[str, dict[str, Any]]] = [
            (
                "RecordPayment",
                {"actor": PLATFORM, "amount": "2999.00", "payee_account": ACCOUNT, "payment_ref": "pay"},
            ),
            ("RecordCustomerContact", {"actor": BACKOFFICE, "details_verified": True}),
            ("ConfirmOrder", {"actor": BACKOFFICE}),
        ]
        for name, body in steps:
            reply = await ask(
                nc,
                f"orders.commands.{name}",
                {"command_id": f"{name}-{order_id}", "order_id": order_id, **body},
            )
            assert reply["ok"], reply


async def snapshot(nc: Client, ids: list[str]) -> dict[str, Any]:
    """What the Orders queries answer: the list and every order with its history."""
    listed = await ask(nc, "orders.queries.ListOrders", {"limit": 100})
    assert listed["ok"], listed
    orders = {}
    for order_id in ids:
        reply = await ask(nc, "orders.queries.GetOrder", {"order_id": order_id})
        orders[order_id] = reply.get("result") if reply["ok"] else reply["error"]["code"]
    return {"list": listed["result"], "orders": orders}


async def table_rows(runtime: ServiceRuntime, projection: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of a projection's live tables, by table key, in a stable order."""
    tables = runtime.runner(projection).tables
    result = {}
    async with runtime.engine.connect() as conn:
        for key, table in sorted(tables.items()):
            rows = (await conn.execute(select(table))).all()
            result[key] = sorted((tuple(r) for r in rows), key=repr)
    return result
