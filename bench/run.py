"""The project's benchmark: its figures as ratios to raw nats-py, measured in the same run.

    uv run python bench/run.py                # default, ~9 min on 2 cores
    uv run python bench/run.py --quick        # smoke run, ~1.5 min
    uv run python bench/run.py --profile      # cProfile the hot paths into results/profile.json
    uv run python bench/run.py --full-replay  # no time box on the replays

Starts one nats-server (loopback, temporary store), runs the raw baseline against it, then the
project's figures; writes results/latest.json and the table in README.md. See README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import Any

from esbench.baseline import run_baseline
from esbench.config import BENCH_DIR, DEFAULT, PROFILE_PATH, QUICK, RAW_BENCH_TOOL, README_PATH, RESULTS_PATH
from esbench.machine import OtherLoad, load_average, machine_info
from esbench.progress import log
from esbench.report import Target, results_table, targets, targets_json, update_readme
from esbench.suite import Workspace, project_figures

from jetstream_es.testing.nats_server import NatsServer


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, about 1.5 minutes")
    parser.add_argument(
        "--profile", action="store_true", help="profile the hot paths; writes results/profile.json only"
    )
    parser.add_argument("--full-replay", action="store_true", help="no time box on the replays")
    parser.add_argument("--baseline-tool", type=Path, default=RAW_BENCH_TOOL, help="raw_nats_bench.py")
    return parser.parse_args(argv)


def stop_on_sigterm() -> None:
    """SIGTERM becomes SystemExit, so the server and the child processes are stopped on the way out."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, handler)


def measure(args: argparse.Namespace, work_dir: Path) -> dict[str, Any]:
    sizes = QUICK if args.quick else DEFAULT
    if args.full_replay:
        sizes = dataclasses.replace(sizes, replay_max_seconds=None)
    profile_dir = work_dir / "profiles" if args.profile else None
    if profile_dir is not None:
        profile_dir.mkdir()
    results: dict[str, Any] = {"meta": {**machine_info(BENCH_DIR.parent), "sizes": sizes.as_dict()}}
    started, other_load = time.perf_counter(), OtherLoad()
    with NatsServer() as server:
        assert server.process is not None
        log(f"nats-server pid {server.process.pid} on {server.url}")
        log("raw baseline ...")
        results["baseline"] = run_baseline(args.baseline_tool, server.url, sizes.baseline_args)
        log(f"raw baseline done in {results['baseline']['seconds']} s")
        workspace = Workspace(server.url, server.process.pid, sizes, work_dir, profile_dir)
        results["figures"] = asyncio.run(project_figures(workspace))
    results["meta"]["total_seconds"] = round(time.perf_counter() - started, 1)
    results["meta"]["load_average_at_end"] = load_average()
    results["meta"].update(other_load.report())
    if profile_dir is not None:
        results["profiles"] = {p.stem: p.read_text() for p in sorted(profile_dir.glob("*.txt"))}
    return results


def write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    tmp.replace(path)


def publish(results: dict[str, Any], found: list[Target], profile: bool) -> None:
    """Profiled figures go to results/profile.json only; a real run updates latest.json and the README."""
    if profile:
        write_json(PROFILE_PATH, results)
        log(f"wrote {PROFILE_PATH}")
        return
    write_json(RESULTS_PATH, results)
    update_readme(README_PATH, results_table(results, found))
    log(f"wrote {RESULTS_PATH} and the table in {README_PATH}")
    for t in found:
        log(f"{t.name}: {t.value} (target {t.target}) {'pass' if t.passed else 'FAIL'}")


def main(argv: list[str] | None = None) -> int:
    """Exits 0 whether targets are met or not: the figures are the output."""
    args = parse_args(argv)
    stop_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="esbench-") as tmp:
        results = measure(args, Path(tmp))
    found = targets(results["figures"], results["baseline"]["used"])
    results["targets"] = targets_json(found)
    results["all_passed"] = all(t.passed for t in found)
    publish(results, found, args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
