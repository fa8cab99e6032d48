"""The back office's one composition root (issue 18): settings, store, issuer key, FastStream's
NATS router (as the NATS user `backoffice`, replies on `_INBOX_backoffice`, decision 0010), the
event subscriptions for live updates, the web application; and the first start.

First start: when the store holds no account, the first administrator's account is opened
(`BACKOFFICE_FIRST_ADMIN_ID`, default `admin`), the identity service grants it `identity_admin`
through the `shop-setup` program key (IDN-7), and its one-time link is printed on stdout; never
again after.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from backoffice.adapters.store import Store
from backoffice.domain.accounts import link_expires, new_secret
from backoffice.live import Change, Live
from backoffice.settings import BackofficeSettings
from backoffice.shop import Shop
from backoffice.web.app import create_app, csrf_refused, templates
from backoffice.web.core import Backoffice, CsrfGuard
from backoffice.web.i18n import load_catalogues
from jetstream_es.clock import Clock, SystemClock
from jetstream_es.identity import Issuer, SigningKey
from jetstream_es.provision import installed_services
from jetstream_es.settings import RuntimeSettings
from jetstream_es.sql import make_engine
from shop_contracts.commands.identity import GrantRole
from shop_contracts.envelope import Actor
from shop_contracts.headers import Header

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # "moved to faststream_fastapi" (0.7)
    from faststream.nats.fastapi import NatsMessage, NatsRouter
    from faststream.security import SASLPlaintext

log = structlog.get_logger(__name__)
NATS_USER = "backoffice"
SETUP_PROGRAM = Actor(id="shop-setup", roles=("identity_admin",))


@dataclass
class Built:
    app: FastAPI
    backoffice: Backoffice
    router: Any
    settings: BackofficeSettings


def identity_dir(settings: BackofficeSettings, runtime: RuntimeSettings) -> Path:
    if settings.identity_dir is not None:
        return settings.identity_dir
    return Path(os.environ.get("SHOP_IDENTITY_DIR") or runtime.var_dir / "identity")


def _load_key(path: Path, what: str) -> SigningKey:
    if not path.exists():
        raise SystemExit(
            f"{what} key {path} does not exist: run `make run` once or `shopops identity init` "
            "(BACKOFFICE_IDENTITY_DIR / SHOP_IDENTITY_DIR names the identity directory)"
        )
    return SigningKey.load(path)


def nats_router(runtime: RuntimeSettings) -> Any:
    options: dict[str, Any] = {
        "servers": [u.strip() for u in runtime.nats_url.split(",")],
        "name": "backoffice",
        "connect_timeout": runtime.connect_timeout,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.5,
        "inbox_prefix": runtime.inbox_prefix(runtime.nats_user or NATS_USER),
        "logger": None,
        "include_in_schema": False,
    }
    if runtime.nats_creds:
        options["user_credentials"] = str(runtime.nats_creds)
    elif runtime.nats_user:
        options["security"] = SASLPlaintext(username=runtime.nats_user, password=runtime.nats_password or "")
    return NatsRouter(**options)


def watch_events(router: Any, live: Live, services: list[str]) -> None:
    """Core NATS subscriptions to `<service>.events.>` feeding the live pages. They never reply
    (`no_reply`): an event append is a JetStream publish whose reply subject waits for the
    stream's PubAck, and an empty answer from here would reach the service first."""

    for service in services:

        async def on_event(message: NatsMessage) -> None:
            change = Change.of(message.raw_message.subject, (message.headers or {}).get(Header.EVENT_TYPE))
            if change is not None:
                live.publish(change)

        router.subscriber(f"{service}.events.>", no_reply=True)(on_event)


