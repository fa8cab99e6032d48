"""Figure 3 from the parent's side: one fresh replay process per stream size."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from esbench.children import child, read_line

SLACK_S = 120.0
"""How much longer than the replay's own time box the parent waits for its answer."""


async def run_replay(
    url: str, events: int, work_dir: Path, max_seconds: float | None, profile: Path | None
) -> dict[str, Any]:
    args = [
        "--url",
        url,
        "--db",
        str(work_dir / f"replay-{events}.db"),
        "--consumer",
        f"bench-replay-{events}",
    ]
    if max_seconds is not None:
        args += ["--max-seconds", str(max_seconds)]
    if profile is not None:
        args += ["--profile", str(profile)]
    started = time.perf_counter()
    timeout = None if max_seconds is None else max_seconds + SLACK_S
    with child("replay_child", *args) as proc:
        line = await asyncio.wait_for(asyncio.to_thread(read_line, proc), timeout)
        await asyncio.to_thread(proc.wait, 60)
    result: dict[str, Any] = json.loads(line)
    result["process_seconds"] = round(time.perf_counter() - started, 1)
    return result
