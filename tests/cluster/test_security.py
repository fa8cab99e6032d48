"""Security of the cluster topology (issue 11): per-service NATS users with subject permissions,
no anonymous access, generated credentials that stay private and out of git; each user its own
reply inboxes (issue 17, decision 0010)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import stat
import subprocess
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import nats
import nats.errors
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from jetstream_es.clock import SimulationClock, SimulationDriver
from jetstream_es.jetstream.direct_get import DirectGetClient
from jetstream_es.settings import progress_inbox
from jetstream_es.testing.harness import eventually
from shop_contracts.envelope import Actor
from shop_contracts.subjects import SIM_CLOCK_BUCKET
from shopops.cluster import Cluster
from shopops.security import OPERATOR

CLIENT = "backoffice"
"""A client program's NATS user (each has its own: `shopops.security.CLIENT_USERS`)."""

pytestmark = [pytest.mark.integration, pytest.mark.timeout(240)]
REPO = Path(__file__).resolve().parents[2]


async def violations_of(cluster: Cluster, user: str, subject: str, payload: bytes = b"{}") -> list[str]:
    """Publish as `user`; the permission errors the server sent back."""
    errors, nc = await connect_watching(cluster, user)
    try:
        await nc.publish(subject, payload)
        await nc.flush(timeout=5)
        await errors.first(within=3.0)
    finally:
        await nc.close()
    return [e for e in errors.seen if "permissions violation" in e.lower()]


