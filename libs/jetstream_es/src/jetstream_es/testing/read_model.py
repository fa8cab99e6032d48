"""A projection's tables on a SQLite database of its own, fed events as its durable consumer would feed
them: for unit tests whose commands read a read model (orders' catalogue products, CAT-7;
fulfilment's and after-sales' accessory lists, FUL-4, AS-7), without a nats-server."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from jetstream_es.projection import ApplyContext, Projection, Tables
from jetstream_es.testing.events import decoded_event
from shop_contracts.aggregates import AggregateRef
from shop_contracts.messages import EventData

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class ReadModel:
    """`projection`'s tables (generation `_g1`) on its own SQLite database; `apply` hands it one
    event of `source`'s aggregate `aggregate_id`, numbered after the ones applied before."""

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        # a file of its own, one connection per use (NullPool): nothing is left open when a test's
        # event loop closes
        path = Path(tempfile.mkdtemp(prefix="read-model-")) / f"{projection.name}.db"
        self.engine: AsyncEngine = create_async_engine(f"sqlite+aiosqlite:///{path}", poolclass=NullPool)
        self.metadata = MetaData()
        self.tables: Tables = projection.define_tables(self.metadata, "_g1")
        self._created = False
        self._versions: defaultdict[tuple[str, str], int] = defaultdict(int)
        self._seq = 0

    async def ensure(self) -> Tables:
        """The tables, created on first use (a reader may ask before any event arrived)."""
        if not self._created:
            async with self.engine.begin() as conn:
                await conn.run_sync(self.metadata.create_all)
            self._created = True
        return self.tables

    async def apply(
        self,
        data: EventData,
        *,
        source: AggregateRef,
        aggregate_id: str,
        version: int | None = None,
        occurred_at: datetime = EPOCH,
    ) -> None:
        await self.ensure()
        key = (str(source), aggregate_id)
        self._versions[key] = version if version is not None else self._versions[key] + 1
        self._seq += 1
        item = decoded_event(
            data,
            self._versions[key],
            service=source.service,
            aggregate_type=source.name,
            aggregate_id=aggregate_id,
            occurred_at=occurred_at,
            stream_seq=self._seq,
        )
        async with self.engine.begin() as conn:
            await self.projection.apply_batch(conn, self.tables, [item], ApplyContext(False, occurred_at))

    async def close(self) -> None:
        await self.engine.dispose()


__all__ = ["ReadModel"]
