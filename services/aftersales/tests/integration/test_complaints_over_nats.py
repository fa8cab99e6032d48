"""Complaints, customer flags, reviews and contacts over NATS request/reply against a real
nats-server (SM-CMP, SM-CUST-FLAG; AS-15..AS-21): the 24-hour response deadline fired once by the
running service with a FixedClock, across a restart, and cancelled by a response; ComplaintBoard,
CustomerFlags and ReviewBoard (AS-16); roles and an invalid payload."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.jetstream.store import JetStreamEventStore
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.nats_server import NatsServer

from .helpers import CS, NOW, caught_up, command, eventually, query, start_aftersales

pytestmark = pytest.mark.integration
CS_SUPERVISOR = {"id": "cs-sup-1", "roles": ["cs_supervisor"]}
SLA = timedelta(hours=24)


def body(name: str, actor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"command_id": f"{name}-{actor['id']}", "actor": actor, **fields}


def register(complaint_id: str = "cmp-1") -> dict[str, Any]:
    return body(
        f"reg-{complaint_id}", CS, complaint_id=complaint_id, customer_id="buyer-9", subject="courier late"
    )


async def complaint_events(nc: Client, complaint_id: str = "cmp-1") -> list[str]:
    store = JetStreamEventStore(nc, "aftersales")
    try:
        return [e.event_type for e in await store.read("Complaint", complaint_id)]
    finally:
        await store.close()


async def fired(runtime: ServiceRuntime) -> int:
    await caught_up(runtime)
    return sum([await s.run_due() for s in runtime.schedulers])


@pytest.fixture
async def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def service(
    nats_server: NatsServer, nc: Client, tmp_path: Path, clock: FixedClock
) -> AsyncIterator[ServiceRuntime]:
    runtime = await start_aftersales(nats_server.url, nc, tmp_path / "aftersales.db", clock)
    yield runtime
    await runtime.stop()


async def test_a_missed_response_deadline_fires_overdue_once_as_15(
    service: ServiceRuntime, nc: Client, clock: FixedClock
) -> None:
    assert (await command(nc, "RegisterComplaint", register()))["ok"]
    await caught_up(service)
    clock.advance(SLA + timedelta(minutes=1))
    events = await eventually(lambda: complaint_events(nc), lambda e: len(e) == 2)
    assert events == ["ComplaintRegistered", "ComplaintResponseOverdue"]
    clock.advance(timedelta(hours=1))
    await fired(service)
    assert len(await complaint_events(nc)) == 2
    await caught_up(service)
    board = await query(nc, "ComplaintBoard", {})
    assert [r["complaint_id"] for r in board["overdue"]] == ["cmp-1"]
    assert board["overdue"][0]["overdue_recorded"]
    assert board["counts"]["open"] == 1


async def test_the_response_deadline_survives_a_restart_and_fires_once_as_15(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    clock = FixedClock(NOW)
    runtime = await start_aftersales(nats_server.url, nc, tmp_path / "a.db", clock)
    await command(nc, "RegisterComplaint", register())
    await caught_up(runtime)
    await runtime.stop()
    clock.advance(SLA + timedelta(hours=2))
    restarted = await start_aftersales(nats_server.url, nc, tmp_path / "a.db", clock)
    try:
        events = await eventually(lambda: complaint_events(nc), lambda e: len(e) == 2)
        assert events[-1] == "ComplaintResponseOverdue"
        await fired(restarted)
        assert len(await complaint_events(nc)) == 2
    finally:
        await restarted.stop()


async def test_a_response_cancels_the_deadline_as_15(
    service: ServiceRuntime, nc: Client, clock: FixedClock
) -> None:
    await command(nc, "RegisterComplaint", register())
    clock.advance(timedelta(hours=3))
    reply = await command(
        nc, "RespondToComplaint", body("resp", CS, complaint_id="cmp-1", response="re-sent")
    )
    assert reply["ok"], reply
    await caught_up(service)
    clock.advance(SLA * 2)
    assert await fired(service) == 0
    assert await complaint_events(nc) == ["ComplaintRegistered", "ComplaintResponded"]
    board = await query(nc, "ComplaintBoard", {})
    assert board["counts"] == {"open": 0, "overdue": 0, "escalated": 0}


async def test_the_board_lists_open_overdue_and_escalated_complaints_as_15_as_19(
    service: ServiceRuntime, nc: Client, clock: FixedClock
) -> None:
    for complaint_id in ("cmp-1", "cmp-2", "cmp-3"):
        await command(nc, "RegisterComplaint", register(complaint_id))
    await command(nc, "EscalateComplaint", body("esc", CS, complaint_id="cmp-2", reason="wants compensation"))
    await command(nc, "RespondToComplaint", body("resp", CS, complaint_id="cmp-3", response="done"))
    await command(nc, "ResolveComplaint", body("res", CS, complaint_id="cmp-3", resolution="ok"))
    await caught_up(service)
    board = await query(nc, "ComplaintBoard", {})
    assert [r["complaint_id"] for r in board["open"]] == ["cmp-1"]
    assert [r["complaint_id"] for r in board["escalated"]] == ["cmp-2"]
    assert board["overdue"] == []
    wrong = await command(nc, "ResolveComplaint", body("res", CS, complaint_id="cmp-2", resolution="x"))
    assert (wrong["error"]["code"], wrong["error"]["rule"]) == ("forbidden", "AS-19")


async def test_the_board_pages_each_list_with_its_count_as_15(
    service: ServiceRuntime, nc: Client, clock: FixedClock
) -> None:
    for complaint_id in ("cmp-1", "cmp-2", "cmp-3"):
        await command(nc, "RegisterComplaint", register(complaint_id))
    await caught_up(service)
    first = await query(nc, "ComplaintBoard", {"limit": 2})
    rest = await query(nc, "ComplaintBoard", {"limit": 2, "offset": 2})
    assert first["counts"]["open"] == 3
    assert [r["complaint_id"] for r in first["open"] + rest["open"]] == ["cmp-1", "cmp-2", "cmp-3"]


async def test_a_customer_flag_is_proposed_then_confirmed_by_the_supervisor_as_18(
    service: ServiceRuntime, nc: Client
) -> None:
    flag = body("flag", CS, customer_id="buyer-9", reason="bad-faith returns")
    assert (await command(nc, "FlagCustomer", flag))["ok"]
    await caught_up(service)
    pending = await query(nc, "CustomerFlags", {"status": "Proposed"})
    assert [f["customer_id"] for f in pending["flags"]] == ["buyer-9"]
    by_agent = await command(nc, "ConfirmCustomerFlag", body("conf", CS, customer_id="buyer-9"))
    assert (by_agent["error"]["code"], by_agent["error"]["rule"]) == ("forbidden", "AS-18")
    assert (await command(nc, "ConfirmCustomerFlag", body("conf", CS_SUPERVISOR, customer_id="buyer-9")))[
        "ok"
    ]
    again = await command(nc, "ConfirmCustomerFlag", body("conf2", CS_SUPERVISOR, customer_id="buyer-9"))
    assert (again["error"]["code"], again["error"]["rule"]) == ("rule_violated", "SM-CUST-FLAG")
    await caught_up(service)
    flags = await query(nc, "CustomerFlags", {"customer_id": "buyer-9"})
    assert [(f["status"], f["decided_by"]) for f in flags["flags"]] == [("Confirmed", "cs-sup-1")]


async def test_reviews_consultations_and_revisits_are_recorded_as_16_as_17_as_21(
    service: ServiceRuntime, nc: Client
) -> None:
    review = body("rv", CS, review_id="rv-1", customer_id="buyer-9", rating=1, excerpt="broken")
    assert (await command(nc, "RecordNegativeReview", review))["ok"]
    reply = body("rp", CS, review_id="rv-1", wangwang_id="ww-9", facts_checked="crushed", reply="sorry")
    assert (await command(nc, "ReplyToReview", reply))["ok"]
    consult = body(
        "cn", CS, consultation_id="cn-1", customer_id="buyer-9", topic="size", routed_to="warehouse"
    )
    assert (await command(nc, "LogConsultation", consult))["ok"]
    visit = body("vs", CS, revisit_id="vs-1", customer_id="buyer-9", note="called", satisfaction=5)
    assert (await command(nc, "RecordRevisit", visit))["ok"]


async def test_the_review_board_lists_pending_replies_first_oldest_first_as_16(
    service: ServiceRuntime, nc: Client, clock: FixedClock
) -> None:
    for review_id, customer in (("rv-1", "buyer-9"), ("rv-2", "buyer-7"), ("rv-3", "buyer-9")):
        review = body(
            f"rv-{review_id}", CS, review_id=review_id, customer_id=customer, rating=1, excerpt="broken"
        )
        assert (await command(nc, "RecordNegativeReview", {**review, "order_id": f"o-{review_id}"}))["ok"]
        clock.advance(timedelta(hours=1))
    reply = body("rp", CS, review_id="rv-1", wangwang_id="ww-9", facts_checked="crushed", reply="sorry")
    assert (await command(nc, "ReplyToReview", reply))["ok"]
    await caught_up(service)
    board = await query(nc, "ReviewBoard", {})
    assert board["counts"] == {"PendingReply": 2, "Replied": 1}
    assert [(r["review_id"], r["status"]) for r in board["reviews"]] == [
        ("rv-2", "PendingReply"),
        ("rv-3", "PendingReply"),
        ("rv-1", "Replied"),
    ]
    pending, replied = board["reviews"][0], board["reviews"][2]
    assert (pending["customer_id"], pending["order_id"], pending["replied_at"]) == ("buyer-7", "o-rv-2", None)
    assert pending["recorded_at"] == (NOW + timedelta(hours=1)).isoformat()
    assert pending["hours_waiting"] == 2
    assert (replied["wangwang_id"], replied["replied_by"]) == ("ww-9", CS["id"])
    assert replied["replied_at"] == (NOW + timedelta(hours=3)).isoformat()
    mine = await query(nc, "ReviewBoard", {"status": "PendingReply", "customer_id": "buyer-9"})
    assert ([r["review_id"] for r in mine["reviews"]], mine["total"]) == (["rv-3"], 1)
    assert mine["counts"] == {"PendingReply": 1, "Replied": 1}


async def test_an_invalid_complaint_payload_is_invalid_with_the_field_path(
    service: ServiceRuntime, nc: Client
) -> None:
    bad = {**register(), "subject": ""}
    reply = await command(nc, "RegisterComplaint", bad)
    assert reply["error"]["code"] == "invalid"
    assert "subject" in [d["field"] for d in reply["error"]["details"]]
    rating = body("vs", CS, revisit_id="vs-1", customer_id="buyer-9", note="n", satisfaction=9)
    assert (await command(nc, "RecordRevisit", rating))["error"]["code"] == "invalid"
