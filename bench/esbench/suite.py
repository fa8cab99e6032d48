"""The project's figures, in order, against one running nats-server.

Each write figure gets a fresh SAMPLE stream. The data set then grows in place: `small`
counters (loads), `mid` counters (first replay), `big` counters (loads,
second replay). Both loads run after seeding, once the server is idle, after a warm-up.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import nats
from nats.aio.client import Client

from esbench.append import APPEND_WAYS, run_append
from esbench.command import run_commands
from esbench.config import Sizes
from esbench.counters import EVENTS_PER_COUNTER
from esbench.dataset import publish_counters
from esbench.load import run_loads
from esbench.profiling import profiled
from esbench.progress import log
from esbench.replay import run_replay
from esbench.streams import fresh_sample_stream
from jetstream_es.settings import inbox_prefix

T = TypeVar("T")


async def timed(name: str, work: Awaitable[T]) -> T:
    log(f"{name} ...")
    started = time.perf_counter()
    value = await work
    log(f"{name} done in {time.perf_counter() - started:.1f} s")
    return value


@dataclass(frozen=True)
class Workspace:
    url: str
    server_pid: int
    sizes: Sizes
    work_dir: Path
    profile_dir: Path | None

    def profile(self, name: str) -> Path | None:
        return self.profile_dir / f"{name}.txt" if self.profile_dir is not None else None


async def project_figures(ws: Workspace) -> dict[str, Any]:
    nc = await nats.connect(ws.url, name="esbench", inbox_prefix=inbox_prefix("esbench"))
    try:
        figures: dict[str, Any] = {}
        for way in APPEND_WAYS:
            await fresh_sample_stream(nc)
            with profiled(ws.profile(f"append_{way}")):
                figures[f"append_{way}"] = await timed(f"append, {way}", run_append(nc, ws.sizes, way))
        await fresh_sample_stream(nc)
        figures["command"] = await timed(
            "command", run_commands(nc, ws.url, ws.sizes, ws.work_dir, ws.profile("command"))
        )
        await fresh_sample_stream(nc)
        figures.update(await dataset_figures(nc, ws))
        return figures
    finally:
        await nc.close()


async def dataset_figures(nc: Client, ws: Workspace) -> dict[str, Any]:
    s = ws.sizes
    small, mid, big = s.small_aggregates, s.mid_aggregates, s.big_aggregates
    seeding = [await timed(f"seed {small} counters", publish_counters(nc, 0, small))]
    load_small = await timed(f"loads, {small} counters", run_loads(nc, small, s, ws.server_pid))
    seeding.append(await timed(f"seed to {mid} counters", publish_counters(nc, small, mid)))
    replay_mid = await timed(
        f"replay {mid * EVENTS_PER_COUNTER}",
        run_replay(
            ws.url, mid * EVENTS_PER_COUNTER, ws.work_dir, s.replay_max_seconds, ws.profile("replay_mid")
        ),
    )
    seeding.append(await timed(f"seed to {big} counters", publish_counters(nc, mid, big)))
    load_big = await timed(f"loads, {big} counters", run_loads(nc, big, s, ws.server_pid))
    replay_big = await timed(
        f"replay {big * EVENTS_PER_COUNTER}",
        run_replay(
            ws.url, big * EVENTS_PER_COUNTER, ws.work_dir, s.replay_max_seconds, ws.profile("replay_big")
        ),
    )
    return {
        "replay_mid": replay_mid,
        "replay_big": replay_big,
        "load_small": load_small,
        "load_big": load_big,
        "seeding": seeding,
    }
