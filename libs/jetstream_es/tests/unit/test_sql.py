"""`UtcDateTime`: aware datetimes go in, aware UTC datetimes come out, naive ones are refused
(STYLE.md "times are aware datetimes")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from jetstream_es.sql import UtcDateTime, make_engine

SHANGHAI = timezone(timedelta(hours=8))
metadata = MetaData()
stamps = Table(
    "stamps", metadata, Column("id", Integer, primary_key=True), Column("at", UtcDateTime(), nullable=True)
)


@pytest.fixture(params=["memory", "file"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = (
        "sqlite+aiosqlite:///:memory:"
        if request.param == "memory"
        else f"sqlite+aiosqlite:///{tmp_path / 't.db'}"
    )
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def stored(engine: AsyncEngine, value: datetime | None) -> datetime | None:
    async with engine.begin() as conn:
        await conn.execute(stamps.insert().values(id=1, at=value))
        back: datetime | None = (await conn.execute(select(stamps.c.at))).scalar_one()
        return back


async def test_a_utc_value_round_trips_unchanged(engine: AsyncEngine) -> None:
    value = datetime(2026, 3, 2, 8, 30, 15, 123456, tzinfo=UTC)

    back = await stored(engine, value)

    assert back == value
    assert back is not None
    assert back.tzinfo == UTC


async def test_a_value_in_another_zone_comes_back_as_the_same_instant_in_utc(engine: AsyncEngine) -> None:
    back = await stored(engine, datetime(2026, 3, 2, 16, 30, tzinfo=SHANGHAI))

    assert back == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert back is not None
    assert back.utcoffset() == timedelta(0)


async def test_null_stays_null(engine: AsyncEngine) -> None:
    assert await stored(engine, None) is None


async def test_a_naive_datetime_is_refused(engine: AsyncEngine) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await stored(engine, datetime(2026, 3, 2, 8, 30))


async def test_comparisons_across_zones_compare_instants(engine: AsyncEngine) -> None:
    await stored(engine, datetime(2026, 3, 2, 8, 30, tzinfo=UTC))

    async with engine.connect() as conn:
        earlier = select(stamps.c.id).where(stamps.c.at <= datetime(2026, 3, 2, 16, 0, tzinfo=SHANGHAI))
        later = select(stamps.c.id).where(stamps.c.at <= datetime(2026, 3, 2, 16, 30, tzinfo=SHANGHAI))
        assert ((await conn.execute(earlier)).all(), len((await conn.execute(later)).all())) == ([], 1)


async def test_a_sqlite_file_engine_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'wal.db'}")
    try:
        async with engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            keys = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
    finally:
        await engine.dispose()

    assert (mode, keys) == ("wal", 1)
