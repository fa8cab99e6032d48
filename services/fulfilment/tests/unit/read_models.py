"""The shipping read models and the warehouse's notices fed from an in-memory store, as their
durable consumers would feed them, on an in-memory SQLite database; the queries read them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from fulfilment.shipping.adapters import notices, queries
from fulfilment.shipping.adapters.notices import WarehouseNotices
from fulfilment.shipping.adapters.views import ShippingViews
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.projection import ApplyContext, Decoded, Projection
from shop_contracts.queries.fulfilment import GetShippingDay, ListNotices, ListShipments, ShippingDayHistory

from .shipping_helpers import NOW


class ReadModels:
    def __init__(self, store: InMemoryEventStore) -> None:
        self.store = store
        self.engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        self.metadata = MetaData()
        self.views = ShippingViews()
        self.notices = WarehouseNotices()
        self.tables = {
            **self.views.define_tables(self.metadata, "_g1"),
            **self.notices.define_tables(self.metadata, "_g1"),
        }
        self._applied = 0
        self._created = False

    async def close(self) -> None:
        await self.engine.dispose()

    async def catch_up(self) -> None:
        if not self._created:
            async with self.engine.begin() as conn:
                await conn.run_sync(self.metadata.create_all)
            self._created = True
        while self._applied < len(self.store.all_events):
            event = self.store.all_events[self._applied]
            self._applied += 1
            for projection in (self.views, self.notices):
                await self._apply(projection, event)

    async def _apply(self, projection: Projection, event: Any) -> None:
        envelope = event.envelope
        if envelope.event_type not in projection.handles:
            return
        if projection is self.views and envelope.aggregate_type not in ("Shipment", "ShippingDay"):
            return
        item = Decoded(event, projection.registry.decode(envelope))
        async with self.engine.begin() as conn:
            await projection.apply(conn, self.tables, item, ApplyContext(replaying=False, now=NOW))

    async def day(self, query: GetShippingDay) -> dict[str, Any]:
        await self.catch_up()
        return await queries.get_shipping_day(self.engine, self.tables, query)

    async def day_history(self, query: ShippingDayHistory) -> dict[str, Any]:
        await self.catch_up()
        return await queries.shipping_day_history(self.engine, self.tables, query)

    async def shipments(self, query: ListShipments) -> dict[str, Any]:
        await self.catch_up()
        return await queries.list_shipments(self.engine, self.tables, query)

    async def notices_for(self, role: str, **paging: Any) -> dict[str, Any]:
        await self.catch_up()
        return await notices.list_notices(self.engine, self.tables, ListNotices(role=role, **paging))
