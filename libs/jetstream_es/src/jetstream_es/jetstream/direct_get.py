"""Batch direct get: read one subject's messages from a stream without a consumer.

nats-py has no helper for it. One wildcard inbox serves every request; a request is answered by
zero or more messages, then a status 204 (end of batch, with `Nats-Num-Pending`) or 404 (nothing
matched). The original subject and sequence travel in `Nats-Subject` / `Nats-Sequence`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from jetstream_es.errors import StreamUnavailable
from shop_contracts.headers import Header


@dataclass(slots=True)
class _Pending:
    messages: list[Msg] = field(default_factory=list)
    done: asyncio.Future[int] | None = None


class DirectGetClient:
    def __init__(self, nc: Client, stream: str, timeout: float = 5.0) -> None:
        self._nc = nc
        self._api = f"$JS.API.DIRECT.GET.{stream}"
        self._timeout = timeout
        self._inbox = nc.new_inbox()
        self._sub: Subscription | None = None
        self._pending: dict[str, _Pending] = {}
        self._tokens = itertools.count()

    async def start(self) -> None:
        if self._sub is None:
            self._sub = await self._nc.subscribe(f"{self._inbox}.*", cb=self._on_message)

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()
            self._sub = None

    async def _on_message(self, msg: Msg) -> None:
        entry = self._pending.get(msg.subject[len(self._inbox) + 1 :])
        if entry is None or entry.done is None or entry.done.done():
            return
        headers = msg.headers
        status = headers.get(Header.STATUS) if headers else None
        if status is None:
            entry.messages.append(msg)
        elif status == "204":
            entry.done.set_result(int(headers.get(Header.NUM_PENDING, "0")) if headers else 0)
        elif status == "404":
            entry.done.set_result(0)
        else:
            description = headers.get(Header.DESCRIPTION, "") if headers else ""
            entry.done.set_exception(StreamUnavailable(f"direct get failed: {status} {description}"))

    async def batch(self, subject: str, from_seq: int, batch: int = 1000) -> tuple[list[Msg], int]:
        """Up to `batch` messages on `subject` from `from_seq`, and how many remain after them."""
        return await self.request({"seq": max(from_seq, 1), "next_by_subj": subject, "batch": batch})

    async def request(self, body: dict[str, Any]) -> tuple[list[Msg], int]:
        if self._sub is None:
            await self.start()
        token = str(next(self._tokens))
        entry = _Pending(done=asyncio.get_running_loop().create_future())
        self._pending[token] = entry
        assert entry.done is not None
        try:
            await self._nc.publish(self._api, json.dumps(body).encode(), reply=f"{self._inbox}.{token}")
            remaining = await asyncio.wait_for(entry.done, self._timeout)
        except TimeoutError as exc:
            raise StreamUnavailable(f"direct get timed out after {self._timeout}s on {self._api}") from exc
        finally:
            self._pending.pop(token, None)
        return entry.messages, remaining
