"""SQLAlchemy plumbing shared by every projection store: engines and the runtime tables.

`projection_state` holds, per projection, the live table generation and the checkpoint (last
applied stream sequence); it is written in the same transaction as the projection's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    event,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC and read back aware, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


runtime_metadata = MetaData()

projection_state = Table(
    "projection_state",
    runtime_metadata,
    Column("name", String(128), primary_key=True),
    Column("generation", Integer, nullable=False),
    Column("checkpoint", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=True),
)

dead_letters_applied = Table(
    "dead_letters_applied",
    runtime_metadata,
    Column("projection", String(128), primary_key=True),
    Column("dlq_seq", BigInteger, primary_key=True),
    Column("applied_at", UtcDateTime(), nullable=False),
)
"""Dead letters a projection applied on an operator's retry, written in the same transaction as the
rows they changed: a dead letter is applied at most once, whatever happens around the retry."""


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and foreign keys. A server database's
    pooled connections are checked before use (`pool_pre_ping`): after PostgreSQL restarts, a
    query, a replay or a checkpoint gets a fresh connection instead of the dead one."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30})
    else:
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cursor = dbapi_connection.cursor()
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


async def create_runtime_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(runtime_metadata.create_all)


def upsert(conn: AsyncConnection, table: Table) -> Any:
    """An INSERT that supports ON CONFLICT (do nothing / do update) on SQLite and PostgreSQL alike."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


CENT = Decimal("0.01")


def cents(amount: Decimal) -> int:
    """Money stored exactly, as integer cents (sums in SQL stay exact on every database)."""
    return int((amount / CENT).to_integral_value())


def money(value: int | None) -> str:
    """Integer cents back to a decimal string, e.g. 3980 -> "39.80"."""
    return str((Decimal(value or 0) * CENT).quantize(CENT))


async def fetch_page(
    engine: AsyncEngine, stmt: Select[Any], *, limit: int, offset: int
) -> tuple[int, Sequence[Row[Any]]]:
    """One page of an ordered `stmt` and the number of rows it selects in all, read together."""
    counted = select(func.count()).select_from(stmt.order_by(None).subquery())
    async with engine.connect() as conn:
        total = (await conn.execute(counted)).scalar_one()
        rows = (await conn.execute(stmt.limit(limit).offset(offset))).all()
    return total, rows
