"""Start the whole shop (`shop-run`: embedded NATS and every service) as a child process, or
find one already running, for the demo and the end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SHOP_RUN = Path(sys.executable).with_name("shop-run")
_PID = re.compile(r"started (\w+) \(pid (\d+),")


@dataclass
class RunningShop:
    """A `shop-run` started by us: its URL, the services' PIDs as last reported, its output."""

    url: str
    process: subprocess.Popen[str]
    var: Path
    pids: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if match := _PID.search(line):
                self.pids[match.group(1)] = int(match.group(2))

    def wait_for(self, needle: str, seconds: float, after: int = 0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(needle in line for line in self.lines[after:]):
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"shop-run exited ({self.process.returncode}): {self.lines[-20:]}")
            time.sleep(0.05)
        raise TimeoutError(f"{needle!r} not printed within {seconds}s; last lines: {self.lines[-20:]}")

    async def kill_service(self, name: str, restarted_within: float = 30) -> int:
        """SIGKILL one service and wait until the supervisor has started it again; returns the
        killed PID."""
        pid = self.pids[name]
        mark = len(self.lines)
        os.kill(pid, signal.SIGKILL)
        needle = f"started {name} (pid"
        async with asyncio.timeout(restarted_within):
            while not any(needle in line for line in self.lines[mark:]):  # noqa: ASYNC110 - lines come from a reader thread
                await asyncio.sleep(0.05)
        return pid

    def stop(self, seconds: float = 60) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(seconds)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if self._reader is not None:
            self._reader.join(5)
        return self.process.returncode


def start_shop(
    var: Path,
    port: int,
    monitor_port: int,
    *,
    clock: str = "simulation",
    env: dict[str, str] | None = None,
    url: str | None = None,
    backoffice: str = "none",
) -> RunningShop:
    """Start `shop-run` on loopback with its data under `var`; returns once every service answers.
    `env` adds settings for the services (e.g. ORDERS_COMPANY_ACCOUNTS); with `url` the services
    use that NATS server and no embedded one is started. `backoffice`: its HTTP port, `auto` or
    `none` (the default: a test or bench shop never takes the staff's port 8000 from another)."""
    server = ["--url", url] if url else ["--port", str(port), "--monitor-port", str(monitor_port)]
    if env and "SHOP_BACKOFFICE_PORT" in env:
        backoffice = env["SHOP_BACKOFFICE_PORT"]
    office = ["--backoffice-port", backoffice]
    process = subprocess.Popen(
        [str(SHOP_RUN), *server, "--var", str(var), "--clock", clock, "--health-base", "0", *office],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    shop = RunningShop(url or f"nats://127.0.0.1:{port}", process, var)
    shop._reader = threading.Thread(target=shop._read, name="shop-run-output", daemon=True)
    shop._reader.start()
    try:
        shop.wait_for("ready:", 180)
    except BaseException:
        shop.stop()
        raise
    return shop
