"""Fault test on the cluster topology (issue 11): PostgreSQL restarted mid-run.

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


async def test_restarting_postgresql_mid_run_loses_and_doubles_nothing(
    cluster: Cluster, workload: Any
) -> None:
    """PostgreSQL (every projection store) is stopped and started again while commands run:
    the projections catch up afterwards, nothing lost or doubled."""
    started = time.monotonic()
    async with workload:
        stream = asyncio.create_task(workload.stream())
        await asyncio.sleep(1.5)
        restarted_at = time.monotonic()
        await asyncio.to_thread(cluster.postgres.restart)
        workload.figures.faults += 1
        await stream
        await workload.caught_up()
        workload.figures.recover_seconds.append(time.monotonic() - restarted_at)
        await workload.verify()
        await workload.replay_all()
    workload.figures.seconds = time.monotonic() - started
    workload.figures.report()
    workload.assert_exactly_once()
