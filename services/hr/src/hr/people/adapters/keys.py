"""Per-employee data keys for personal data (HR-38, erasure on request; decision 0006).

Envelope encryption: every employee gets a random 256-bit data key. Personal fields are sealed
with AES-GCM under that key, the employee id as associated data, before they go into an event.
Erasure deletes the key: every copy of the sealed data, in the stream, in projections and in
backups of either, becomes unreadable, while history stays intact.

Where the keys live is a backend: in a running service HR's own key stream `HR_KEYS`
(key_stream.py), which survives a projection rebuild and a restore and is backed up encrypted by
`shopctl backup`; the table `employee_data_keys` of HR's database (`SqlKeys`) serves runs on the
in-memory store and is migrated to the stream on the first start after an upgrade.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.sql import UtcDateTime, upsert
from shop_contracts.events.hr_people import SealedPersonalData

metadata = MetaData()
data_keys = Table(
    "employee_data_keys",
    metadata,
    Column("employee_id", String(64), primary_key=True),
    Column("data_key", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime(), nullable=True),
)


class KeyErased(Exception):
    """The employee's data key was deleted: the data cannot be read any more."""


def seal(key: bytes, employee_id: str, fields: dict[str, Any]) -> SealedPersonalData:
    nonce = os.urandom(12)
    plain = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
    ciphertext = AESGCM(key).encrypt(nonce, plain, employee_id.encode())
    return SealedPersonalData(
        nonce=base64.b64encode(nonce).decode(), ciphertext=base64.b64encode(ciphertext).decode()
    )


def unseal(key: bytes, employee_id: str, sealed: SealedPersonalData) -> dict[str, Any]:
    try:
        plain = AESGCM(key).decrypt(
            base64.b64decode(sealed.nonce), base64.b64decode(sealed.ciphertext), employee_id.encode()
        )
    except InvalidTag as exc:
        raise KeyErased(f"the personal data of {employee_id} does not open with its key") from exc
    result: dict[str, Any] = json.loads(plain)
    return result


class KeyBackend(Protocol):
    """Where data keys are kept: one key per employee until erased."""

    async def get(self, employee_id: str) -> bytes | None:
        """The employee's key, or None when they have none (never had one, or erased)."""
        ...

    async def create(self, employee_id: str, key: bytes) -> bytes:
        """Keep `key` for the employee unless they have one already; the key kept."""
        ...

    async def delete(self, employee_id: str) -> None:
        """Erase the employee's key (harmless when there is none)."""
        ...


class SqlKeys:
    """The key table `employee_data_keys`: created on first use, one row per employee until erased."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._ready = False

    async def _ensure(self) -> None:
        if not self._ready:
            async with self.engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
            self._ready = True

    async def get(self, employee_id: str) -> bytes | None:
        await self._ensure()
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(data_keys.c.data_key).where(data_keys.c.employee_id == employee_id))
            ).first()
        return None if row is None else bytes(row.data_key)

    async def create(self, employee_id: str, key: bytes) -> bytes:
        await self._ensure()
        async with self.engine.begin() as conn:
            await conn.execute(
                upsert(conn, data_keys).values(employee_id=employee_id, data_key=key).on_conflict_do_nothing()
            )
        kept = await self.get(employee_id)
        assert kept is not None
        return kept

    async def delete(self, employee_id: str) -> None:
        await self._ensure()
        async with self.engine.begin() as conn:
            await conn.execute(delete(data_keys).where(data_keys.c.employee_id == employee_id))

    async def all(self) -> dict[str, bytes]:
        """Every key kept in the table (for the migration to the key stream)."""
        await self._ensure()
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(data_keys.c.employee_id, data_keys.c.data_key))).all()
        return {str(r.employee_id): bytes(r.data_key) for r in rows}


class EmployeeKeys:
    """Keys for sealing and opening personal data, over a backend (an engine: the SQL table)."""

    def __init__(self, backend: KeyBackend | AsyncEngine) -> None:
        self.backend: KeyBackend = SqlKeys(backend) if isinstance(backend, AsyncEngine) else backend

    async def key(self, employee_id: str) -> bytes | None:
        return await self.backend.get(employee_id)

    async def key_for_new(self, employee_id: str) -> bytes:
        """The employee's key, made now if they have none (a repeated onboarding reuses it)."""
        return await self.backend.create(employee_id, AESGCM.generate_key(bit_length=256))

    async def erase(self, employee_id: str) -> None:
        await self.backend.delete(employee_id)

    async def open(self, employee_id: str, sealed: SealedPersonalData) -> dict[str, Any] | None:
        """The personal fields, or None once the key is gone (erased)."""
        key = await self.key(employee_id)
        if key is None:
            return None
        try:
            return unseal(key, employee_id, sealed)
        except KeyErased:
            return None
