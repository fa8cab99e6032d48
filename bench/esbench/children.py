"""Python child processes of the benchmark: started with `-m esbench.<module>`, stopped by PID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from esbench.config import BENCH_DIR


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BENCH_DIR), env.get("PYTHONPATH", "")) if p)
    return env


@contextmanager
def child(module: str, *args: str) -> Iterator[subprocess.Popen[str]]:
    """Run `python -m esbench.<module> args`; its stdout is a pipe, stderr is ours."""
    proc = subprocess.Popen(
        [sys.executable, "-m", f"esbench.{module}", *args],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[str], grace: float = 30.0) -> None:
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)


def read_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line:
        raise RuntimeError(f"child {proc.args!r} exited without output (rc {proc.poll()})")
    return line
