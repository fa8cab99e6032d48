"""Figure 2: command round trips over NATS request/reply into the sample service's own process.

The client keeps 64 requests in flight; worker w owns counters w, w+64, ... so no two requests
in flight touch one counter. Every counter is opened first (timed on its own), then Increment
commands run for a fixed time. The stream must hold exactly one event per accepted command.
Each request carries an actor token minted for it with the `bench` program's own key (issue 17;
keys from `shopops identity init` in the work directory), so the figure includes signing and
verification, as every real request pays them.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from nats.aio.client import Client

from esbench.children import child, read_line
from esbench.config import Sizes
from esbench.counters import ACTOR, SERVICE, counter_id
from esbench.stats import latency_summary, rate
from esbench.streams import stream_messages
from jetstream_es.identity import Issuer, SigningKey
from shop_contracts.subjects import command_subject
from shopops import identity

ACTOR_JSON = ACTOR.model_dump(mode="json")
REQUEST_TIMEOUT_S = 10.0


@dataclass
class Tally:
    latencies_ns: list[int] = field(default_factory=list)
    refused: int = 0
    first_refusal: str | None = None

    @property
    def accepted(self) -> int:
        return len(self.latencies_ns) - self.refused

    def summary(self, seconds: float) -> dict[str, Any]:
        return {
            "commands": len(self.latencies_ns),
            "accepted": self.accepted,
            "refused": self.refused,
            "first_refusal": self.first_refusal,
            "seconds": round(seconds, 3),
            "rate_per_s": rate(len(self.latencies_ns), seconds),
            "latency": latency_summary(self.latencies_ns),
        }


@dataclass
class Signer:
    """The bench program's own key: actor `bench`, role `system` (its trust entry's limits)."""

    issuer: Issuer | None = None

    def headers(self, subject: str, payload: bytes) -> dict[str, str]:
        assert self.issuer is not None, "the bench identity is made in run_commands"
        return self.issuer.headers(ACTOR, subject, payload)


SIGNER = Signer()


async def request(nc: Client, subject: str, body: dict[str, Any], tally: Tally) -> None:
    payload = json.dumps(body).encode()
    started = time.perf_counter_ns()
    headers = SIGNER.headers(subject, payload)
    reply = await nc.request(subject, payload, timeout=REQUEST_TIMEOUT_S, headers=headers)
    tally.latencies_ns.append(time.perf_counter_ns() - started)
    answer = json.loads(reply.data)
    if not answer.get("ok"):
        tally.refused += 1
        tally.first_refusal = tally.first_refusal or json.dumps(answer.get("error"))[:300]


async def open_counters(nc: Client, subject: str, owned: list[str], tally: Tally) -> None:
    for counter in owned:
        body = {"command_id": f"open-{counter}", "actor": ACTOR_JSON, "counter_id": counter, "name": counter}
        await request(nc, subject, body, tally)


async def increment_until(nc: Client, subject: str, owned: list[str], deadline: float, tally: Tally) -> None:
    for n in itertools.count():
        if time.perf_counter() >= deadline:
            return
        counter = owned[n % len(owned)]
        body = {"command_id": f"inc-{counter}-{n}", "actor": ACTOR_JSON, "counter_id": counter, "by": 1}
        await request(nc, subject, body, tally)


def worker_slices(sizes: Sizes) -> list[list[str]]:
    ids = [counter_id("k", n) for n in range(sizes.command_counters)]
    return [ids[w :: sizes.inflight] for w in range(sizes.inflight)]


async def open_phase(nc: Client, slices: list[list[str]]) -> Tally:
    opened = Tally()
    subject = command_subject(SERVICE, "OpenCounter")
    await asyncio.gather(*(open_counters(nc, subject, owned, opened) for owned in slices))
    return opened


async def increment_phase(nc: Client, slices: list[list[str]], seconds: float) -> Tally:
    incremented = Tally()
    subject = command_subject(SERVICE, "Increment")
    deadline = time.perf_counter() + seconds
    await asyncio.gather(*(increment_until(nc, subject, owned, deadline, incremented) for owned in slices))
    return incremented


def cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system)


async def run_commands(
    nc: Client, url: str, sizes: Sizes, work_dir: Path, profile: Path | None
) -> dict[str, Any]:
    """Start the service process, open every counter, then time Increments; the stream must be fresh."""
    keys = work_dir / "identity"
    identity.init(keys)
    SIGNER.issuer = Issuer(SigningKey.load(identity.key_path(keys, "bench")))
    args = ["--url", url, "--db", str(work_dir / "service.db"), "--trust", str(identity.trust_path(keys))]
    if profile is not None:
        args += ["--profile", str(profile)]
    slices = worker_slices(sizes)
    with child("command_service", *args) as proc:
        if await asyncio.to_thread(read_line, proc) != "ready":
            raise RuntimeError("command service did not start")
        started = time.perf_counter()
        opened = await open_phase(nc, slices)
        open_seconds = time.perf_counter() - started
        service = psutil.Process(proc.pid)
        cpu_before, started = cpu_seconds(service), time.perf_counter()
        incremented = await increment_phase(nc, slices, sizes.command_seconds)
        seconds = time.perf_counter() - started
        service_cpu = (cpu_seconds(service) - cpu_before) / seconds
    return {
        **incremented.summary(seconds),
        "responder": "own process: python -m esbench.command_service",
        "service_cpu_percent": round(100 * service_cpu, 1),
        "inflight": sizes.inflight,
        "counters": sizes.command_counters,
        "open_phase": opened.summary(open_seconds),
        "stored_ok": await stream_messages(nc) == opened.accepted + incremented.accepted,
    }