async def first_start(backoffice: Backoffice, settings: BackofficeSettings, setup_key: Path) -> str | None:
    """Open the first administrator's account when there is none; returns its one-time link."""
    store = backoffice.store
    if await store.count_accounts() > 0:
        return None
    admin = settings.first_admin_id
    now = backoffice.clock.now()
    grant = GrantRole(
        command_id=f"backoffice-first-admin-{admin}",
        actor=SETUP_PROGRAM,
        person_id=admin,
        role="identity_admin",
        reason="the back office's first administrator (first start)",
    )
    reply = await backoffice.shop.command(
        "identity", grant, SETUP_PROGRAM, Issuer(_load_key(setup_key, "shop-setup"))
    )
    if not reply.ok:
        raise SystemExit(
            f"the first administrator {admin} could not be granted identity_admin: {reply.code}: {reply.message}"
        )
    await store.add_account(admin, admin, now, "first-start")
    token = new_secret()
    await store.add_link(token, admin, link_expires(now, backoffice.policy), "first-start")
    return f"{backoffice.public_url}/link/{token}"


def health_routes(app: FastAPI, router: Any) -> None:
    """`/healthz`: the process serves (liveness); `/readyz`: connected to NATS, so staff's pages
    can ask the services (readiness; 503 otherwise). No session needed, nothing about the shop."""

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> PlainTextResponse:
        try:
            connected = bool(router.broker.connection.is_connected)
        except Exception:  # not started yet (or stopping): no connection object
            connected = False
        if connected:
            return PlainTextResponse("ready")
        return PlainTextResponse("not connected to NATS", status_code=503)


def build(
    settings: BackofficeSettings | None = None,
    runtime: RuntimeSettings | None = None,
    *,
    clock: Clock | None = None,
) -> Built:
    settings = settings or BackofficeSettings()
    runtime = runtime or RuntimeSettings()
    identity = identity_dir(settings, runtime)
    issuer = Issuer(_load_key(identity / "keys" / "issuer.json", "the person issuer's"))
    db_url = settings.db_url or f"sqlite+aiosqlite:///{(runtime.var_dir / 'backoffice.db').resolve()}"
    store = Store(make_engine(db_url))
    router = nats_router(runtime)

    async def send(subject: str, body: bytes, headers: dict[str, str], seconds: float) -> bytes:
        response = await router.broker.request(body, subject, headers=headers, timeout=seconds)
        data: bytes = response.body
        return data

    async def listen(
        subject: str, on_message: Callable[[bytes], Awaitable[None]]
    ) -> Callable[[], Awaitable[None]]:
        async def deliver(msg: Any) -> None:
            await on_message(msg.data)

        subscription = await router.broker.connection.subscribe(subject, cb=deliver)
        unsubscribe: Callable[[], Awaitable[None]] = subscription.unsubscribe
        return unsubscribe

    live = Live()
    watch_events(router, live, [spec.name for spec in installed_services()])

    public = settings.public_url or f"http://{settings.host}:{settings.port}"
    backoffice = Backoffice(
        store=store,
        shop=Shop(
            send,
            issuer,
            timeout=settings.request_timeout,
            listen=listen,
            inbox_prefix=runtime.inbox_prefix(runtime.nats_user or NATS_USER),
        ),
        live=live,
        clock=clock or SystemClock(),
        policy=settings.policy,
        templates=templates(),
        catalogues=load_catalogues(),
        default_language=settings.default_language,
        cookie_secure=settings.cookie_secure,
        public_url=public.rstrip("/"),
        business_tz=runtime.business_tz,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await store.create_tables()
        async with router.lifespan_context(app):
            link = await first_start(backoffice, settings, identity / "keys" / "shop-setup.json")
            if link is not None:
                print(
                    f"[backoffice] first start: the administrator {settings.first_admin_id} sets a password at {link}",
                    flush=True,
                )
            print(f"[backoffice] listening on {backoffice.public_url}", flush=True)
            yield
        await store.engine.dispose()

    app = create_app(backoffice, lifespan)  # the router has no HTTP routes: its lifespan is ours
    health_routes(app, router)
    app.add_middleware(CsrfGuard, store_of=lambda: store, refused=csrf_refused)
    return Built(app, backoffice, router, settings)


def main() -> None:
    import uvicorn

    built = build()
    uvicorn.run(built.app, host=built.settings.host, port=built.settings.port, log_level="warning")
