"""The back office's own store (issue 18 part 2), through SQLAlchemy: SQLite under `var/` by
default, PostgreSQL by URL in a cluster. It holds accounts (person id = HR employee id, login name,
argon2id hash, failures, locked_until, disabled), one-time links and sessions (only the hash of
their token), the sign-in audit, each person's own leave request ids and the employee ids the HR
screen onboarded or opened (HR has no list query). Nothing of the services' data: that is asked
over NATS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from backoffice.domain.accounts import digest
from jetstream_es.sql import UtcDateTime

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("person_id", String(64), primary_key=True),
    Column("login", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime(), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("created_by", String(64), nullable=False),
)
links = Table(
    "links",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used_at", UtcDateTime(), nullable=True),
    Column("created_by", String(64), nullable=False),
)
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("csrf", String(64), nullable=False),
    Column("roles", Text, nullable=False),
    Column("roles_checked_at", UtcDateTime(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_seen_at", UtcDateTime(), nullable=False),
)
sign_ins = Table(
    "sign_in_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("login", String(64), nullable=False),
    Column("person_id", String(64), nullable=True),
    Column("outcome", String(32), nullable=False),
    Column("address", String(64), nullable=True),
)
own_leave = Table(
    "own_leave",
    metadata,
    Column("leave_id", String(128), primary_key=True),
    Column("person_id", String(64), nullable=False, index=True),
    Column("submitted_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class Account:
    person_id: str
    login: str
    password_hash: str | None
    failures: int
    locked_until: datetime | None
    disabled: bool


@dataclass(frozen=True)
class Session:
    id_hash: str
    person_id: str
    csrf: str
    roles: tuple[str, ...]
    roles_checked_at: datetime
    created_at: datetime
    last_seen_at: datetime


def _account(row: Any) -> Account:
    return Account(
        row.person_id, row.login, row.password_hash, row.failures, row.locked_until, bool(row.disabled)
    )


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create_tables(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    # -- accounts --------------------------------------------------------------------------
    async def count_accounts(self) -> int:
        async with self.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(accounts))).scalar_one())

    async def add_account(self, person_id: str, login: str, now: datetime, by: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(accounts).values(
                    person_id=person_id,
                    login=login,
                    failures=0,
                    disabled=False,
                    created_at=now,
                    created_by=by,
                )
            )

    async def account(self, *, person_id: str | None = None, login: str | None = None) -> Account | None:
        query = select(accounts)
        query = query.where(accounts.c.person_id == person_id) if person_id else query
        query = query.where(accounts.c.login == login) if login else query
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else _account(row)

    async def list_accounts(self) -> list[Account]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(accounts).order_by(accounts.c.login))).all()
        return [_account(r) for r in rows]

    async def set_lockout(self, person_id: str, failures: int, locked_until: datetime | None) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(accounts)
                .where(accounts.c.person_id == person_id)
                .values(failures=failures, locked_until=locked_until)
            )

    async def set_password(self, person_id: str, password_hash: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(accounts)
                .where(accounts.c.person_id == person_id)
                .values(password_hash=password_hash, failures=0, locked_until=None)
            )

    async def set_disabled(self, person_id: str, disabled: bool) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(accounts).where(accounts.c.person_id == person_id).values(disabled=disabled)
            )
            if disabled:
                await conn.execute(delete(sessions).where(sessions.c.person_id == person_id))

    # -- one-time links --------------------------------------------------------------------
    async def add_link(self, token: str, person_id: str, expires_at: datetime, by: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(links).values(
                    token_hash=digest(token), person_id=person_id, expires_at=expires_at, created_by=by
                )
            )

    async def link_holder(self, token: str, now: datetime) -> str | None:
        """The person a link is for while it is unused and unexpired; None otherwise."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(links).where(links.c.token_hash == digest(token)))).first()
        if row is None or row.used_at is not None or now >= row.expires_at:
            return None
        return str(row.person_id)

    async def use_link(self, token: str, now: datetime, password_hash: str) -> str | None:
        """Spend the link (once) and set its person's password, in one transaction."""
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(links).where(links.c.token_hash == digest(token)))).first()
            if row is None or row.used_at is not None or now >= row.expires_at:
                return None
            spent = await conn.execute(
                update(links)
                .where(links.c.token_hash == digest(token), links.c.used_at.is_(None))
                .values(used_at=now)
            )
            if spent.rowcount != 1:
                return None
            await conn.execute(
                update(accounts)
                .where(accounts.c.person_id == row.person_id)
                .values(password_hash=password_hash, failures=0, locked_until=None)
            )
            return str(row.person_id)

    # -- sessions --------------------------------------------------------------------------
    async def add_session(
        self, session_id: str, person_id: str, csrf: str, roles: tuple[str, ...], now: datetime
    ) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(sessions).values(
                    id_hash=digest(session_id),
                    person_id=person_id,
                    csrf=csrf,
                    roles=json.dumps(list(roles)),
                    roles_checked_at=now,
                    created_at=now,
                    last_seen_at=now,
                )
            )

    async def session(self, session_id: str) -> Session | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(sessions).where(sessions.c.id_hash == digest(session_id)))
            ).first()
        if row is None:
            return None
        return Session(
            row.id_hash,
            row.person_id,
            row.csrf,
            tuple(json.loads(row.roles)),
            row.roles_checked_at,
            row.created_at,
            row.last_seen_at,
        )

    async def touch_session(self, id_hash: str, now: datetime, roles: tuple[str, ...] | None = None) -> None:
        values: dict[str, Any] = {"last_seen_at": now}
        if roles is not None:
            values |= {"roles": json.dumps(list(roles)), "roles_checked_at": now}
        async with self.engine.begin() as conn:
            await conn.execute(update(sessions).where(sessions.c.id_hash == id_hash).values(values))

    async def end_session(self, id_hash: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash))

    # -- audit and own records -------------------------------------------------------------
    async def audit(
        self, now: datetime, login: str, person_id: str | None, outcome: str, address: str | None
    ) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(sign_ins).values(
                    at=now, login=login[:64], person_id=person_id, outcome=outcome, address=address
                )
            )

    async def audit_trail(self, limit: int = 50) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(sign_ins).order_by(sign_ins.c.id.desc()).limit(limit))).all()
        return [dict(r._mapping) for r in rows]

    async def remember_leave(self, person_id: str, leave_id: str, now: datetime) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                insert(own_leave).values(leave_id=leave_id, person_id=person_id, submitted_at=now)
            )

    async def own_leave(self, person_id: str, limit: int = 20) -> list[str]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(own_leave.c.leave_id)
                    .where(own_leave.c.person_id == person_id)
                    .order_by(own_leave.c.submitted_at.desc())
                    .limit(limit)
                )
            ).all()
        return [str(r.leave_id) for r in rows]
