"""The buyer risk read model (AS-18): a confirmed flag is one row per buyer id; applying the same
confirmation again, or an older one, changes nothing; proposals and rejections are not a tag."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jetstream_es.projection import ApplyContext, Decoded
from jetstream_es.testing.events import decoded_event
from orders.adapters.risk import INFERIOR_CUSTOMER, BuyerRiskViews
from shop_contracts.events.aftersales import CustomerFlagConfirmed
from shop_contracts.messages import EventData

from .helpers import NOW

CTX = ApplyContext(replaying=False, now=NOW)


def confirmed(reason: str = "bad-faith returns") -> CustomerFlagConfirmed:
    return CustomerFlagConfirmed(
        customer_id="buyer-9", reason=reason, proposed_by="as-1", confirmed_by="cs-sup-1", confirmed_at=NOW
    )


def decoded(data: EventData, version: int) -> Decoded:
    return decoded_event(
        data,
        version,
        service="aftersales",
        aggregate_type="CustomerFlag",
        aggregate_id="buyer-9",
        occurred_at=NOW,
    )


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    yield engine
    await engine.dispose()


async def rows(engine: AsyncEngine, *items: Decoded) -> list[Any]:
    projection, metadata = BuyerRiskViews(), MetaData()
    tables = projection.define_tables(metadata, "_g1")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await projection.apply_batch(conn, tables, items, CTX)
        return list((await conn.execute(select(tables["risk"]))).all())


def test_only_the_confirmation_is_handled_and_other_flag_events_are_skipped() -> None:
    assert BuyerRiskViews.handles == frozenset({"CustomerFlagConfirmed"})
    assert BuyerRiskViews.skip_unknown_types
    assert not BuyerRiskViews.side_effects
    assert BuyerRiskViews.filter_subjects == ("aftersales.events.CustomerFlag.>",)


async def test_a_confirmed_flag_is_a_risk_row_keyed_by_the_buyer_id_as_18(engine: AsyncEngine) -> None:
    [row] = await rows(engine, decoded(confirmed(), 2))
    assert (row.buyer_id, row.tag, row.reason, row.confirmed_by) == (
        "buyer-9",
        INFERIOR_CUSTOMER,
        "bad-faith returns",
        "cs-sup-1",
    )
    assert row.confirmed_at == NOW


async def test_the_same_or_an_older_confirmation_changes_nothing(engine: AsyncEngine) -> None:
    later = decoded(confirmed("later"), 4)
    [row] = await rows(engine, later, later, decoded(confirmed("older"), 2))
    assert (row.reason, row.version) == ("later", 4)
