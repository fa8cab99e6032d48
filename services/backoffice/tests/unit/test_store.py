"""The back office's store (issue 18 part 2), on SQLite: accounts, single-use one-time links that
expire, sessions and the audit; only hashes of links and sessions are stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from backoffice.adapters.store import Store, links, sessions
from jetstream_es.sql import make_engine

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = Store(make_engine(f"sqlite+aiosqlite:///{tmp_path / 'bo.db'}"))
    await store.create_tables()
    await store.add_account("e-1", "wang", NOW, "admin")
    yield store
    await store.engine.dispose()


async def test_an_account_is_found_by_person_or_login(store: Store) -> None:
    by_login = await store.account(login="wang")
    assert by_login is not None
    assert by_login.person_id == "e-1"
    assert by_login.password_hash is None
    assert await store.account(person_id="e-1") == by_login
    assert await store.account(login="nobody") is None
    assert await store.count_accounts() == 1


async def test_a_link_works_once_and_only_its_hash_is_stored(store: Store) -> None:
    await store.add_link("secret-token", "e-1", NOW + timedelta(hours=24), "admin")
    assert await store.link_holder("secret-token", NOW) == "e-1"
    async with store.engine.connect() as conn:
        stored = (await conn.execute(select(links.c.token_hash))).scalars().all()
    assert stored != ["secret-token"]
    assert await store.use_link("secret-token", NOW, "$argon2id$x") == "e-1"
    assert await store.use_link("secret-token", NOW, "$argon2id$y") is None
    assert await store.link_holder("secret-token", NOW) is None
    account = await store.account(person_id="e-1")
    assert account is not None
    assert account.password_hash == "$argon2id$x"


async def test_an_expired_link_sets_nothing(store: Store) -> None:
    await store.add_link("old-token", "e-1", NOW + timedelta(hours=24), "admin")
    later = NOW + timedelta(hours=24)
    assert await store.link_holder("old-token", later) is None
    assert await store.use_link("old-token", later, "$argon2id$x") is None
    account = await store.account(person_id="e-1")
    assert account is not None
    assert account.password_hash is None


async def test_setting_a_password_clears_the_lockout(store: Store) -> None:
    await store.set_lockout("e-1", 0, NOW + timedelta(minutes=15))
    await store.add_link("reset", "e-1", NOW + timedelta(hours=1), "admin")
    await store.use_link("reset", NOW, "$argon2id$new")
    account = await store.account(person_id="e-1")
    assert account is not None
    assert account.locked_until is None
    assert account.failures == 0


async def test_a_session_keeps_its_roles_and_is_stored_by_hash(store: Store) -> None:
    await store.add_session("session-id", "e-1", "csrf-1", ("hr_dept",), NOW)
    session = await store.session("session-id")
    assert session is not None
    assert session.roles == ("hr_dept",)
    assert session.csrf == "csrf-1"
    async with store.engine.connect() as conn:
        ids = (await conn.execute(select(sessions.c.id_hash))).scalars().all()
    assert "session-id" not in ids
    await store.touch_session(session.id_hash, NOW + timedelta(minutes=5), ("hr_dept", "office"))
    touched = await store.session("session-id")
    assert touched is not None
    assert touched.roles == ("hr_dept", "office")
    assert touched.last_seen_at == NOW + timedelta(minutes=5)
    await store.end_session(session.id_hash)
    assert await store.session("session-id") is None


async def test_disabling_an_account_ends_its_sessions(store: Store) -> None:
    await store.add_session("s-1", "e-1", "c", (), NOW)
    await store.set_disabled("e-1", True)
    assert await store.session("s-1") is None
    account = await store.account(person_id="e-1")
    assert account is not None
    assert account.disabled


async def test_the_audit_lists_newest_first(store: Store) -> None:
    await store.audit(NOW, "wang", "e-1", "wrong_credentials", "127.0.0.1")
    await store.audit(NOW + timedelta(seconds=1), "wang", "e-1", "signed_in", "127.0.0.1")
    trail = await store.audit_trail()
    assert [row["outcome"] for row in trail] == ["signed_in", "wrong_credentials"]
