"""Run sizes (default and --quick) and the paths the benchmark reads and writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent
RESULTS_PATH = BENCH_DIR / "results" / "latest.json"
PROFILE_PATH = BENCH_DIR / "results" / "profile.json"
README_PATH = BENCH_DIR / "README.md"
SHARED_TOOLS = BENCH_DIR.parent.parent / "shared" / "tools"
"""The raw ceilings live in the shared folder beside the repository (`<repo>/../shared/tools`)."""
RAW_BENCH_TOOL = SHARED_TOOLS / "raw_nats_bench.py"
RAW_LIFECYCLE_TOOL = SHARED_TOOLS / "raw_lifecycle_bench.py"


@dataclass(frozen=True)
class Sizes:
    """How much each figure does. Aggregate counts are counters of 10 events each."""

    mode: str
    baseline_args: tuple[str, ...]
    append_events: int
    command_seconds: float
    small_aggregates: int
    mid_aggregates: int
    big_aggregates: int
    load_warmup_seconds: float
    """Untimed loads first: nats-server's block cache is cold after seeding (its tail is reported)."""
    load_seconds: float
    max_loads: int
    replay_max_seconds: float | None
    """A replay still running after this long is stopped and reported as partial (None: no limit)."""
    command_counters: int = 1000
    writers: int = 64
    append_aggregates: int = 1000
    inflight: int = 64

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


DEFAULT = Sizes(
    mode="default",
    baseline_args=("--n", "100000", "--min-seconds", "2"),
    append_events=30_000,
    command_seconds=5.0,
    small_aggregates=1_000,
    mid_aggregates=10_000,
    big_aggregates=100_000,
    load_warmup_seconds=15.0,
    load_seconds=8.0,
    max_loads=5_000,
    replay_max_seconds=165.0,
)

QUICK = Sizes(
    mode="quick",
    baseline_args=("--quick",),
    append_events=5_000,
    command_seconds=1.5,
    small_aggregates=1_000,
    mid_aggregates=1_000,
    big_aggregates=5_000,
    load_warmup_seconds=1.0,
    load_seconds=1.0,
    max_loads=1_000,
    replay_max_seconds=20.0,
    command_counters=256,
)
