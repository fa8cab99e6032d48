"""`make cluster`: the deployment's topology as plain processes on this machine (issue 11).

Three `nats-server` processes form one JetStream cluster on loopback ports (routes authenticated,
clients authenticated per user, `shopops.security`), the streams are provisioned with three
replicas, a private PostgreSQL cluster holds one database (and one role) per service, and every
installed service runs as its own process with its own NATS user and database; then the staff's
back office (`python -m backoffice`, issue 18) as the NATS user `backoffice`, its store in its own
PostgreSQL database, signing with the person issuer's key and granting the first administrator
through shop-setup's (IDN-7); its URL and first-administrator link are printed. The same code
drives the fault tests in `tests/cluster` (kill a service, stop a node, restart PostgreSQL).

Everything lives under one directory (default `var/cluster`: `secrets/` with the generated
credentials and server configurations, `identity/` with the signing keys and the trust file every
service verifies actor tokens against (`shopops identity init`, issue 17), `nats/n1..n3`, `pg/`,
`log/`). Run it with
`python -m shopops.cluster` (`--ports auto` or `SHOP_PORTS=auto`: free loopback ports,
printed when ready); Ctrl-C stops services, nodes and PostgreSQL. Only processes started here
are ever signalled, by their PID.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nats
import nats.errors
from nats.aio.client import Client

from jetstream_es.identity import Issuer, SigningKey
from jetstream_es.provision import ProvisionReport, ServiceSpec, installed_services, provision, shop_streams
from jetstream_es.settings import inbox_prefix
from jetstream_es.testing.nats_server import die_with_parent, find_nats_server
from shop_contracts.envelope import Actor
from shop_contracts.subjects import health_subject
from shopops import identity
from shopops.security import OPERATOR, ROUTE, Credentials, generate_credentials

NODES = 3
CLUSTER_NAME = "shop"
HEALTH_ORDER: tuple[str, ...] = ("orders", "fulfilment", "aftersales", "hr", "identity", "catalog", "kpi")
"""Fixed health ports: the n-th service here listens on `health_base + n` (8580..8586, as in
deploy/compose.yaml); a service not named gets the next ports, in the installed order."""
BACKOFFICE = "backoffice"
BACKOFFICE_PORT = 8000
FIRST_START = "first start: the administrator"  # the back office's first-start line (its link)
REPO = Path(__file__).resolve().parents[4]
ENSURE_POSTGRES = REPO / "deploy" / "scripts" / "ensure-postgres.sh"


def say(message: str) -> None:
    print(f"[cluster] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass(frozen=True)
class Ports:
    client: tuple[int, ...]
    route: tuple[int, ...]
    monitor: tuple[int, ...]
    postgres: int
    health_base: int
    health: tuple[int, ...] = ()  # one per service in order; overrides health_base when given
    backoffice: int = 0  # the back office's HTTP port; 0: none started

    @classmethod
    def default(cls) -> Ports:
        return cls(
            (14222, 14223, 14224), (16222, 16223, 16224), (18222, 18223, 18224), 15432, 8580,
            backoffice=BACKOFFICE_PORT,
        )  # fmt: skip

    @classmethod
    def free(cls, services: int = 0) -> Ports:
        """Free loopback ports (tests, `--ports auto`); health ports for `services` services
        (none opened when 0)."""
        return cls(
            tuple(free_port() for _ in range(NODES)),
            tuple(free_port() for _ in range(NODES)),
            tuple(free_port() for _ in range(NODES)),
            free_port(),
            0,
            tuple(free_port() for _ in range(services)),
            backoffice=free_port(),
        )

    def health_port(self, index: int, name: str | None = None) -> int | None:
        """The health port of the `index`-th installed service (`name`: its fixed place in
        `HEALTH_ORDER` when the ports are the fixed ones)."""
        if self.health:
            return self.health[index]
        if not self.health_base:
            return None
        if name in HEALTH_ORDER:
            return self.health_base + HEALTH_ORDER.index(name)
        return self.health_base + len(HEALTH_ORDER) + index

    def describe(self) -> str:
        return (
            f"clients {','.join(map(str, self.client))}, routes {','.join(map(str, self.route))}, "
            f"monitoring {','.join(map(str, self.monitor))}, PostgreSQL {self.postgres}"
            + (f", back office {self.backoffice}" if self.backoffice else "")
        )


@dataclass
class Proc:
    """A child process started here, stopped only by its PID."""

    name: str
    argv: list[str]
    log_path: Path
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, sig)

    def stop(self, grace: float = 10.0) -> None:
        if not self.running():
            return
        assert self.process is not None
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(5)

    def kill(self) -> None:
        """SIGKILL (kill -9): no clean-up of any kind in the child."""
        if self.running():
            assert self.process is not None
            self.signal(signal.SIGKILL)
            self.process.wait(5)


def node_config(index: int, ports: Ports, store: Path, route_password: str) -> str:
    routes = [
        f"nats-route://{ROUTE}:{route_password}@127.0.0.1:{port}"
        for i, port in enumerate(ports.route)
        if i != index
    ]
    return "\n".join(
        [
            f'server_name: "n{index + 1}"',
            f'listen: "127.0.0.1:{ports.client[index]}"',
            f'http: "127.0.0.1:{ports.monitor[index]}"',
            "jetstream {",
            f"  store_dir: {json.dumps(str(store))}",
            "  max_memory_store: 268435456",
            "  max_file_store: 4294967296",
            "}",
            "cluster {",
            f'  name: "{CLUSTER_NAME}"',
            f'  listen: "127.0.0.1:{ports.route[index]}"',
            f'  authorization {{ user: "{ROUTE}", password: {json.dumps(route_password)} }}',
            f"  routes: {json.dumps(routes)}",
            "}",
            'include "auth.conf"',
            "",
        ]
    )


@dataclass
class Postgres:
    """A private PostgreSQL cluster under `directory`, on a loopback port, one database and one
    role per service (each role may connect to its own database only)."""

    directory: Path
    port: int
    fsync: bool = True
    bin_dir: Path | None = None
    _as_postgres: list[str] = field(default_factory=list)

    def _prepare(self) -> None:
        if self.bin_dir is None:
            found = subprocess.run(
                ["bash", str(ENSURE_POSTGRES)], check=False, capture_output=True, text=True
            )
            if found.returncode != 0:
                raise RuntimeError(f"PostgreSQL is not available: {found.stderr.strip()}")
            self.bin_dir = Path(found.stdout.strip().splitlines()[-1])
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            shutil.chown(self.directory, "postgres")
            self._as_postgres = ["runuser", "-u", "postgres", "--"]
            if not self._postgres_reaches(self.directory):
                self._move_out_of_reach()

    def _postgres_reaches(self, path: Path, *, write: bool = True) -> bool:
        """The `postgres` user can enter `path` (and write there)."""
        test = ["test", "-x", str(path)] + (["-a", "-w", str(path)] if write else [])
        return subprocess.run([*self._as_postgres, *test], check=False, cwd="/").returncode == 0

    def _move_out_of_reach(self) -> None:
        """The clone lies in a directory the `postgres` user cannot enter (e.g. a home directory
        of mode 0700): initdb would fail with "Permission denied". The cluster then lives in a
        directory of its own the user can reach (`SHOP_CLUSTER_PG_DIR`, else one under /var/tmp
        named after this path, so a restart finds it again), and the reason is said."""
        blocking = next(
            (
                parent
                for parent in reversed(self.directory.parents)
                if not self._postgres_reaches(parent, write=False)
            ),
            self.directory,
        )
        digest = hashlib.sha256(str(self.directory).encode()).hexdigest()[:12]
        moved = Path(os.environ.get("SHOP_CLUSTER_PG_DIR") or f"/var/tmp/shop-cluster-pg-{digest}")
        moved.mkdir(parents=True, exist_ok=True)
        shutil.chown(moved, "postgres")
        os.chmod(moved, 0o700)
        if not self._postgres_reaches(moved):
            raise RuntimeError(
                f"PostgreSQL runs as the user postgres, which cannot reach {self.directory} "
                f"({blocking} is mode {blocking.stat().st_mode & 0o777:o}) nor {moved}: "
                "set SHOP_CLUSTER_PG_DIR to a directory it can reach, or clone elsewhere"
            )
        say(
            f"PostgreSQL runs as the user postgres, which cannot reach {self.directory} "
            f"({blocking} is mode {blocking.stat().st_mode & 0o777:o}): its data is in {moved} "
            "(SHOP_CLUSTER_PG_DIR chooses another place)"
        )
        self.directory = moved

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self._as_postgres, *argv], check=False, capture_output=True, text=True, cwd="/"
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{Path(argv[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}"
            )
        return result

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def _tool(self, name: str) -> str:
        assert self.bin_dir is not None
        return str(self.bin_dir / name)

    def start(self) -> None:
        self._prepare()
        if not (self.data / "PG_VERSION").exists():
            self._run(
                self._tool("initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--no-sync",
                "-E",
                "UTF8",
            )
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        if not self.fsync:
            options += " -c fsync=off"
        self._run(
            self._tool("pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "pg.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        if self.bin_dir is None or not (self.data / "postmaster.pid").exists():
            return
        self._run(self._tool("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            self._tool("psql"), "-h", str(self.directory), "-p", str(self.port), "-U", "postgres",
            "-d", database, "-v", "ON_ERROR_STOP=1", "-qtAc", sql,
        ).stdout.strip()  # fmt: skip

    def ensure_database(self, name: str, password: str) -> str:
        """Role and database `name` (owned by the role, closed to other roles); its URL."""
        if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'"):
            self.psql(f'CREATE ROLE "{name}" LOGIN')
        self.psql(f"ALTER ROLE \"{name}\" PASSWORD '{password}'")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            self.psql(f'CREATE DATABASE "{name}" OWNER "{name}"')
        self.psql(f'REVOKE CONNECT ON DATABASE "{name}" FROM PUBLIC')
        return f"postgresql+asyncpg://{name}:{password}@127.0.0.1:{self.port}/{name}"


class Cluster:
    """The whole topology; start it with `await up()`, stop it with `down()`."""

    def __init__(
        self,
        root: Path,
        ports: Ports | None = None,
        specs: Sequence[ServiceSpec] | None = None,
        *,
        fsync: bool = True,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.ports = ports or Ports.default()
        self.specs = list(installed_services() if specs is None else specs)
        self.log_dir = self.root / "log"
        self.secrets = self.root / "secrets"
        self.postgres = Postgres(self.root / "pg", self.ports.postgres, fsync=fsync)
        self.nodes: list[Proc] = []
        self.services: dict[str, Proc] = {}
        self.backoffice: Proc | None = None
        self.first_admin_link: str | None = None
        self._backoffice_log_from = 0
        self.database_urls: dict[str, str] = {}
        self._credentials: Credentials | None = None
        self.extra_env = dict(extra_env or {})

    @property
    def urls(self) -> list[str]:
        return [f"nats://127.0.0.1:{port}" for port in self.ports.client]

    @property
    def url(self) -> str:
        return ",".join(self.urls)

    @property
    def credentials(self) -> Credentials:
        if self._credentials is None:
            raise RuntimeError("cluster not prepared")
        return self._credentials

    @property
    def identity_dir(self) -> Path:
        return self.root / "identity"

    def signer(self, program: str | None = None) -> Issuer:
        """The person issuer (None) or a program's own key (e.g. `shopctl-operator`)."""
        return Issuer(SigningKey.load(identity.key_path(self.identity_dir, program or identity.ISSUER)))

    def headers(self, actor: Actor, subject: str, data: bytes, program: str | None = None) -> dict[str, str]:
        """The actor token of one request (issue 17): the issuer's for people, a program's own."""
        return self.signer(program).headers(actor, subject, data)

    async def connect(self, user: str = OPERATOR, **options: object) -> Client:
        """A client connection as one of the generated users (reconnects across nodes)."""
        defaults: dict[str, object] = {
            "servers": self.urls,
            "connect_timeout": 2,
            "max_reconnect_attempts": -1,
            "reconnect_time_wait": 0.25,
            "user": user,
            "password": self.credentials.passwords[user],
            "inbox_prefix": inbox_prefix(user),  # its own reply inboxes (decision 0010)
        }
        defaults.update(options)
        return await nats.connect(**defaults)  # type: ignore[arg-type]

    # -- start ------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Directories, credentials and node configurations (idempotent; passwords kept)."""
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)  # PostgreSQL's own user must reach pg/
        self.log_dir.mkdir(exist_ok=True)
        self._credentials = generate_credentials(self.secrets, self.specs)
        identity.init(self.identity_dir)
        for index in range(NODES):
            store = self.root / "nats" / f"n{index + 1}"
            store.mkdir(parents=True, exist_ok=True)
            conf = self.secrets / f"n{index + 1}.conf"
            conf.write_text(node_config(index, self.ports, store, self.credentials.route_password))
            os.chmod(conf, 0o600)
        self.nodes = [
            Proc(
                f"n{index + 1}",
                [find_nats_server(), "-c", str(self.secrets / f"n{index + 1}.conf")],
                self.log_dir / f"nats-n{index + 1}.log",
            )
            for index in range(NODES)
        ]

    def start_node(self, index: int, timeout: float = 15.0) -> None:
        node = self.nodes[index]
        if node.running():
            return
        node.start()
        deadline = time.monotonic() + timeout
        while not port_open(self.ports.client[index]):
            if not node.running() or time.monotonic() > deadline:
                raise RuntimeError(f"nats-server {node.name} did not start; see {node.log_path}")
            time.sleep(0.05)

    def stop_node(self, index: int) -> None:
        self.nodes[index].stop()

    def _meta_ready(self) -> bool:
        """The meta leader sees every other node as a current peer (its `/jsz`)."""
        for index, node in enumerate(self.nodes):
            if not node.running():
                continue
            try:
                url = f"http://127.0.0.1:{self.ports.monitor[index]}/jsz"
                with urllib.request.urlopen(url, timeout=1.0) as response:
                    meta = json.loads(response.read()).get("meta_cluster") or {}
            except (OSError, ValueError):
                continue
            if meta.get("leader") != node.name:
                continue
            peers = meta.get("replicas") or []
            running = sum(1 for n in self.nodes if n.running())
            return len(peers) >= running - 1 and all(p.get("current") for p in peers)
        return False

    async def wait_jetstream(self, within: float = 30.0) -> float:
        """Until the cluster has a JetStream meta leader and every peer is current; seconds taken."""
        started = time.monotonic()
        async with asyncio.timeout(within):
            while not self._meta_ready():  # noqa: ASYNC110 - polled over HTTP
                await asyncio.sleep(0.2)
        nc = await self.connect()
        try:
            async with asyncio.timeout(within):
                while True:
                    try:
                        await nc.jetstream().account_info()
                        return time.monotonic() - started
                    except Exception:
                        await asyncio.sleep(0.25)
        finally:
            await nc.close()

    async def provision(self, replicas: int = NODES) -> ProvisionReport:
        nc = await self.connect()
        try:
            consumers = [c for spec in self.specs for c in spec.consumers]
            async with asyncio.timeout(60):
                while True:  # a fresh cluster may still be electing stream leaders
                    try:
                        return await provision(nc, shop_streams(replicas), consumers, replicas=replicas)
                    except Exception as exc:
                        say(f"provisioning retried: {type(exc).__name__}: {exc}")
                        await asyncio.sleep(1.0)
        finally:
            await nc.close()

    def start_postgres(self) -> None:
        self.postgres.start()
        pg_passwords_path = self.secrets / "postgres.json"
        passwords: dict[str, str] = {}
        if pg_passwords_path.exists():
            passwords = json.loads(pg_passwords_path.read_text())
        databases = [spec.name for spec in self.specs] + ([BACKOFFICE] if self.ports.backoffice else [])
        for name in databases:
            passwords.setdefault(name, secrets.token_urlsafe(24))
        fd = os.open(pg_passwords_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(passwords, handle, indent=2, sort_keys=True)
        for name in databases:
            self.database_urls[name] = self.postgres.ensure_database(name, passwords[name])

    def service_env(self, spec: ServiceSpec, index: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
        env.update(self.extra_env)
        env.update(self.credentials.env(spec.name))
        env.update(
            {
                "SHOP_NATS_URL": self.url,
                "SHOP_VAR_DIR": str(self.root / "var"),
                "SHOP_LOG_JSON": "true",
                "SHOP_IDENTITY_TRUST": str(identity.trust_path(self.identity_dir)),
                f"{spec.name.upper()}_DATABASE_URL": self.database_urls[spec.name],
            }
        )
        health = self.ports.health_port(index, spec.name)
        if health is not None:
            env["SHOP_HEALTH_PORT"] = str(health)
        return env

    def start_service(self, name: str) -> None:
        index, spec = next((i, s) for i, s in enumerate(self.specs) if s.name == name)
        proc = self.services.get(name)
        if proc is None:
            proc = Proc(
                name,
                [sys.executable, "-m", spec.module],
                self.log_dir / f"{name}.log",
                self.service_env(spec, index),
            )
            self.services[name] = proc
        if not proc.running():
            proc.start()

    @property
    def backoffice_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.backoffice}"

    def backoffice_env(self) -> dict[str, str]:
        """The back office's environment: its NATS user, its PostgreSQL store, the identity
        directory holding `keys/issuer.json` and `keys/shop-setup.json` (issue 18)."""
        env = {k: v for k, v in os.environ.items() if not (k.startswith(("SHOP_", "BACKOFFICE_")))}
        env.update(self.extra_env)
        env.update(self.credentials.env(BACKOFFICE))
        env.update(
            {
                "SHOP_NATS_URL": self.url,
                "SHOP_VAR_DIR": str(self.root / "var"),
                "SHOP_LOG_JSON": "true",
                "BACKOFFICE_HOST": "127.0.0.1",
                "BACKOFFICE_PORT": str(self.ports.backoffice),
                "BACKOFFICE_DB_URL": self.database_urls[BACKOFFICE],
                "BACKOFFICE_IDENTITY_DIR": str(self.identity_dir),
            }
        )
        return env

    def start_backoffice(self) -> None:
        """Start the back office (after the services: its first start asks identity, IDN-7)."""
        if self.backoffice is None:
            self.backoffice = Proc(
                BACKOFFICE, [sys.executable, "-m", BACKOFFICE], self.log_dir / "backoffice.log"
            )
        self.backoffice.env = self.backoffice_env()
        if not self.backoffice.running():
            log = self.backoffice.log_path
            self._backoffice_log_from = log.stat().st_size if log.exists() else 0
            self.backoffice.start()

    async def wait_backoffice(self, within: float = 90.0) -> float:
        """Until the back office's /readyz answers 200; remembers its first-start link, if any."""
        assert self.backoffice is not None
        started = time.monotonic()
        deadline = started + within
        while True:
            if not self.backoffice.running():
                raise RuntimeError(f"the back office exited; see {self.backoffice.log_path}")
            try:
                ready = await asyncio.to_thread(_http_ok, f"{self.backoffice_url}/readyz")
            except OSError:
                ready = False
            if ready:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the back office was not ready within {within}s; see {self.backoffice.log_path}"
                )
            await asyncio.sleep(0.2)
        with self.backoffice.log_path.open("rb") as log:
            log.seek(self._backoffice_log_from)
            output = log.read().decode(errors="replace")
        links = [line.rsplit(" at ", 1)[-1].strip() for line in output.splitlines() if FIRST_START in line]
        self.first_admin_link = links[-1] if links else None
        return time.monotonic() - started

    def kill_service(self, name: str) -> None:
        self.services[name].kill()

    async def wait_ready(self, names: Sequence[str] | None = None, within: float = 90.0) -> float:
        """Until each named service answers its health query; the seconds it took."""
        started = time.monotonic()
        waiting = set(names or self.services)
        nc = await self.connect()
        try:
            async with asyncio.timeout(within):
                while waiting:
                    for name in sorted(waiting):
                        with contextlib.suppress(nats.errors.Error, TimeoutError):
                            await nc.request(health_subject(name), b"{}", timeout=1.0)
                            waiting.discard(name)
                    dead = [n for n in waiting if not self.services[n].running()]
                    if dead:
                        raise RuntimeError(f"service(s) exited: {dead}; see {self.log_dir}")
                    if waiting:
                        await asyncio.sleep(0.1)
        except TimeoutError:
            raise RuntimeError(f"no health answer within {within}s from {sorted(waiting)}") from None
        finally:
            await nc.close()
        return time.monotonic() - started

    async def up(self) -> None:
        self.prepare()
        for index in range(NODES):
            self.start_node(index)
        await self.wait_jetstream()
        report = await self.provision()
        say(f"provisioned R{NODES}: {len(report.created)} created, {len(report.updated)} updated")
        self.start_postgres()
        for spec in self.specs:
            self.start_service(spec.name)
        await self.wait_ready()
        await self.start_backoffice_when_free()

    async def start_backoffice_when_free(self) -> bool:
        """The back office, started and ready, unless its port is taken (as `make run`: the shop
        then runs without it and says so); False when not started."""
        if not self.ports.backoffice:
            return False
        if port_open(self.ports.backoffice):
            say(
                f"port {self.ports.backoffice} is taken: the cluster runs without the back office "
                "(SHOP_PORTS=auto gives it a free port)"
            )
            return False
        self.start_backoffice()
        await self.wait_backoffice()
        return True

    def down(self) -> None:
        if self.backoffice is not None:
            self.backoffice.stop()
        for proc in self.services.values():
            proc.signal(signal.SIGTERM)
        for proc in self.services.values():
            proc.stop()
        for node in self.nodes:
            node.stop()
        self.postgres.stop()

    async def stream_leader(self, stream: str) -> int:
        """The index of the node leading `stream`'s RAFT group."""
        nc = await self.connect()
        try:
            info = await nc.jetstream().stream_info(stream)
        finally:
            await nc.close()
        leader = info.cluster.leader if info.cluster else None
        if not leader:
            raise RuntimeError(f"stream {stream} has no leader")
        return int(leader.removeprefix("n")) - 1


