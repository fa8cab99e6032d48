"""Fault test on the cluster topology (issue 11): the JetStream leader node stopped mid-run.

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


async def test_stopping_the_jetstream_leader_node_loses_nothing(cluster: Cluster, workload: Any) -> None:
    """The node leading the ORDERS stream is stopped mid-run and started again afterwards: no
    acknowledged event is lost, the services reconnect on their own, the run completes."""
    started = time.monotonic()
    async with workload:
        stream = asyncio.create_task(workload.stream())
        await asyncio.sleep(1.5)
        leader = await cluster.stream_leader("ORDERS")
        stopped_at = time.monotonic()
        cluster.stop_node(leader)
        workload.figures.faults += 1
        await cluster.wait_ready(list(cluster.services))  # answered through the other nodes
        workload.figures.recover_seconds.append(time.monotonic() - stopped_at)
        assert all(proc.running() for proc in cluster.services.values())  # reconnected, not restarted
        await stream
        cluster.start_node(leader)
        await cluster.wait_jetstream()
        await workload.verify()
        await workload.replay_all()
    assert await cluster.stream_leader("ORDERS") in range(3)
    workload.figures.seconds = time.monotonic() - started
    workload.figures.report()
    workload.assert_exactly_once()
