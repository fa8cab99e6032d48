"""HR's data keys in its own key stream `HR_KEYS` (HR-38, erasure on request; decision 0006).

One message per employee on `hr.keys.<employee_id>` (the stream keeps one message per subject):
`Key-State: active` with the key, or `Key-State: erased`, the tombstone an erasure writes, which
replaces the key so the server keeps no copy of it. The stream is not a projection: a rebuild, a
fresh projection database or a restore of the event streams leaves it alone, and `shopctl backup`
exports it encrypted with the operator's passphrase (never in clear).

Erased stays erased. On its first use after a start the store migrates keys still in the legacy
table `employee_data_keys` of HR's database (then deletes them there), and erases again the key of
every employee whose history records `EmployeePersonalDataErased`: a key backup older than an
erasure brings no personal data back. Every time written comes from the service's clock.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.errors import APIError
from sqlalchemy.ext.asyncio import AsyncEngine

from hr.people.adapters.keys import SqlKeys, data_keys
from jetstream_es.clock import Clock
from jetstream_es.jetstream.direct_get import DirectGetClient
from shop_contracts.events.hr_people import EmployeePersonalDataErased
from shop_contracts.headers import Header
from shop_contracts.subjects import KEY_STREAMS, aggregate_filter, keys_subject, stream_name

SERVICE = "hr"
KEYS_STREAM = KEY_STREAMS[SERVICE]
ACTIVE, ERASED = "active", "erased"
WRONG_LAST_SEQUENCE = 10071


class StreamKeys:
    """The key backend on JetStream (see the module docstring)."""

    def __init__(self, nc: Callable[[], Client], clock: Clock, legacy: AsyncEngine | None = None) -> None:
        self._nc = nc
        self.clock = clock
        self.legacy = legacy
        self._direct: DirectGetClient | None = None
        self._ready = False
        self._lock = asyncio.Lock()

    def _client(self) -> DirectGetClient:
        if self._direct is None:
            self._direct = DirectGetClient(self._nc(), KEYS_STREAM)
        return self._direct

    async def _current(self, employee_id: str) -> tuple[int, str, dict[str, Any]] | None:
        """The employee's key message: its sequence, state and body; None when there is none."""
        subject = keys_subject(SERVICE, employee_id)
        msgs, _ = await self._client().request({"seq": 1, "next_by_subj": subject, "batch": 1})
        if not msgs:
            return None
        msg: Msg = msgs[0]
        headers = msg.headers or {}
        body: dict[str, Any] = json.loads(msg.data) if msg.data else {}
        return int(headers[Header.SEQUENCE]), headers.get(Header.KEY_STATE, ACTIVE), body

    async def _publish(self, employee_id: str, state: str, body: dict[str, Any], expect: int | None) -> bool:
        """Write the employee's key message; False when `expect` (the last sequence) was wrong."""
        headers: dict[str, str] = {Header.KEY_STATE: state}
        if expect is not None:
            headers[Header.EXPECTED_LAST_SUBJECT_SEQ] = str(expect)
        try:
            await (
                self._nc()
                .jetstream()
                .publish(
                    keys_subject(SERVICE, employee_id),
                    json.dumps(body).encode(),
                    headers=headers,
                    stream=KEYS_STREAM,
                )
            )
        except APIError as exc:
            if exc.err_code == WRONG_LAST_SEQUENCE:
                return False
            raise
        return True

    async def get(self, employee_id: str) -> bytes | None:
        await self._ensure()
        current = await self._current(employee_id)
        if current is None or current[1] != ACTIVE:
            return None
        return base64.b64decode(current[2]["data_key"])

    async def create(self, employee_id: str, key: bytes) -> bytes:
        await self._ensure()
        for _ in range(5):
            current = await self._current(employee_id)
            if current is not None and current[1] == ACTIVE:
                return base64.b64decode(current[2]["data_key"])
            body = {
                "employee_id": employee_id,
                "data_key": base64.b64encode(key).decode(),
                "created_at": self.clock.now().isoformat(),
            }
            if await self._publish(employee_id, ACTIVE, body, 0 if current is None else current[0]):
                return key
        raise RuntimeError(f"the data key of {employee_id} kept changing while it was being made")

    async def delete(self, employee_id: str) -> None:
        await self._erase(employee_id)

    async def _erase(self, employee_id: str) -> None:
        body = {"employee_id": employee_id, "erased_at": self.clock.now().isoformat()}
        await self._publish(employee_id, ERASED, body, None)

    async def _ensure(self) -> None:
        if self._ready:
            return
        async with self._lock:
            if self._ready:
                return
            await self._migrate_legacy()
            for employee_id in await self._erased_in_history():
                current = await self._current(employee_id)
                if current is None or current[1] == ACTIVE:
                    await self._erase(employee_id)
            self._ready = True

    async def _migrate_legacy(self) -> None:
        """Move keys of the legacy table into the stream, then delete them from the table."""
        if self.legacy is None:
            return
        async with self.legacy.connect() as conn:
            exists = await conn.run_sync(lambda c: sa.inspect(c).has_table(data_keys.name))
        if not exists:
            return
        legacy = SqlKeys(self.legacy)
        for employee_id, key in (await legacy.all()).items():
            if await self._current(employee_id) is None:
                body = {
                    "employee_id": employee_id,
                    "data_key": base64.b64encode(key).decode(),
                    "created_at": self.clock.now().isoformat(),
                }
                await self._publish(employee_id, ACTIVE, body, 0)
            await legacy.delete(employee_id)

    async def _erased_in_history(self) -> list[str]:
        """Every employee whose history records an erasure, from HR's event stream."""
        direct = DirectGetClient(self._nc(), stream_name(SERVICE))
        erased: list[str] = []
        subject = aggregate_filter(SERVICE, "Employee")
        try:
            seq = 1
            while True:
                msgs, remaining = await direct.batch(subject, seq, 1000)
                for msg in msgs:
                    headers = msg.headers or {}
                    if headers.get(Header.EVENT_TYPE) == EmployeePersonalDataErased.event_type:
                        erased.append(headers[Header.SUBJECT].rsplit(".", 1)[-1])
                    seq = int(headers[Header.SEQUENCE]) + 1
                if not msgs or remaining <= 0:
                    return erased
        finally:
            await direct.stop()

    async def close(self) -> None:
        if self._direct is not None:
            await self._direct.stop()
            self._direct = None