def _http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2.0) as response:
        return bool(response.status == 200)


async def _run(args: argparse.Namespace) -> int:
    ports = Ports.free(len(installed_services())) if args.ports == "auto" else Ports.default()
    cluster = Cluster(Path(args.root), ports)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await cluster.up()
        say(f"ready: {', '.join(cluster.services)} on {cluster.url}")
        say(f"ports: {ports.describe()}")
        health = [ports.health_port(i, s.name) for i, s in enumerate(cluster.specs)]
        if any(port is not None for port in health):
            say(
                "health: "
                + ", ".join(f"{s.name} {p}" for s, p in zip(cluster.specs, health, strict=True) if p)
            )
        say(f"credentials: {cluster.secrets}/<user>.env (operator.env for shopctl); Ctrl-C stops everything")
        say(
            f"identity: keys in {cluster.identity_dir / 'keys'} "
            f"(shopctl: SHOP_IDENTITY_KEY={identity.key_path(cluster.identity_dir, identity.ISSUER)})"
        )
        if cluster.backoffice is not None:
            say(f"back office: {cluster.backoffice_url} (log {cluster.backoffice.log_path})")
            if cluster.first_admin_link:
                say(f"first administrator: set a password at {cluster.first_admin_link} (once, 24 h)")
            else:
                say(
                    "first administrator: its account exists (the link was printed at the first "
                    "start); an administrator makes new links on /accounts"
                )
        if args.check:
            return 0
        restarts: dict[str, list[float]] = {}
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
            watched = dict(cluster.services)
            if cluster.backoffice is not None:
                watched[BACKOFFICE] = cluster.backoffice
            for name, proc in watched.items():
                if stop.is_set() or proc.running():
                    continue
                now = time.monotonic()
                restarts[name] = [t for t in restarts.get(name, []) if now - t < 60] + [now]
                if len(restarts[name]) > 5:
                    say(f"{name} keeps dying; see {proc.log_path}")
                    return 1
                say(f"{name} exited; restarting")
                proc.start()
        return 0
    finally:
        say("stopping services, nodes and PostgreSQL")
        cluster.down()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the 3-node JetStream cluster, PostgreSQL and every service on loopback."
    )
    parser.add_argument("--root", default=os.environ.get("SHOP_CLUSTER_DIR", "var/cluster"))
    parser.add_argument("--check", action="store_true", help="start everything, then stop (a smoke test)")
    parser.add_argument(
        "--ports",
        choices=["fixed", "auto"],
        default=(os.environ.get("SHOP_PORTS") or "fixed").strip().lower(),
        help="fixed: clients 14222-14224, routes 16222-16224, monitoring 18222-18224, PostgreSQL "
        "15432, health 8580-8586, back office 8000; auto: free loopback ports (SHOP_PORTS)",
    )
    args = parser.parse_args(argv)
    return asyncio.run(_run(args))


if __name__ == "__main__":
    raise SystemExit(main())
