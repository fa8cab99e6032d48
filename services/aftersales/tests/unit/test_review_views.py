"""The review read model (AS-16): a negative review is pending a reply until it is replied to; the
same events applied again change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from aftersales.customers.adapters.views import ReviewViews
from jetstream_es.projection import ApplyContext, Decoded
from jetstream_es.testing.events import decoded_event
from shop_contracts.events.aftersales import NegativeReviewRecorded, ReviewReplied
from shop_contracts.messages import EventData

from .customer_helpers import NOW

CTX = ApplyContext(replaying=False, now=NOW)
RECORDED = NegativeReviewRecorded(
    review_id="rv-1",
    customer_id="buyer-9",
    order_id="o-1",
    rating=1,
    excerpt="broken",
    recorded_by="as-1",
    recorded_at=NOW,
)
REPLIED = ReviewReplied(
    review_id="rv-1",
    customer_id="buyer-9",
    wangwang_id="ww-9",
    facts_checked="crushed",
    reply="sorry",
    replied_by="as-1",
    replied_at=NOW + timedelta(hours=2),
)


def decoded(data: EventData, version: int) -> Decoded:
    return decoded_event(
        data, version, service="aftersales", aggregate_type="Review", aggregate_id="rv-1", occurred_at=NOW
    )


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    yield engine
    await engine.dispose()


async def rows(engine: AsyncEngine, *items: Decoded) -> list[Any]:
    projection, metadata = ReviewViews(), MetaData()
    tables = projection.define_tables(metadata, "_g1")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await projection.apply_batch(conn, tables, items, CTX)
        return list((await conn.execute(select(tables["reviews"]))).all())


async def test_a_recorded_review_is_pending_a_reply_as_16(engine: AsyncEngine) -> None:
    [row] = await rows(engine, decoded(RECORDED, 1), decoded(RECORDED, 1))
    assert (row.status, row.customer_id, row.order_id, row.recorded_at) == (
        "PendingReply",
        "buyer-9",
        "o-1",
        NOW,
    )
    assert row.replied_at is None


async def test_a_reply_marks_the_review_replied_once_as_16(engine: AsyncEngine) -> None:
    [row] = await rows(
        engine, decoded(RECORDED, 1), decoded(REPLIED, 2), decoded(RECORDED, 1), decoded(REPLIED, 2)
    )
    assert (row.status, row.wangwang_id, row.replied_by, row.version) == ("Replied", "ww-9", "as-1", 2)
    assert row.replied_at == NOW + timedelta(hours=2)
