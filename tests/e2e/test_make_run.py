"""`make run`'s supervisor end to end: the embedded NATS server, provisioning, every installed
service answering its health query, and a clean stop on Ctrl-C (SIGINT) leaving nothing behind;
two shops side by side on one host with ports chosen for them (`SHOP_PORTS=auto`), and a port in
use named as the reason a shop cannot start (issue 15). Tokens are on (issue 17): the supervisor
generates the identity keys on the first start and every service verifies against them."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client

from jetstream_es.identity import Issuer, SigningKey
from jetstream_es.provision import installed_services
from jetstream_es.testing.nats_server import free_port
from shop_contracts.envelope import Actor
from shopops.supervisor import AUTO, start_nats_server

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
    """Running: a zombie nobody has reaped yet (an orphan's new parent may be slow) has exited."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


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
            "none",
            "--backoffice-port",
            "auto",
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
        assert {"catalog", "kpi"} <= names, "the catalogue and KPI are installed services (issue 19)"
        for name in ("catalog", "kpi"):
            assert any(f"started {name} (pid" in line for line in lines), lines
        assert len(pids) == len(names) + 1  # and the back office (issue 18)
        assert any("identity: generated keys issuer" in line for line in lines), lines
        assert any(
            "back office: first start: the administrator admin sets a password at" in line for line in lines
        )
        listening = next(line for line in lines if "back office: listening on " in line)
        backoffice = listening.rsplit("listening on ", 1)[1].strip()
        with urllib.request.urlopen(f"{backoffice}/signin", timeout=10) as page:  # noqa: ASYNC210 - once
            assert page.status == 200
        nc = await nats.connect(f"nats://127.0.0.1:{port}", connect_timeout=2)
        for name in names:
            reply = json.loads((await nc.request(f"{name}.queries.Health", b"{}", timeout=5)).data)
            assert reply["result"]["status"] == "ok", reply
        streams = {s.config.name for s in await nc.jetstream().streams_info()}
        assert {"ORDERS", "FULFILMENT", "AFTERSALES", "HR", "CATALOG", "KPI", "DLQ"} <= streams
        await tokens_are_on(nc, tmp_path / "identity")
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


async def tokens_are_on(nc: Client, identity: Path) -> None:
    """Issue 17: a command without a token, or with a program key's token for a person the key may
    not speak for, is refused `forbidden` naming the reason; the issuer's token is accepted."""
    assert (identity / "keys" / "issuer.json").stat().st_mode & 0o077 == 0, "keys are owner-only"
    subject = "fulfilment.commands.RecordWarehouseCheck"
    keeper = Actor(id="keeper-run", roles=("warehouse_keeper",))

    async def send(command_id: str, key: str | None) -> dict[str, object]:
        check = {"command_id": command_id, "day": "2026-01-05", "point": "before_work", "locks_ok": True}
        data = json.dumps(check).encode()
        headers = None
        if key is not None:
            headers = Issuer(SigningKey.load(identity / "keys" / f"{key}.json")).headers(
                keeper, subject, data
            )
        reply: dict[str, object] = json.loads(
            (await nc.request(subject, data, timeout=10, headers=headers)).data
        )
        return reply

    refused = await send("run-unsigned", None)
    assert refused["error"]["code"] == "forbidden", refused  # type: ignore[index]
    assert refused["error"]["details"] == [{"reason": "missing_token"}], refused  # type: ignore[index]
    foreign = await send("run-connector", "platform-connector")
    assert foreign["error"]["details"] == [{"reason": "actor_not_allowed"}], foreign  # type: ignore[index]
    accepted = await send("run-signed", "issuer")
    assert accepted["ok"] is True, accepted


def nats_server_pid(var: Path) -> int:
    """The embedded server's PID, from the ports file it writes (`nats-server_<pid>.ports`)."""
    [ports] = (var / "nats-ports").glob("*.ports")
    return int(ports.stem.rsplit("_", 1)[1])


def gone(pids: list[int], seconds: float) -> list[int]:
    """The PIDs still alive after waiting up to `seconds` for them to exit."""
    deadline = time.monotonic() + seconds
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_shop_stopped_while_its_services_start_leaves_no_service_and_no_nats_server(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """Interrupted before every service answers, the supervisor still stops each child it started.

    The signal must land between the last service's start and the shop being ready; on a loaded
    machine the shop may be ready first, which proves nothing: such a run is tried again (three
    times at most), and the test fails if no run was interrupted while starting."""
    for attempt in range(3):
        var = tmp_path / f"attempt-{attempt}"
        proc = start_shop_run(var, {"SHOP_PORTS": "auto"}, "--health-base", "none")
        try:
            lines = wait_for_line(proc, "started orders", 120)
            pids = [int(line.split("(pid ")[1].split(",")[0]) for line in lines if "(pid " in line]
            assert len(pids) == len(installed_services())  # orders is the last one started
            server = nats_server_pid(var)
            os.kill(proc.pid, sig)
            out, _ = proc.communicate(timeout=60)
            assert "stopping nats-server" in out
            assert not gone([*pids, server], 5), "every service and the NATS server stopped"
            if "ready:" in out or any("ready:" in line for line in lines):
                continue  # the shop was ready before the signal: not the case under test
            assert proc.returncode == 130, out
            return
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("in three runs the shop was ready before the signal; nothing was stopped while starting")


def test_a_supervisor_killed_outright_takes_its_services_and_nats_server_with_it(tmp_path: Path) -> None:
    """SIGKILL leaves the supervisor no chance to clean up; its children get SIGTERM from the kernel."""
    proc = start_shop_run(tmp_path, {"SHOP_PORTS": "auto"}, "--health-base", "none")
    try:
        lines = wait_for_line(proc, "ready:", 120)
        pids = [int(line.split("(pid ")[1].split(",")[0]) for line in lines if "(pid " in line]
        server = nats_server_pid(tmp_path)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert not gone([*pids, server], 30), "no service and no NATS server outlived the supervisor"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def start_shop_run(var: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
    return subprocess.Popen(
        [str(SHOP_RUN), "--var", str(var), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**clean, **env},
    )


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@pytest.fixture
def listening() -> Iterator[int]:
    """A loopback port some other program holds."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


async def test_two_shops_run_side_by_side_on_one_host_with_ports_chosen_for_them(tmp_path: Path) -> None:
    first = start_shop_run(tmp_path / "a", {"SHOP_PORTS": "auto"})
    second = start_shop_run(tmp_path / "b", {"SHOP_PORTS": "auto"})
    try:
        wait_for_line(first, "ready:", 150)
        wait_for_line(second, "ready:", 150)
        shops = [json.loads((tmp_path / d / "shop-run.json").read_text()) for d in ("a", "b")]
        assert shops[0]["url"] != shops[1]["url"]
        assert shops[0]["monitor_url"] != shops[1]["monitor_url"]
        health = [set(shop["health"].values()) for shop in shops]
        every = 2 * len(installed_services())
        assert len(health[0] | health[1]) == every, "every service of both shops has its own health port"
        for shop in shops:
            nc = await nats.connect(shop["url"], connect_timeout=2)
            for name, base in shop["health"].items():
                reply = json.loads((await nc.request(f"{name}.queries.Health", b"{}", timeout=5)).data)
                assert reply["result"]["status"] == "ok", reply
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:  # noqa: ASYNC210
                    assert answer.status == 200
            await nc.close()
    finally:
        stop(first)
        stop(second)
    assert first.returncode == 0
    assert second.returncode == 0


def test_a_monitoring_port_in_use_is_named_as_the_reason_a_shop_does_not_start(
    tmp_path: Path, listening: int
) -> None:
    proc = start_shop_run(tmp_path, {}, "--port", "auto", "--monitor-port", str(listening))
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert f"NATS monitoring port {listening} is in use" in out
    assert "--monitor-port (SHOP_NATS_MONITOR_PORT)" in out


async def test_nats_servers_own_fatal_error_is_shown_when_it_cannot_start(
    tmp_path: Path, listening: int
) -> None:
    (tmp_path / "log").mkdir()
    with pytest.raises(SystemExit) as failed:
        await start_nats_server(tmp_path, AUTO, listening)
    message = str(failed.value)
    assert "nats-server did not start" in message
    assert "[FTL]" in message
    assert str(listening) in message, message


def test_make_run_environment_holds_the_runtime_and_no_development_tools() -> None:
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        ["make", "-s", ".venv-run/.synced"], cwd=repo, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    run_bin = repo / ".venv-run" / "bin"
    assert (run_bin / "shop-run").exists()
    assert (run_bin / "nats-server").exists()
    assert not [tool for tool in ("pytest", "ruff", "mypy", "lint-imports") if (run_bin / tool).exists()]
