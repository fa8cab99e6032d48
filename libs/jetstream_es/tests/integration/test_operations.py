"""The operators' runtime endpoints against a real nats-server (issue 9): a dry-run rebuild reports
what would change and swaps nothing; a rebuild reports its progress; a paused projection keeps its
place; a dead letter is retried after the fix and applied once, or dropped with a reason; nothing
is resolved twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client
from sqlalchemy import delete

from jetstream_es.dlq import DeadLetterError, dead_letter, dead_letters, resolve
from jetstream_es.projection.rebuild import RebuildProgress
from jetstream_es.provision import provision
from jetstream_es.service.runtime import ServiceRuntime
from jetstream_es.testing.harness import caught_up, eventually, request
from jetstream_es.testing.sample import (
    SAMPLE_CONSUMER_SPEC,
    CounterTotals,
    FlakyCounterTotals,
    registry,
    sample_runtime,
)
from shop_contracts.headers import Header

pytestmark = pytest.mark.integration
ACTOR = {"id": "clerk-1", "roles": ["system"]}


async def ask(nc: Client, subject: str, body: dict[str, Any]) -> dict[str, Any]:
    """Signed as the body's actor, or as the test reader (who holds `operator`) for admin requests."""
    return await request(nc, subject, body)


async def counters(nc: Client, ids: list[str], increments: int) -> None:
    for cid in ids:
        body = {"command_id": f"open-{cid}", "actor": ACTOR, "counter_id": cid, "name": f"n-{cid}"}
        assert (await ask(nc, "sample.commands.OpenCounter", body))["ok"]
        for i in range(increments):
            body = {"command_id": f"inc-{cid}-{i}", "actor": ACTOR, "counter_id": cid, "by": 1}
            assert (await ask(nc, "sample.commands.Increment", body))["ok"]


@pytest.fixture
async def flaky() -> FlakyCounterTotals:
    return FlakyCounterTotals(registry)


@pytest.fixture
async def sample(
    nats_server: Any, nc: Client, tmp_path: Path, flaky: FlakyCounterTotals
) -> AsyncIterator[ServiceRuntime]:
    await provision(nc, [], [SAMPLE_CONSUMER_SPEC])
    runtime = sample_runtime(
        nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'sample.db'}", flaky, max_deliver=2
    )
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


async def rows(runtime: ServiceRuntime) -> list[tuple[str, str, int, int]]:
    runner = runtime.runner("counter_totals")
    async with runtime.engine.connect() as conn:
        return await CounterTotals.rows(conn, runner.tables)


async def test_a_dry_run_reports_the_difference_and_swaps_nothing(nc: Client, sample: ServiceRuntime) -> None:
    await counters(nc, ["a", "b"], 2)
    await caught_up(sample)
    runner = sample.runner("counter_totals")
    async with sample.engine.begin() as conn:  # the table lost a row (an operator's mistake)
        await conn.execute(delete(runner.tables["totals"]).where(runner.tables["totals"].c.counter_id == "b"))
    generation = runner.generation
    reply = await ask(nc, "sample.admin.ReplayProjection", {"projection": "counter_totals", "dry_run": True})
    assert reply["ok"], reply
    result = reply["result"]
    assert result["dry_run"] is True
    assert result["changes"][0]["table"] == "totals"
    assert (result["changes"][0]["rows_now"], result["changes"][0]["rows_after"]) == (1, 2)
    assert result["changes"][0]["added"] == 1
    assert result["changes"][0]["examples"] == [{"change": "added", "key": ["b"]}]
    assert runner.generation == generation, "a dry run swaps nothing"
    assert [r[0] for r in await rows(sample)] == ["a"]
    real = await ask(nc, "sample.admin.ReplayProjection", {"projection": "counter_totals"})
    assert real["ok"]
    assert real["result"]["generation"] == generation + 1
    assert await rows(sample) == [("a", "n-a", 2, 2), ("b", "n-b", 2, 2)]


async def test_a_rebuild_reports_progress_up_to_the_last_sequence(nc: Client, sample: ServiceRuntime) -> None:
    await counters(nc, ["p1", "p2", "p3"], 3)
    await caught_up(sample)
    seen: list[RebuildProgress] = []

    async def record(progress: RebuildProgress) -> None:
        seen.append(progress)

    report = await sample.runner("counter_totals").rebuild(progress=record)
    assert seen[-1].done
    assert seen[-1].seq == seen[-1].target == 12
    assert seen[-1].applied == report.events == 12


async def test_a_complete_rebuild_ends_at_100_percent_when_the_stream_ends_with_other_aggregates(
    nc: Client, sample: ServiceRuntime
) -> None:
    await counters(nc, ["q1"], 1)
    await nc.jetstream().publish("sample.events.Other.o-1", b"{}", headers={Header.EVENT_TYPE: "OtherThing"})
    await caught_up(sample)
    seen: list[RebuildProgress] = []

    async def record(progress: RebuildProgress) -> None:
        seen.append(progress)

    await sample.runner("counter_totals").rebuild(progress=record)
    assert seen[-1].done
    assert seen[-1].target == 3, "the stream's last message is not the projection's"
    assert seen[-1].seq == seen[-1].target, "read to the end of the stream: 100 %"


