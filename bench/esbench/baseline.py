"""The raw nats-py baseline: `raw_nats_bench.py --url <our server>` as a subprocess, its JSON parsed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from esbench.progress import log

TIMEOUT_S = 600
ATTEMPTS = 2


def run_tool(tool: Path, url: str, args: tuple[str, ...]) -> dict[str, Any]:
    """Run the tool against `url`; its progress goes to our stderr, its JSON is returned."""
    done = subprocess.run(
        [sys.executable, str(tool), "--url", url, *args],
        stdout=subprocess.PIPE,
        text=True,
        timeout=TIMEOUT_S,
        check=True,
    )
    raw: dict[str, Any] = json.loads(done.stdout)
    return raw


def run_baseline(tool: Path, url: str, args: tuple[str, ...]) -> dict[str, Any]:
    """The tool's figures; run once more if a figure the ratios need is missing (the tool reports
    a figure that raised, e.g. a NoRespondersError in request_reply, as null or an error)."""
    for attempt in range(1, ATTEMPTS + 1):
        started = time.perf_counter()
        raw = run_tool(tool, url, args)
        used = used_figures(raw)
        gaps = [name for name, value in used.items() if value is None]
        if not gaps or attempt == ATTEMPTS:
            break
        log(f"baseline figures missing: {', '.join(gaps)}; running the baseline once more")
    return {
        "tool": str(tool),
        "args": ["--url", url, *args],
        "seconds": round(time.perf_counter() - started, 1),
        "attempts": attempt,
        "missing": gaps,
        "used": used,
        "raw": raw,
    }


def dig(data: Any, *keys: str) -> Any:
    """`data[k1][k2]...`, or None where the tool left the figure out."""
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def used_figures(raw: dict[str, Any]) -> dict[str, Any]:
    """The figures the ratios divide by, with the checks the tool made on them (None: missing)."""
    publish = dig(raw, "async_publish", "window_256")
    rpc = dig(raw, "request_reply", "responder_other_process", "concurrent")
    load = dig(raw, "aggregate_load", "aggregate_subject", "direct_get_batch", "latency")
    return {
        "async_publish_window_256_per_s": dig(publish, "rate_per_s"),
        "async_publish_ok": dig(publish, "stored_ok") is True and dig(publish, "duplicates") == 0,
        "ordered_replay_per_s": dig(raw, "ordered_replay", "rate_per_s"),
        "ordered_replay_method": dig(raw, "ordered_replay", "fastest_correct"),
        "ordered_replay_stream_events": dig(raw, "ordered_replay", "stream_events"),
        "request_reply_own_process_64_per_s": dig(rpc, "rate_per_s"),
        "request_reply_own_process_64_wrong": dig(rpc, "wrong_replies"),
        "request_reply_same_process_64_per_s": dig(
            raw, "request_reply", "responder_same_process", "concurrent", "rate_per_s"
        ),
        "aggregate_load_literal_subject_p50_ms": dig(load, "p50_ms"),
        "aggregate_load_literal_subject_p99_ms": dig(load, "p99_ms"),
        "aggregate_load_stream_events": dig(raw, "aggregate_load", "stream_events"),
        "sync_publish_occ_per_s": dig(raw, "sync_publish_expected_seq", "rate_per_s"),
        "nats_server_version": dig(raw, "meta", "nats_server_version"),
    }