class Errors:
    """The asynchronous errors the server sent to one connection."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._arrived = asyncio.Event()

    async def on_error(self, exc: Exception) -> None:
        self.seen.append(str(exc))
        self._arrived.set()

    async def first(self, within: float) -> None:
        """Until one error arrived (the -ERR follows the flush's PONG at the latest), or `within`."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), within)


async def connect_watching(cluster: Cluster, user: str) -> tuple[Errors, Client]:
    errors = Errors()
    return errors, await cluster.connect(user, error_cb=errors.on_error)


async def test_orders_service_cannot_publish_to_hr_events(cluster: Cluster) -> None:
    subject = "hr.events.AttendanceDay.security-probe"
    refused = await violations_of(cluster, "orders", subject)
    assert refused
    assert subject.lower() in refused[0]
    op = await cluster.connect(OPERATOR)
    try:  # nothing reached the HR stream
        with pytest.raises(nats.js.errors.NotFoundError):
            await op.jetstream().get_last_msg("HR", subject)
    finally:
        await op.close()


async def test_orders_service_may_publish_what_it_needs(cluster: Cluster) -> None:
    """The positive control: its own health query and its replies are allowed."""
    assert await violations_of(cluster, "orders", "orders.queries.Health") == []
    nc = await cluster.connect("orders")
    try:
        reply = await nc.request("orders.queries.Health", b"{}", timeout=5)
        assert json.loads(reply.data)["ok"] is True
    finally:
        await nc.close()


@pytest.mark.parametrize(
    ("user", "subject"),
    [
        # reading a stream it does not consume (orders reads HR's since its duty rota, DUTY-1)
        ("orders", "$JS.API.DIRECT.GET.KPI"),
        ("orders", "$JS.API.STREAM.DELETE.ORDERS"),  # managing streams is the operator's
        ("hr", "orders.events.Order.o-1"),
        ("hr", "dlq.orders.orders-views"),  # another service's dead letters
        ("aftersales", "orders.commands.PlaceOrder"),  # services talk through events only
        ("shopctl", "orders.admin.ReplayProjection"),  # admin endpoints: the operator's (and the
        # back office's operators' screen, ADMIN_CLIENTS, where the service checks the person's role)
        (CLIENT, "orders.events.Order.o-1"),
        (CLIENT, "$JS.API.STREAM.INFO.ORDERS"),
    ],
)
async def test_publish_outside_a_users_permissions_is_refused(
    cluster: Cluster, user: str, subject: str
) -> None:
    refused = await violations_of(cluster, user, subject)
    assert refused, f"{user} could publish to {subject}"


async def test_a_service_cannot_subscribe_to_another_services_commands(cluster: Cluster) -> None:
    errors, nc = await connect_watching(cluster, "orders")
    try:
        await nc.subscribe("hr.commands.>")
        await nc.flush(timeout=5)
        await errors.first(within=5.0)
    finally:
        await nc.close()
    assert any("permissions violation for subscription" in e.lower() for e in errors.seen), errors.seen


@pytest.mark.parametrize("node", [0, 1, 2])
async def test_unauthenticated_and_wrong_password_clients_are_refused(cluster: Cluster, node: int) -> None:
    url = cluster.urls[node]
    with pytest.raises(nats.errors.Error, match=r"(?i)authorization"):
        await nats.connect(url, connect_timeout=2, allow_reconnect=False, max_reconnect_attempts=0)
    with pytest.raises(nats.errors.Error, match=r"(?i)authorization"):
        await nats.connect(
            url, user="orders", password="not-the-password", connect_timeout=2, allow_reconnect=False
        )


def test_credentials_are_private_and_never_committed(cluster: Cluster) -> None:
    secrets = cluster.secrets
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    files = sorted(secrets.iterdir())
    assert {p.name for p in files} >= {"auth.conf", "users.json", "orders.env", "operator.env", "n1.conf"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for ignored in ("var/cluster/secrets/users.json", "deploy/secrets/users.json", "deploy/.env"):
        result = subprocess.run(["git", "check-ignore", "-q", ignored], cwd=REPO, check=False)
        assert result.returncode == 0, f"{ignored} is not ignored by git"


async def test_a_service_may_follow_the_simulation_clock_under_its_permissions(cluster: Cluster) -> None:
    """The bucket's read and watch rights are enough for `SHOP_CLOCK=simulation` (no violation)."""
    errors, nc = await connect_watching(cluster, "hr")
    op = await cluster.connect(OPERATOR)
    clock = SimulationClock()
    moved_to = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    try:
        await clock.attach(nc, SIM_CLOCK_BUCKET)
        await SimulationDriver(op, SIM_CLOCK_BUCKET).set(moved_to)
        await eventually(lambda: asyncio.sleep(0, clock.now()), lambda now: now == moved_to)
        await clock.detach()
        await nc.flush(timeout=5)
    finally:
        await nc.close()
        await op.close()
    assert [e for e in errors.seen if "permissions violation" in e.lower()] == []


async def test_a_service_reaches_only_its_own_database(cluster: Cluster) -> None:
    """make cluster: one PostgreSQL role per service, allowed into its own database only."""
    passwords = json.loads((cluster.secrets / "postgres.json").read_text())
    own = await asyncpg.connect(
        host="127.0.0.1",
        port=cluster.ports.postgres,
        user="orders",
        password=passwords["orders"],
        database="orders",
    )
    await own.close()
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await asyncpg.connect(
            host="127.0.0.1",
            port=cluster.ports.postgres,
            user="orders",
            password=passwords["orders"],
            database="hr",
        )
    with pytest.raises(asyncpg.exceptions.InvalidPasswordError):
        await asyncpg.connect(
            host="127.0.0.1",
            port=cluster.ports.postgres,
            user="hr",
            password=passwords["orders"],
            database="hr",
        )


async def test_the_back_office_runs_as_its_own_user_with_its_store_in_its_own_database(
    cluster: Cluster,
) -> None:
    """make cluster runs the staff's back office (issue 18): ready once connected to NATS, its
    first start granted the first administrator through identity (IDN-7) and printed the link,
    its accounts kept in the PostgreSQL database `backoffice`, closed to the services' roles."""
    assert cluster.backoffice is not None
    assert cluster.backoffice.running()
    assert cluster.first_admin_link is not None
    assert cluster.first_admin_link.startswith(f"{cluster.backoffice_url}/link/")

    def get(path: str) -> tuple[int, str]:
        with urllib.request.urlopen(f"{cluster.backoffice_url}{path}", timeout=10) as response:
            return response.status, response.read().decode()

    assert (await asyncio.to_thread(get, "/readyz"))[0] == 200
    status, page = await asyncio.to_thread(get, "/signin")
    assert status == 200
    assert "<form" in page
    passwords = json.loads((cluster.secrets / "postgres.json").read_text())
    store = await asyncpg.connect(
        host="127.0.0.1",
        port=cluster.ports.postgres,
        user="backoffice",
        password=passwords["backoffice"],
        database="backoffice",
    )
    try:
        admins = await store.fetch("SELECT person_id FROM accounts")
    finally:
        await store.close()
    assert [row["person_id"] for row in admins] == ["admin"]
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await asyncpg.connect(
            host="127.0.0.1",
            port=cluster.ports.postgres,
            user="orders",
            password=passwords["orders"],
            database="backoffice",
        )


# -- own reply inboxes (issue 17 deliverable 5, decision 0010) ----------------------------------


@pytest.mark.parametrize("subject", ["_INBOX.>", "_INBOX_backoffice.>", "_INBOX_hr.>", ">"])
async def test_a_service_cannot_subscribe_to_other_users_inboxes(cluster: Cluster, subject: str) -> None:
    """Decision 0010: the orders credentials subscribe to `_INBOX_orders.>` only."""
    errors, nc = await connect_watching(cluster, "orders")
    try:
        await nc.subscribe(subject)
        await nc.flush(timeout=5)
        await errors.first(within=5.0)
    finally:
        await nc.close()
    assert any("permissions violation for subscription" in e.lower() for e in errors.seen), errors.seen


async def test_with_the_orders_credentials_no_reply_of_hr_to_a_client_is_received(cluster: Cluster) -> None:
    """Decision 0010: HR answers a client; the orders credentials, subscribed to all they may and
    trying the shared inboxes, receive none of it (nor HR's own consumer deliveries)."""
    spy = await cluster.connect("orders")
    seen: list[str] = []

    async def record(msg: Msg) -> None:
        seen.append(msg.subject)

    client = await cluster.connect(CLIENT)
    try:
        for subject in ("_INBOX.>", "_INBOX_backoffice.>", "_INBOX_hr.>", "orders.>", "_INBOX_orders.>"):
            await spy.subscribe(subject, cb=record)
        await spy.flush(timeout=5)
        reply = await client.request("hr.queries.Health", b"{}", timeout=5)
        assert json.loads(reply.data)["ok"] is True
        assert reply.subject.startswith("_INBOX_backoffice.")  # the client's own inbox
        await asyncio.sleep(0.5)
    finally:
        await client.close()
        await spy.close()
    assert [s for s in seen if not s.startswith("_INBOX_orders.")] == []
    assert not any(s.startswith(("_INBOX_backoffice.", "_INBOX_hr.", "_INBOX.")) for s in seen)


@pytest.mark.parametrize(("reader", "asker"), [("shop-demo", "backoffice"), ("bench", "platform-connector")])
async def test_a_client_program_cannot_read_another_programs_inbox(
    cluster: Cluster, reader: str, asker: str
) -> None:
    """Decision 0010: each client program its own NATS user and `_INBOX_<user>`; no shared
    `client` user. `reader` may not subscribe to `asker`'s inboxes, and sees none of its replies."""
    errors, spy = await connect_watching(cluster, reader)
    seen: list[str] = []

    async def record(msg: Msg) -> None:
        seen.append(msg.subject)

    asker_nc = await cluster.connect(asker)
    try:
        await spy.subscribe(f"_INBOX_{asker}.>", cb=record)
        await spy.subscribe("_INBOX.>", cb=record)
        await spy.flush(timeout=5)
        await errors.first(within=5.0)
        reply = await asker_nc.request("orders.queries.Health", b"{}", timeout=5)
        assert reply.subject.startswith(f"_INBOX_{asker}.")
        await asyncio.sleep(0.5)
    finally:
        await asker_nc.close()
        await spy.close()
    assert seen == []
    refusals = [e for e in errors.seen if "permissions violation for subscription" in e.lower()]
    assert any(f"_inbox_{asker}.>" in e.lower() for e in refusals), errors.seen


@pytest.mark.parametrize("subject", ["_INBOX_backoffice.forged", "_INBOX.forged", "_INBOX_hr.forged"])
async def test_a_service_cannot_write_into_another_users_inbox(cluster: Cluster, subject: str) -> None:
    """Decision 0010: no inbox publish right; only `allow_responses` to requests it received."""
    refused = await violations_of(cluster, "orders", subject)
    assert refused, f"orders could publish to {subject}"


async def test_a_forged_reply_does_not_reach_a_waiting_client(cluster: Cluster) -> None:
    """The client waits on its inbox; a service guessing that inbox cannot answer in its place."""
    client = await cluster.connect(CLIENT)
    errors, orders = await connect_watching(cluster, "orders")
    got: list[bytes] = []

    async def record(msg: Msg) -> None:
        got.append(msg.data)

    try:
        inbox = client.new_inbox()
        await client.subscribe(inbox, cb=record)
        await client.flush(timeout=5)
        await orders.publish(inbox, b'{"ok": true, "result": "forged"}')
        await orders.flush(timeout=5)
        await errors.first(within=3.0)
        await asyncio.sleep(0.3)
    finally:
        await orders.close()
        await client.close()
    assert got == []
    assert any("permissions violation" in e.lower() for e in errors.seen), errors.seen


async def test_a_second_reply_to_one_request_is_refused_by_the_server(cluster: Cluster) -> None:
    """Decision 0010: `allow_responses: {max: 1}`: a service answers a request it received once;
    a second, forged message to the same reply subject is a permissions violation and never
    reaches the client. (A subject of four tokens: only this connection serves it.)"""
    client = await cluster.connect(CLIENT)
    errors, orders = await connect_watching(cluster, "orders")
    got: list[bytes] = []

    async def answer_twice(msg: Msg) -> None:
        await orders.publish(msg.reply, b'{"ok": true, "result": "first"}')
        await orders.publish(msg.reply, b'{"ok": true, "result": "forged"}')
        await orders.flush(timeout=5)

    async def record(msg: Msg) -> None:
        got.append(msg.data)

    try:
        await orders.subscribe("orders.commands.Probe.twice", cb=answer_twice)
        await orders.flush(timeout=5)
        inbox = client.new_inbox()
        await client.subscribe(inbox, cb=record)
        await client.publish("orders.commands.Probe.twice", b"{}", reply=inbox)
        await client.flush(timeout=5)
        await errors.first(within=3.0)
        await asyncio.sleep(0.3)
    finally:
        await orders.close()
        await client.close()
    assert [json.loads(d)["result"] for d in got] == ["first"]
    refused = [e for e in errors.seen if "permissions violation" in e.lower()]
    assert refused, errors.seen
    assert inbox.lower() in refused[0].lower()


async def test_every_request_to_a_service_is_answered_once(cluster: Cluster) -> None:
    """One queue subscription per kind: a served query, an unknown command and an unknown query
    each get exactly one reply (the unknown ones `invalid`) and the service causes no violation."""
    client = await cluster.connect(CLIENT)
    replies: dict[str, list[dict[str, object]]] = {}
    answered = asyncio.Event()

    try:
        for subject in (
            "orders.queries.Health",
            "orders.commands.NoSuchCommand",
            "orders.queries.NoSuchQuery",
        ):
            inbox = client.new_inbox()
            got: list[dict[str, object]] = []
            replies[subject] = got

            async def record(msg: Msg, got: list[dict[str, object]] = got) -> None:
                got.append(json.loads(msg.data))
                if all(replies.values()):
                    answered.set()

            await client.subscribe(inbox, cb=record)
            await client.publish(subject, b"{}", reply=inbox)
        await client.flush(timeout=5)
        await asyncio.wait_for(answered.wait(), 10)
        await asyncio.sleep(0.5)  # a second reply would have arrived by now
    finally:
        await client.close()
    assert {s: len(r) for s, r in replies.items()} == dict.fromkeys(replies, 1)
    assert replies["orders.queries.Health"][0]["ok"] is True
    for subject in ("orders.commands.NoSuchCommand", "orders.queries.NoSuchQuery"):
        error = replies[subject][0]["error"]
        assert isinstance(error, dict), replies[subject]
        assert error["code"] == "invalid", replies[subject]


async def test_a_service_reads_streams_by_direct_get_under_its_own_inbox(cluster: Cluster) -> None:
    """Direct gets answer into `_INBOX_orders.…` (nc.new_inbox follows the prefix)."""
    errors, nc = await connect_watching(cluster, "orders")
    try:
        reader = DirectGetClient(nc, "ORDERS")
        messages, remaining = await reader.batch("orders.events.>", 1, batch=5)
        await reader.stop()
        assert remaining >= 0
        assert all(m.subject.startswith("orders.events.") for m in messages)
    finally:
        await nc.close()
    assert [e for e in errors.seen if "permissions violation" in e.lower()] == []


async def test_replay_progress_reaches_the_operator_under_its_own_inbox(cluster: Cluster) -> None:
    """`shopctl replay` (operator): the service publishes progress to
    `_INBOX_operator.progress.<svc>.*` and answers through `allow_responses`."""
    op = await cluster.connect(OPERATOR)
    progress: list[dict[str, object]] = []

    async def record(msg: Msg) -> None:
        progress.append(json.loads(msg.data))

    try:
        health = json.loads((await op.request("orders.queries.Health", b"{}", timeout=5)).data)
        name = next(p["name"] for p in health["result"]["projections"] if p["replayable"])
        prefix, token = op.new_inbox().rsplit(".", 1)
        assert prefix == "_INBOX_operator"
        subject = progress_inbox(prefix, "orders", token)
        await op.subscribe(subject, cb=record)
        body = {"projection": name, "dry_run": True, "progress_subject": subject}
        subject, data = "orders.admin.ReplayProjection", json.dumps(body).encode()
        operator = Actor(id="shopctl-operator", roles=("operator",))
        headers = cluster.headers(operator, subject, data, program="shopctl-operator")
        reply = json.loads((await op.request(subject, data, 60, headers=headers)).data)
        assert reply["ok"] is True, reply
        await eventually(lambda: asyncio.sleep(0, progress), lambda seen: any(p.get("done") for p in seen))
    finally:
        await op.close()
