"""shopctl against a real server (issue 9): a poison message retried after the fix is applied once
and a dropped one keeps its reason; `lag` reports the right numbers while a consumer is paused and
fails past a threshold; streams, tail, history, send and query; clear errors for a wrong URL,
an unknown service or projection and a corrupt export (nothing half-imported)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client

from jetstream_es.clock import FixedClock
from jetstream_es.provision import provision
from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import caught_up, eventually
from jetstream_es.testing.nats_server import NatsServer
from jetstream_es.testing.sample import SAMPLE_CONSUMER_SPEC, FlakyCounterTotals, registry, sample_runtime
from shop_contracts.headers import Header

from .helpers import PLATFORM, ask, json_lines, place_body, shopctl, start_orders

pytestmark = pytest.mark.integration
ACTOR = {"id": "clerk-1", "roles": ["system"]}


@pytest.fixture
def flaky() -> FlakyCounterTotals:
    return FlakyCounterTotals(registry)


@pytest.fixture
async def sample(
    nats_server: NatsServer, nc: Client, tmp_path: Path, flaky: FlakyCounterTotals
) -> AsyncIterator[ServiceRuntime]:
    await provision(nc, [], [SAMPLE_CONSUMER_SPEC])
    runtime = sample_runtime(
        nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 's.db'}", flaky, max_deliver=2
    )
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


async def counter(nc: Client, cid: str, increments: int) -> None:
    body: dict[str, Any] = {"command_id": f"open-{cid}", "actor": ACTOR, "counter_id": cid, "name": cid}
    assert (await ask(nc, "sample.commands.OpenCounter", body))["ok"]
    for i in range(increments):
        body = {"command_id": f"inc-{cid}-{i}", "actor": ACTOR, "counter_id": cid, "by": 1}
        assert (await ask(nc, "sample.commands.Increment", body))["ok"]


async def test_a_poison_message_retried_after_the_fix_is_applied_once(
    nats_server: NatsServer, nc: Client, sample: ServiceRuntime, flaky: FlakyCounterTotals
) -> None:
    url = nats_server.url
    flaky.broken.add("c1")
    await counter(nc, "c1", 1)
    await counter(nc, "c2", 1)
    await caught_up(sample)
    listed = await shopctl("--url", url, "dlq", "list", "--json")
    assert listed.exit_code == 0, listed.output
    letters = json_lines(listed.stdout)
    assert [(d["status"], d["event_type"], d["reason"]) for d in letters] == [
        ("open", "CounterOpened", "handler_failed"),
        ("open", "CounterIncremented", "handler_failed"),
    ]
    assert "projection bug" in letters[0]["error"]
    first, second = letters[0]["dlq_seq"], letters[1]["dlq_seq"]
    early = await shopctl("--url", url, "dlq", "retry", str(first))
    assert early.exit_code == 1, "before the fix nothing is applied"
    assert "still fails" in early.output
    flaky.broken.clear()  # the fix is deployed
    for seq in (first, second):
        done = await shopctl("--url", url, "dlq", "retry", str(seq), "--by", "ops", "--reason", "fix 1.2")
        assert done.exit_code == 0, done.output
    assert flaky.applied == {"c2": 1, "c1": 1}, "each dead letter applied exactly once"
    again = await shopctl("--url", url, "dlq", "retry", str(second), "--by", "ops")
    assert again.exit_code == 1
    assert "retried already" in again.output
    assert flaky.applied["c1"] == 1
    assert json_lines((await shopctl("--url", url, "dlq", "list", "--json")).stdout) == []
    resolved = json_lines((await shopctl("--url", url, "dlq", "list", "--all", "--json")).stdout)
    assert [(d["status"], d["resolution"]["by"], d["resolution"]["reason"]) for d in resolved] == [
        ("retried", "ops", "fix 1.2"),
        ("retried", "ops", "fix 1.2"),
    ]
    shown = await shopctl("--url", url, "dlq", "show", str(first))
    assert shown.exit_code == 0
    assert '"Event-Type": "CounterOpened"' in shown.stdout


async def test_a_dropped_dead_letter_keeps_its_reason(
    nats_server: NatsServer, nc: Client, sample: ServiceRuntime, flaky: FlakyCounterTotals
) -> None:
    url = nats_server.url
    flaky.broken.add("junk")
    await counter(nc, "junk", 0)
    await caught_up(sample)
    [letter] = json_lines((await shopctl("--url", url, "dlq", "list", "--json")).stdout)
    no_reason = await shopctl("--url", url, "dlq", "drop", str(letter["dlq_seq"]))
    assert no_reason.exit_code == 2, "a drop needs a reason"
    dropped = await shopctl(
        "--url", url, "dlq", "drop", str(letter["dlq_seq"]), "--reason", "test data", "--by", "ops"
    )
    assert dropped.exit_code == 0, dropped.output
    [after] = json_lines((await shopctl("--url", url, "dlq", "list", "--all", "--json")).stdout)
    assert after["status"] == "dropped"
    assert after["resolution"]["reason"] == "test data"
    missing = await shopctl("--url", url, "dlq", "show", "999")
    assert missing.exit_code == 1
    assert "no dead letter at DLQ sequence 999" in missing.output


async def test_lag_reports_pending_and_seconds_behind_while_a_consumer_is_paused(
    nats_server: NatsServer, nc: Client, sample: ServiceRuntime
) -> None:
    url = nats_server.url
    await counter(nc, "k0", 1)
    await caught_up(sample)
    calm = json_lines((await shopctl("--url", url, "lag", "--stream", "SAMPLE", "--json")).stdout)
    assert [(r["consumer"], r["pending"], r["ack_pending"], r["seconds_behind"]) for r in calm] == [
        ("sample-counter-totals", 0, 0, 0.0)
    ]
    assert calm[0]["ack_floor"] == 2
    assert (await ask(nc, "sample.admin.PauseProjection", {"projection": "counter_totals"}))["ok"]
    await counter(nc, "k1", 2)
    lagging = await shopctl("--url", url, "lag", "--stream", "SAMPLE", "--json", "--max-pending", "2")
    assert lagging.exit_code == 1, "past the threshold: a failing health check"
    assert "sample-counter-totals: 3 pending > 2" in lagging.output
    [row] = json_lines(lagging.stdout)
    assert (row["pending"], row["ack_pending"], row["redelivered"], row["ack_floor"]) == (3, 0, 0, 2)
    assert 0 < row["seconds_behind"] < 60
    ok = await shopctl("--url", url, "lag", "--stream", "SAMPLE", "--max-pending", "3", "--max-seconds", "60")
    assert ok.exit_code == 0, ok.output
    behind = await shopctl("--url", url, "lag", "--stream", "SAMPLE", "--max-seconds", "0")
    assert behind.exit_code == 1
    assert "s behind > 0" in behind.output
    assert (await ask(nc, "sample.admin.ResumeProjection", {"projection": "counter_totals"}))["ok"]
    await caught_up(sample)

    async def lag_now() -> list[dict[str, Any]]:
        return json_lines((await shopctl("--url", url, "lag", "--stream", "SAMPLE", "--json")).stdout)

    rows = await eventually(lag_now, lambda rs: rs[0]["pending"] == 0)
    assert (rows[0]["ack_floor"], rows[0]["seconds_behind"]) == (5, 0.0)


async def test_streams_tail_history_send_and_query(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    url = nats_server.url
    orders = await start_orders(url, nc, tmp_path / "orders.db")
    try:
        body = {k: v for k, v in place_body("o-9").items() if k != "actor"}  # shopctl adds the signed-in one
        sent = await shopctl(
            "--url", url, "send", "orders", "PlaceOrder", "--json", json.dumps(body), actor=PLATFORM
        )
        assert sent.exit_code == 0, sent.output
        assert '"aggregate_id": "o-9"' in sent.stdout
        bad = await shopctl("--url", url, "send", "orders", "PlaceOrder", "--json", '{"order_id": "o-10"}')
        assert bad.exit_code == 1
        assert "orders.commands.PlaceOrder refused" in bad.output
        assert "invalid" in bad.output
        assert "command_id" in bad.output, "each bad field is named"
        await caught_up(orders)  # GetOrder reads the projection, which follows the stream
        asked = await shopctl("--url", url, "query", "orders", "GetOrder", "--json", '{"order_id": "o-9"}')
        assert asked.exit_code == 0, asked.output
        assert '"status": "Placed"' in asked.stdout
        report = json.loads((await shopctl("--url", url, "streams", "--json")).stdout)
        by_name = {s["stream"]: s for s in report}
        assert by_name["ORDERS"]["messages"] == by_name["ORDERS"]["last_seq"] == 1
        assert "orders-views" in by_name["ORDERS"]["consumers"]
        assert by_name["ORDERS"]["last_time"]
        tail = await shopctl("--url", url, "tail", "orders.events.>", "--all", "--limit", "1", "--json")
        assert tail.exit_code == 0, tail.output
        [event] = json_lines(tail.stdout)
        assert (event["event_type"], event["aggregate_id"], event["seq"]) == ("OrderPlaced", "o-9", 1)
        history = await shopctl("--url", url, "history", "o-9", "--json")
        assert [e["event_type"] for e in json_lines(history.stdout)] == ["OrderPlaced"]
        table = await shopctl("--url", url, "history", "o-9")
        assert table.exit_code == 0
        assert "OrderPlaced" in table.stdout
    finally:
        await orders.stop()


async def test_clear_errors_for_a_wrong_url_an_unknown_service_or_projection(
    nats_server: NatsServer, nc: Client, sample: ServiceRuntime
) -> None:
    wrong = await shopctl("--url", "nats://127.0.0.1:1", "--timeout", "1", "streams")
    assert wrong.exit_code == 2
    assert "cannot connect to NATS at nats://127.0.0.1:1" in wrong.output
    assert "Traceback" not in wrong.output
    unknown = await shopctl("--url", nats_server.url, "send", "warehouse", "Anything", "--json", "{}")
    assert unknown.exit_code == 2
    assert (
        "unknown service 'warehouse'; known: aftersales, catalog, fulfilment, hr, identity, kpi, orders"
        in unknown.output
    )
    down = await shopctl("--url", nats_server.url, "--timeout", "1", "replay", "orders", "orders_views")
    assert down.exit_code == 2
    assert "is the orders service running?" in down.output
    unknown_command = await shopctl("--url", nats_server.url, "query", "orders", "Nope", "--json", "{}")
    assert unknown_command.exit_code == 2
    assert "orders service running" in unknown_command.output
    missing = await shopctl("--url", nats_server.url, "history", "nobody")
    assert missing.exit_code == 1
    assert "no events for aggregate 'nobody'" in missing.output


async def test_replay_names_an_unknown_projection(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    orders = await start_orders(nats_server.url, nc, tmp_path / "orders.db")
    try:
        result = await shopctl("--url", nats_server.url, "replay", "orders", "order_view")
        assert result.exit_code == 2
        assert "unknown projection 'order_view' in orders; known:" in result.output
        assert "orders_views" in result.output
        reaction = await shopctl("--url", nats_server.url, "replay", "orders", "orders_fulfilment_reactions")
        assert reaction.exit_code == 1
        assert "never replayed" in reaction.output
        usage = await shopctl("--url", nats_server.url, "replay", "orders")
        assert usage.exit_code == 2
        assert "--all" in usage.output
    finally:
        await orders.stop()


async def test_a_corrupt_export_is_refused_and_nothing_is_imported(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    url = nats_server.url
    orders = await start_orders(url, nc, tmp_path / "orders.db")
    try:
        for order_id in ("o-1", "o-2"):
            assert (await ask(nc, "orders.commands.PlaceOrder", place_body(order_id)))["ok"]
    finally:
        await orders.stop()
    export = tmp_path / "orders.jsonl"
    assert (await shopctl("--url", url, "export", "ORDERS", str(export))).exit_code == 0
    good = export.read_bytes()
    with NatsServer() as fresh:
        from jetstream_es.testing.pytest_plugin import connect

        nc_b = await connect(fresh.url)
        try:
            from jetstream_es.provision import shop_streams

            await provision(nc_b, shop_streams(), [])
            export.write_bytes(good.replace(b"o-2", b"o-3", 1))  # one changed byte sequence
            corrupt = await shopctl("--url", fresh.url, "import", str(export))
            assert corrupt.exit_code == 2
            assert "is corrupt: its sha256 does not match the manifest; nothing imported" in corrupt.output
            export.write_bytes(good[: len(good) // 2])  # a truncated file
            truncated = await shopctl("--url", fresh.url, "import", str(export))
            assert truncated.exit_code == 2
            assert "nothing imported" in truncated.output
            export.write_bytes(good)
            (tmp_path / "orders.manifest.json").unlink()
            no_manifest = await shopctl("--url", fresh.url, "import", str(export))
            assert no_manifest.exit_code == 2
            assert "no manifest" in no_manifest.output
            info = await nc_b.jetstream().stream_info("ORDERS")
            assert info.state.messages == 0, "nothing half-imported"
        finally:
            await nc_b.close()


SIMULATED = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)


async def test_a_dead_letter_and_its_drop_carry_the_service_clock_not_the_wall_clock(
    nats_server: NatsServer, nc: Client, sample: ServiceRuntime, flaky: FlakyCounterTotals
) -> None:
    sample.clock = FixedClock(SIMULATED)  # given a service on a simulated clock
    for runner in sample.runners:
        runner.clock = sample.clock
    flaky.broken.add("sim")
    await counter(nc, "sim", 0)
    await caught_up(sample)
    [letter] = json_lines((await shopctl("--url", nats_server.url, "dlq", "list", "--json")).stdout)
    dropped = await shopctl(
        "--url", nats_server.url, "dlq", "drop", str(letter["dlq_seq"]), "--reason", "sandbox", "--by", "ops"
    )
    assert dropped.exit_code == 0, dropped.output
    [after] = json_lines((await shopctl("--url", nats_server.url, "dlq", "list", "--all", "--json")).stdout)
    assert after["at"] == SIMULATED.isoformat()
    assert after["resolution"]["at"] == SIMULATED.isoformat()


async def test_a_backup_is_refused_while_dead_letters_are_open_unless_allowed(
    nats_server: NatsServer, nc: Client, sample: ServiceRuntime, flaky: FlakyCounterTotals, tmp_path: Path
) -> None:
    flaky.broken.add("open")
    await counter(nc, "open", 0)
    await caught_up(sample)
    secret = tmp_path / "passphrase"
    secret.write_text("s3cret")
    args = ["--url", nats_server.url, "backup", "all", "--passphrase-file", str(secret)]
    refused = await shopctl(*args, "--dir", str(tmp_path / "refused"))
    assert refused.exit_code == 1
    assert "dead letters are open" in refused.output
    assert not (tmp_path / "refused" / "backup.json").exists(), "nothing backed up"
    allowed = await shopctl(*args, "--dir", str(tmp_path / "allowed"), "--allow-open-dead-letters")
    assert allowed.exit_code == 0, allowed.output
    index = json.loads((tmp_path / "allowed" / "backup.json").read_text())
    assert [d["dlq_seq"] for d in index["open_dead_letters"]] == [1]
    assert {s["stream"] for s in index["streams"]} >= {"ORDERS", "HR", "HR_KEYS", "DLQ"}


async def test_the_key_stream_is_exported_only_encrypted_hr_38(
    nats_server: NatsServer, nc: Client, tmp_path: Path
) -> None:
    await nc.jetstream().publish(
        "hr.keys.emp-1", b'{"data_key": "c2VjcmV0"}', headers={Header.KEY_STATE: "active"}
    )
    file = tmp_path / "keys.jsonl"
    plain = await shopctl("--url", nats_server.url, "export", "HR_KEYS", str(file))
    assert plain.exit_code == 2
    assert "exported only encrypted" in plain.output
    assert not file.exists()
    secret = tmp_path / "passphrase"
    secret.write_text("s3cret")
    sealed = await shopctl(
        "--url", nats_server.url, "export", "HR_KEYS", str(file), "--passphrase-file", str(secret)
    )
    assert sealed.exit_code == 0, sealed.output
    assert "c2VjcmV0" not in file.read_text()
    assert "data_sealed" in file.read_text()
