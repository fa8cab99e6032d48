"""Child process for the exactly-once test: projects, commits, then dies by SIGKILL before acking."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import nats

from jetstream_es.clock import FixedClock
from jetstream_es.projection.runner import ProjectionRunner, RunnerSettings
from jetstream_es.sql import make_engine
from jetstream_es.testing.sample import CounterTotals, registry


class DiesBeforeAck(ProjectionRunner):
    async def _commit(self, items, last_seq, *, replaying):  # type: ignore[no-untyped-def]
        await super()._commit(items, last_seq, replaying=replaying)
        if last_seq >= 5:
            os.kill(os.getpid(), signal.SIGKILL)


async def main(url: str, db: str) -> None:
    nc = await nats.connect(url, connect_timeout=2)
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    runner = DiesBeforeAck(
        nc,
        engine,
        CounterTotals(registry),
        service="sample",
        consumer="sample-counter-totals",
        clock=FixedClock(),
        settings=RunnerSettings(batch_size=50, fetch_timeout=0.2),
    )
    await runner.start()
    await asyncio.sleep(30)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