async def test_a_paused_projection_keeps_its_place_and_catches_up_on_resume(
    nc: Client, sample: ServiceRuntime
) -> None:
    await counters(nc, ["x"], 1)
    await caught_up(sample)
    assert (await ask(nc, "sample.admin.PauseProjection", {"projection": "counter_totals"}))["ok"]
    await counters(nc, ["y"], 2)
    runner = sample.runner("counter_totals")
    assert await eventually(runner.lag, lambda n: n == 3) == 3
    health = await ask(nc, "sample.queries.Health", {})
    assert health["result"]["projections"][0]["paused"] is True
    assert (await ask(nc, "sample.admin.ResumeProjection", {"projection": "counter_totals"}))["ok"]
    await caught_up(sample)
    assert await rows(sample) == [("x", "n-x", 1, 1), ("y", "n-y", 2, 2)]


async def test_a_dead_letter_retried_after_the_fix_is_applied_once(
    nc: Client, sample: ServiceRuntime, flaky: FlakyCounterTotals
) -> None:
    flaky.broken.add("bad")
    await counters(nc, ["bad"], 0)
    await counters(nc, ["ok"], 1)
    await caught_up(sample)
    [letter] = await dead_letters(nc)
    assert (letter.service, letter.consumer, letter.reason) == (
        "sample",
        "sample-counter-totals",
        "handler_failed",
    )
    assert "projection bug" in letter.error
    assert letter.status == "open"
    refused = await ask(nc, "sample.admin.RetryDeadLetter", {"dlq_seq": letter.dlq_seq, "by": "ops"})
    assert refused["error"]["code"] == "invalid"
    assert "still fails" in refused["error"]["message"]
    assert "projection bug" in refused["error"]["message"]
    assert (await dead_letter(nc, letter.dlq_seq)).status == "open", "a failed retry resolves nothing"
    flaky.broken.clear()  # the fix
    body = {"dlq_seq": letter.dlq_seq, "by": "ops", "reason": "fixed in 1.2"}
    reply = await ask(nc, "sample.admin.RetryDeadLetter", body)
    assert reply["ok"], reply
    assert reply["result"]["applied"] is True
    again = await ask(nc, "sample.admin.RetryDeadLetter", body)
    assert again["error"]["code"] == "conflict", "a dead letter is resolved once"
    assert ("bad", "n-bad", 0, 0) in await rows(sample)
    resolved = await dead_letter(nc, letter.dlq_seq)
    assert resolved.status == "retried"
    assert resolved.resolution is not None
    assert (resolved.resolution.by, resolved.resolution.reason) == ("ops", "fixed in 1.2")
    applied = await sample.runner("counter_totals").apply_dead_letter(
        letter.dlq_seq, {Header.EVENT_TYPE: "CounterOpened"}, letter.data, letter.subject, letter.stream_seq
    )
    assert applied is False, "the projection database remembers the retry"


async def test_a_dropped_dead_letter_records_its_reason_and_cannot_be_retried(
    nc: Client, sample: ServiceRuntime, flaky: FlakyCounterTotals
) -> None:
    flaky.broken.add("gone")
    await counters(nc, ["gone"], 0)
    await caught_up(sample)
    [letter] = await dead_letters(nc)
    with pytest.raises(DeadLetterError, match="needs a reason"):
        await resolve(nc, letter, "dropped", " ", "ops", at=sample.clock.now())
    await resolve(nc, letter, "dropped", "test counter, never real", "ops", at=sample.clock.now())
    dropped = await dead_letter(nc, letter.dlq_seq)
    assert dropped.status == "dropped"
    assert dropped.resolution is not None
    assert dropped.resolution.reason == "test counter, never real"
    reply = await ask(nc, "sample.admin.RetryDeadLetter", {"dlq_seq": letter.dlq_seq, "by": "ops"})
    assert reply["error"]["code"] == "conflict"
    missing = await ask(nc, "sample.admin.RetryDeadLetter", {"dlq_seq": 999, "by": "ops"})
    assert missing["error"]["code"] == "not_found"


async def test_operators_without_jetstream_rights_list_and_drop_a_services_dead_letters(
    nc: Client, sample: ServiceRuntime, flaky: FlakyCounterTotals
) -> None:
    """The back office's operators (issue 18) ask the service itself: `DeadLetters` lists its own,
    `DropDeadLetter` records who and why and needs a reason; a second drop is a conflict."""
    flaky.broken.add("lost")
    await counters(nc, ["lost"], 0)
    await caught_up(sample)
    listed = await ask(nc, "sample.admin.DeadLetters", {})
    assert listed["ok"], listed
    [row] = listed["result"]["dead_letters"]
    assert (row["service"], row["status"], row["reason"]) == ("sample", "open", "handler_failed")
    no_reason = await ask(nc, "sample.admin.DropDeadLetter", {"dlq_seq": row["dlq_seq"], "by": "ops"})
    assert no_reason["error"]["code"] == "invalid"
    assert "reason" in no_reason["error"]["message"]
    body = {"dlq_seq": row["dlq_seq"], "by": "ops", "reason": "a test counter"}
    dropped = await ask(nc, "sample.admin.DropDeadLetter", body)
    assert dropped["ok"], dropped
    assert (await dead_letter(nc, row["dlq_seq"])).status == "dropped"
    again = await ask(nc, "sample.admin.DropDeadLetter", body)
    assert again["error"]["code"] == "conflict"
    assert (await ask(nc, "sample.admin.DeadLetters", {}))["result"]["dead_letters"] == []
    everything = await ask(nc, "sample.admin.DeadLetters", {"include_resolved": True})
    [resolved] = everything["result"]["dead_letters"]
    assert resolved["resolution"]["reason"] == "a test counter"
    missing = await ask(nc, "sample.admin.DropDeadLetter", {"dlq_seq": 999, "by": "ops", "reason": "x"})
    assert missing["error"]["code"] == "not_found"
