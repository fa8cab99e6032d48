"""The back office's live updates against a real nats-server (issue 18): its subscriptions to the
services' events feed open pages and never answer an event's publish, so a service's JetStream
append still gets the stream's PubAck (an empty reply from a subscriber would reach it first)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from nats.aio.client import Client

from backoffice.bootstrap import nats_router, watch_events
from backoffice.live import Live, Watch
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.nats_server import NatsServer

pytestmark = pytest.mark.integration


@pytest.fixture
async def live(nats_server: NatsServer) -> AsyncIterator[Live]:
    live = Live()
    router = nats_router(RuntimeSettings(nats_url=nats_server.url, connect_timeout=2))
    watch_events(router, live, ["hr"])
    async with router.lifespan_context(FastAPI()):
        yield live


async def test_an_event_append_still_gets_its_puback_and_reaches_a_watching_page(
    live: Live, nc: Client
) -> None:
    stream = live.stream([Watch.parse("hr.AttendanceDay.e-1_*")], heartbeat_s=5)
    assert await anext(stream) == ": connected\n\n"  # the page listens from here on
    js = nc.jetstream()
    ack = await js.publish(
        "hr.events.AttendanceDay.e-1_2026-12-02", b"{}", headers={"Event-Type": "ClockedIn"}, timeout=5
    )
    assert ack.stream == "HR"
    assert ack.seq >= 1
    received = [await asyncio.wait_for(anext(stream), 10), await asyncio.wait_for(anext(stream), 10)]
    await stream.aclose()
    assert "event: AttendanceDay\ndata: hr.AttendanceDay.e-1_2026-12-02\n\n" in received
    assert "event: ClockedIn\ndata: hr.AttendanceDay.e-1_2026-12-02\n\n" in received


async def test_the_back_office_never_answers_an_events_publish(live: Live, nc: Client) -> None:
    """Exactly one answer reaches the publisher's inbox: the stream's PubAck."""
    inbox = nc.new_inbox()
    answers = await nc.subscribe(inbox)
    await nc.publish(
        "hr.events.AttendanceDay.e-3_2026-12-02", b"{}", reply=inbox, headers={"Event-Type": "ClockedIn"}
    )
    first = await answers.next_msg(timeout=5)
    assert b'"stream":"HR"' in first.data.replace(b" ", b"")
    await asyncio.sleep(1.0)  # a subscriber's reply would have come by now
    assert answers.pending_msgs == 0
    await answers.unsubscribe()


async def test_a_page_watching_another_aggregate_gets_nothing(live: Live, nc: Client) -> None:
    stream = live.stream([Watch.parse("hr.AttendanceDay.e-2_*")], heartbeat_s=0.5)
    assert await anext(stream) == ": connected\n\n"
    await nc.jetstream().publish(
        "hr.events.AttendanceDay.e-1_2026-12-02", b"{}", headers={"Event-Type": "ClockedIn"}, timeout=5
    )
    assert await asyncio.wait_for(anext(stream), 5) == ": heartbeat\n\n"
    await stream.aclose()
