"""HR's data keys in its key stream `HR_KEYS` (HR-38, erasure on request; decision 0006): they
survive a fresh projection database, an erasure replaces the key with a tombstone, a key brought
back by an old backup is erased again from the history, and keys of the legacy table move over."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from nats.aio.client import Client
from sqlalchemy.ext.asyncio import create_async_engine

from hr.people.adapters.key_stream import KEYS_STREAM
from hr.people.adapters.keys import SqlKeys
from jetstream_es.clock import FixedClock
from jetstream_es.testing.nats_server import NatsServer
from shop_contracts.headers import Header
from shop_contracts.subjects import keys_subject

from .helpers import NOW, caught_up, command, query, start_hr
from .test_people_over_nats import HR, PERSONAL, onboarding

pytestmark = pytest.mark.integration


async def key_message(nc: Client, employee_id: str) -> tuple[str, dict[str, str]]:
    msg = await nc.jetstream().get_last_msg(KEYS_STREAM, keys_subject("hr", employee_id))
    return (msg.headers or {}).get(Header.KEY_STATE, ""), json.loads(msg.data or b"{}")


async def test_personal_data_survives_a_fresh_projection_database_hr_38(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    service = await start_hr(nats_server.url, nc, tmp_path / "a.db", FixedClock(NOW))
    try:
        assert (await command(nc, "OnboardEmployee", onboarding()))["ok"]
    finally:
        await service.stop()
    state, body = await key_message(nc, "emp-1")
    assert state == "active"
    assert body["created_at"] == NOW.isoformat(), "stamped by the service's clock"

    restarted = await start_hr(nats_server.url, nc, tmp_path / "fresh.db", FixedClock(NOW))
    try:
        await caught_up(restarted)
        assert (await query(nc, "Employee", {"employee_id": "emp-1"}))["personal"] == PERSONAL
    finally:
        await restarted.stop()


async def test_erasure_replaces_the_key_with_a_tombstone_hr_38(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    service = await start_hr(nats_server.url, nc, tmp_path / "hr.db", FixedClock(NOW))
    try:
        assert (await command(nc, "OnboardEmployee", onboarding()))["ok"]
        erase = {"command_id": "erase-1", "actor": HR, "employee_id": "emp-1", "reason": "asked"}
        assert (await command(nc, "EraseEmployeePersonalData", erase))["ok"]
        state, body = await key_message(nc, "emp-1")
        assert state == "erased"
        assert "data_key" not in body
        info = await nc.jetstream().stream_info(KEYS_STREAM)
        assert info.state.messages == 1, "the server keeps no copy of the erased key"
    finally:
        await service.stop()


async def test_a_key_restored_from_before_an_erasure_is_erased_again_hr_38(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    service = await start_hr(nats_server.url, nc, tmp_path / "hr.db", FixedClock(NOW))
    try:
        assert (await command(nc, "OnboardEmployee", onboarding()))["ok"]
        _, old = await key_message(nc, "emp-1")
        erase = {"command_id": "erase-1", "actor": HR, "employee_id": "emp-1", "reason": "asked"}
        assert (await command(nc, "EraseEmployeePersonalData", erase))["ok"]
    finally:
        await service.stop()
    # a key backup older than the erasure is imported over the tombstone
    await nc.jetstream().publish(
        keys_subject("hr", "emp-1"), json.dumps(old).encode(), headers={Header.KEY_STATE: "active"}
    )
    restarted = await start_hr(nats_server.url, nc, tmp_path / "fresh.db", FixedClock(NOW))
    try:
        await caught_up(restarted)
        assert (await query(nc, "Employee", {"employee_id": "emp-1"}))["personal"] == "erased"
        assert (await command(nc, "OnboardEmployee", onboarding("emp-2")))["ok"]  # the keys' first use
        assert (await key_message(nc, "emp-1"))[0] == "erased", "the history's erasure is applied again"
    finally:
        await restarted.stop()


async def test_keys_of_the_legacy_table_move_to_the_key_stream_hr_38(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    db = tmp_path / "hr.db"
    legacy = SqlKeys(create_async_engine(f"sqlite+aiosqlite:///{db}"))
    try:
        await legacy.create("emp-1", b"k" * 32)  # kept by a version before the key stream
        service = await start_hr(nats_server.url, nc, db, FixedClock(NOW))
        try:
            assert (await command(nc, "OnboardEmployee", onboarding()))["ok"]
            state, body = await key_message(nc, "emp-1")
            assert state == "active"
            assert base64.b64decode(body["data_key"]) == b"k" * 32
            assert await legacy.all() == {}, "the table holds no key once it moved"
        finally:
            await service.stop()
    finally:
        await legacy.engine.dispose()
