"""Where shopctl connects, and the errors it shows operators.

By default the embedded server of `make run` (`nats://127.0.0.1:4222`, data in `var/nats`, see
shopops.supervisor); any server by `--url` or `SHOP_NATS_URL`, with credentials by
`--creds` / `SHOP_NATS_CREDS` or `--user` / `--password` (`SHOP_NATS_USER`, `SHOP_NATS_PASSWORD`).
Services are found through the `shop.services` entry points, never by import.

Reply inboxes (decision 0010): shopctl's are `_INBOX_<user>.>`, `_INBOX_operator.>` when the user
is not named (a `.creds` file, or the embedded server without users): the operator's own inboxes,
under which the services may publish replay progress.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import nats.errors
from nats.aio.client import Client

from jetstream_es.provision import ServiceSpec, installed_services
from jetstream_es.settings import inbox_prefix

DEFAULT_URL = "nats://127.0.0.1:4222"


class ShopctlError(Exception):
    """An error shown to the operator as is, with the exit code to end with."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass(frozen=True)
class Target:
    url: str = DEFAULT_URL
    creds: Path | None = None
    user: str | None = None
    password: str | None = None
    timeout: float = 5.0

    @property
    def inbox_prefix(self) -> str:
        """The reply inbox prefix of this connection (decision 0010)."""
        return inbox_prefix(self.user or "operator")


async def _quiet(_exc: Exception) -> None:
    """nats-py prints connection errors itself; shopctl reports them once, plainly."""


@asynccontextmanager
async def connected(target: Target) -> AsyncIterator[Client]:
    options: dict[str, Any] = {
        "servers": [u.strip() for u in target.url.split(",") if u.strip()],
        "name": "shopctl",
        "connect_timeout": min(target.timeout, 5.0),
        "allow_reconnect": False,
        "error_cb": _quiet,
        "inbox_prefix": target.inbox_prefix,
    }
    if target.creds:
        if not target.creds.exists():
            raise ShopctlError(f"credentials file {target.creds} does not exist")
        options["user_credentials"] = str(target.creds)
    elif target.user:
        options["user"], options["password"] = target.user, target.password
    try:
        nc = await asyncio.wait_for(nats.connect(**options), target.timeout + 1)
    except Exception as exc:
        raise ShopctlError(
            f"cannot connect to NATS at {target.url}: {str(exc) or type(exc).__name__ + ', no server answered'}. "
            "Is `make run` running, or is --url / SHOP_NATS_URL right?"
        ) from None
    try:
        yield nc
    finally:
        await nc.close()


def services() -> dict[str, ServiceSpec]:
    return {spec.name: spec for spec in installed_services()}


def service_spec(name: str) -> ServiceSpec:
    known = services()
    if name not in known:
        raise ShopctlError(f"unknown service {name!r}; known: {', '.join(sorted(known)) or 'none'}")
    return known[name]


async def request(
    nc: Client,
    subject: str,
    body: dict[str, Any],
    seconds: float,
    headers: Callable[[bytes], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """A request/reply round trip; a service that is not running is said so plainly. `headers`
    makes the request's headers from its exact body (the actor token is bound to it)."""
    data = json.dumps(body).encode()
    try:
        msg = await nc.request(subject, data, timeout=seconds, headers=headers(data) if headers else None)
    except nats.errors.NoRespondersError:
        service = subject.split(".", 1)[0]
        raise ShopctlError(f"nobody answers {subject}: is the {service} service running?") from None
    except (nats.errors.TimeoutError, TimeoutError):
        raise ShopctlError(f"no answer on {subject} within {seconds}s") from None
    try:
        reply: dict[str, Any] = json.loads(msg.data)
    except ValueError:
        raise ShopctlError(f"{subject} answered something that is not JSON: {msg.data[:200]!r}") from None
    return reply


def reply_error(reply: dict[str, Any]) -> str:
    error = reply.get("error") or {}
    text = f"{error.get('code', 'error')}: {error.get('message', '')}"
    if error.get("rule"):
        text += f" (rule {error['rule']})"
    for detail in error.get("details") or []:
        text += f"\n  - {detail.get('field', '')}: {detail.get('problem', detail)}"
    return text
