"""`make run`'s supervisor end to end: the embedded NATS server, provisioning, every installed
service answering its health query, and a clean stop on Ctrl-C (SIGINT) leaving nothing behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nats
import pytest

from jetstream_es.provision import installed_services
from jetstream_es.testing.nats_server import free_port

pytestmark = pytest.mark.integration
SHOP_RUN = Path(sys.executable).with_name("shop-run")


def wait_for_line(proc: subprocess.Popen[str], needle: str, seconds: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line.rstrip())
        if needle in line:
            return seen
    raise AssertionError(f"{needle!r} not printed; got: {seen}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_shop_run_starts_every_service_and_ctrl_c_stops_all_of_it(tmp_path: Path) -> None:
    port, monitor = free_port(), free_port()
    proc = subprocess.Popen(  # noqa: ASYNC220 - the supervisor runs beside the test
        [
            str(SHOP_RUN),
            "--port",
            str(port),
            "--monitor-port",
            str(monitor),
            "--var",
            str(tmp_path),
            "--health-base",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        lines = wait_for_line(proc, "ready:", 120)
        pids = [int(line.split("(pid ")[1].split(",")[0]) for line in lines if "(pid " in line]
        names = {spec.name for spec in installed_services()}
        assert len(pids) == len(names) == 4
        nc = await nats.connect(f"nats://127.0.0.1:{port}", connect_timeout=2)
        for name in names:
            reply = json.loads((await nc.request(f"{name}.queries.Health", b"{}", timeout=5)).data)
            assert reply["result"]["status"] == "ok", reply
        streams = {s.config.name for s in await nc.jetstream().streams_info()}
        assert {"ORDERS", "FULFILMENT", "AFTERSALES", "HR", "DLQ"} <= streams
        await nc.close()
        await asyncio.sleep(2)  # let every projection runner settle into an idle fetch
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(60) == 0
        assert not [pid for pid in pids if alive(pid)], "every service stopped"
        for name in names:
            log = (tmp_path / "log" / f"{name}.log").read_text()
            assert '"service_stopped"' in log, f"{name} was killed, not stopped gracefully"
        assert (tmp_path / "nats").is_dir(), "the server kept its data under var/"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
