"""Fault test on the cluster topology (issue 11): services killed with SIGKILL during a command stream.

Bounded in time and count, loopback only, on its own cluster (tests/cluster/conftest.py).
Afterwards every acknowledged command is reflected exactly once in every projection, a replay of
every projection equals the serving tables, and the figures are printed (`[cluster-figures]`).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from shopops.cluster import Cluster

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


async def test_kill_9_services_during_a_command_stream(cluster: Cluster, workload: Any) -> None:
    """Each service is killed with SIGKILL twice while commands run; the supervisor's part (start
    it again) is played here. Acknowledged == reflected exactly once; replay is identical."""
    started = time.monotonic()
    async with workload:
        stream = asyncio.create_task(workload.stream())
        for _round in range(2):
            for name in ("orders", "aftersales", "hr", "fulfilment"):
                await asyncio.sleep(0.7)
                cluster.kill_service(name)
                workload.figures.faults += 1
                cluster.start_service(name)
                workload.figures.recover_seconds.append(await cluster.wait_ready([name]))
        await stream
        print(f"stream done after {time.monotonic() - started:.1f}s")
        await workload.verify()
        print(f"verified after {time.monotonic() - started:.1f}s")
        await workload.replay_all()
    workload.figures.seconds = time.monotonic() - started
    workload.figures.report()
    assert workload.figures.faults == 8
    workload.assert_exactly_once()
