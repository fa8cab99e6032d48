"""`make image-test`, second half: run the built images against a local nats-server (issue 15).

For each image built from deploy/Dockerfile (`shop/provision`, `shop/<service>`) a buildah working
container is made and the image's own ENTRYPOINT/CMD is run in it with `buildah run --isolation
chroot` (the image's user, working directory and environment; the host's loopback network), so
what runs is what compose and Kubernetes would start:

1. the provision image declares the streams, consumers and bucket on a fresh `nats-server -js`
   (loopback, free port) and exits 0;
2. every service image starts, answers `<service>.queries.Health` over NATS and `/healthz` over
   HTTP (the image's own HEALTHCHECK command, run inside its container), and accepts one command
   of its own (`ok: true`) signed by the person issuer; the same command without an actor token
   is refused `forbidden` (`missing_token`): the image verifies tokens by default (issue 17),
   against the trust file `shopops identity init` made, mounted where SHOP_IDENTITY_TRUST points.
   The catalogue's command is its whole listing flow (SM-LIST, CAT-1, CAT-6, CAT-8), each step by
   its role, before orders places an order of the listed SKU (orders refuse unlisted ones, CAT-7);
3. the back office's image (issue 18) starts once the services answer, with the person issuer's
   and shop-setup's keys mounted where BACKOFFICE_IDENTITY_DIR points: its first start grants the
   first administrator through the identity service (IDN-7) and prints the one-time link, its
   HEALTHCHECK (/healthz on 8000) passes, `/readyz` answers 200 and the sign-in page is served;
4. the images run as uid 10001 and keep their HEALTHCHECK (`--format docker`).

Run with the workspace's Python (it needs nats-py and jetstream_es): `.venv/bin/python
deploy/scripts/image_check.py`. Only the processes and containers made here are stopped/removed.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats

from jetstream_es.identity import Issuer, SigningKey
from jetstream_es.testing.nats_server import NatsServer, free_port
from shop_contracts.envelope import Actor
from shopops import identity

TRUST_IN_IMAGE = "/etc/shop/identity/trust.json"  # the Dockerfile's SHOP_IDENTITY_TRUST

SERVICES = ("orders", "fulfilment", "aftersales", "hr", "identity", "catalog", "kpi")
BACKOFFICE = "backoffice"
BACKOFFICE_PORT_IN_IMAGE = "8000"  # the image's BACKOFFICE_PORT and HEALTHCHECK
# where the keys are mounted here: buildah run puts its own mounts under /run/secrets, so this
# check points BACKOFFICE_IDENTITY_DIR elsewhere (compose and Kubernetes use the image's default)
BACKOFFICE_IDENTITY_IN_CHECK = "/etc/shop/backoffice"
UID = "10001"
STAMP = f"img-{int(time.time())}"
SKU = f"SKU-{STAMP}"
IMAGE = {"ref": f"img/{SKU}/front.jpg", "kind": "image", "size_bytes": 120000}
LISTING: tuple[tuple[str, str, dict[str, Any]], ...] = (
    # the catalogue's listing flow, each step by its role (SM-LIST, CAT-1, CAT-6, CAT-8)
    ("SelectProduct", "dept_supervisor", {"name": "綠茶", "category": "accessories", "positioning": "主推"}),
    ("RecordSellingPoints", "sales_staff", {"selling_points": ["清香"]}),
    ("RecordPhotography", "dept_supervisor", {"images": [IMAGE], "with_staff": ["artist-1"]}),
    ("RetouchImages", "technician", {"images": [IMAGE]}),
    ("ReviewProductImages", "dept_manager", {"decision": "approve"}),
    ("EditDetailPage", "web_artist", {"name": "綠茶", "specifications": {"material": "茶葉"}}),
    ("ApproveLaunch", "dept_manager", {}),
    ("SetPrice", "dept_supervisor", {"price": "19.90"}),
    ("ListProduct", "dept_supervisor", {}),
)
# each service's command; the catalogue's are its listing flow, sent first: orders then sell the
# listed SKU (CAT-7)
COMMANDS: list[tuple[str, str, dict[str, Any]]] = [
    ("catalog", name, {"actor": {"id": f"{role}-1", "roles": [role]}, "sku": SKU, **body})
    for name, role, body in LISTING
]
OWN: dict[str, tuple[str, dict[str, Any]]] = {
    "orders": (
        "PlaceOrder",
        {
            "actor": {"id": "tmall", "roles": ["platform"]},
            "order_id": f"o-{STAMP}",
            "lines": [{"sku": SKU, "quantity": 2, "unit_price": "19.90"}],  # listed above (CAT-7)
            "buyer_id": "b-image",
            "shipping": {"recipient": "王小明", "phone": "13800000000", "address": "上海市浦東新區"},
            "channel": "tmall",
            "sales_owner": "s-image",
        },
    ),
    "fulfilment": (
        "RecordWarehouseCheck",  # FUL-19 (accessory lists are the catalogue's now, decision 0011)
        {
            "actor": {"id": "keeper-1", "roles": ["warehouse_keeper"]},
            "day": "2026-01-05",
            "point": "before_work",
            "locks_ok": True,
        },
    ),
    "aftersales": (
        "RegisterComplaint",
        {
            "actor": {"id": "as-1", "roles": ["aftersales_cs"]},
            "complaint_id": f"c-{STAMP}",
            "customer_id": "buyer-1",
            "subject": "物流太慢",
        },
    ),
    "hr": (
        "RecordClockIn",
        {
            "actor": {"id": "system", "roles": ["system"]},
            "employee_id": f"e-{STAMP}",  # the punch time is the service's clock (HR-10)
        },
    ),
    "kpi": (
        "RecordOperatingCost",  # KPI-13
        {
            "actor": {"id": "sup-1", "roles": ["dept_supervisor"]},
            "month": datetime.now(UTC).strftime("%Y-%m"),
            "cost_id": f"cost-{STAMP}",
            "category": "packaging",
            "amount": "120.00",
        },
    ),
    "identity": (
        "GrantRole",
        {
            "actor": {"id": "shop-setup", "roles": ["identity_admin"]},
            "person_id": f"e-{STAMP}",
            "role": "sales_staff",
            "reason": "image check",
        },
    ),
}
COMMANDS += [(service, command, body) for service, (command, body) in OWN.items()]


def say(message: str) -> None:
    print(f"[image-check] {message}", flush=True)


def buildah(*args: str) -> str:
    done = subprocess.run(["buildah", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"buildah {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout.strip()


def image_config(image: str) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(buildah("inspect", "--type", "image", image))["Docker"]["config"]
    return config


def command_of(config: dict[str, Any]) -> list[str]:
    argv = [*(config.get("Entrypoint") or []), *(config.get("Cmd") or [])]
    if not argv:
        raise SystemExit("the image has neither ENTRYPOINT nor CMD")
    return argv


def run_argv(
    container: str, env: dict[str, str], argv: list[str], volumes: tuple[str, ...] = ()
) -> list[str]:
    flags = [f"--env={k}={v}" for k, v in env.items()] + [f"--volume={v}" for v in volumes]
    return ["buildah", "run", "--isolation", "chroot", *flags, container, "--", *argv]


class Check:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.identity = work / "identity"
        identity.init(self.identity)
        self.issuer = Issuer(SigningKey.load(identity.key_path(self.identity, identity.ISSUER)))
        self.containers: list[str] = []
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.service_containers: dict[str, tuple[str, dict[str, Any]]] = {}
        self.failures: list[str] = []

    def fail(self, message: str) -> None:
        say(f"FAIL {message}")
        self.failures.append(message)

    def container(self, image: str) -> str:
        name = buildah("from", "--pull=never", "--name", f"{image.replace('/', '-')}-{STAMP}", image)
        self.containers.append(name)
        return name

    def check_config(self, image: str, config: dict[str, Any], *, healthcheck: bool) -> None:
        if str(config.get("User")) != UID:
            self.fail(f"{image} runs as {config.get('User')!r}, not uid {UID}")
        test = (config.get("Healthcheck") or {}).get("Test") or []
        if healthcheck and (not test or test[0] == "NONE" or "/healthz" not in " ".join(test)):
            self.fail(f"{image} has no HEALTHCHECK on /healthz (built without --format docker?): {test}")

    def provision(self, url: str) -> None:
        image = "shop/provision"
        config = image_config(image)
        self.check_config(image, config, healthcheck=False)
        container = self.container(image)
        env = {"SHOP_NATS_URL": url, "SHOP_PROVISION_REPLICAS": "1"}
        started = time.monotonic()
        done = subprocess.run(
            run_argv(container, env, command_of(config)), capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            self.fail(f"{image} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-2000:]}")
            return
        created = [line for line in done.stdout.splitlines() if line.startswith("created")]
        say(f"{image}: {len(created)} created in {time.monotonic() - started:.1f}s ({command_of(config)})")

    def start_service(self, name: str, url: str, health_port: int) -> None:
        image = f"shop/{name}"
        config = image_config(image)
        self.check_config(image, config, healthcheck=True)
        container = self.container(image)
        env = {
            "SHOP_NATS_URL": url,
            "SHOP_HEALTH_HOST": "127.0.0.1",
            "SHOP_HEALTH_PORT": str(health_port),
            "SHOP_LOG_LEVEL": "INFO",
        }
        log = (self.work / f"{name}.log").open("wb")
        trust = f"{identity.trust_path(self.identity)}:{TRUST_IN_IMAGE}:ro"
        self.processes[name] = subprocess.Popen(
            run_argv(container, env, command_of(config), (trust,)),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.service_containers[name] = (container, config)

    async def until_healthy(self, url: str, within: float = 120.0) -> None:
        nc = await nats.connect(url, connect_timeout=2)
        waiting = set(self.processes)
        deadline = time.monotonic() + within
        try:
            while waiting and time.monotonic() < deadline:
                for name in sorted(waiting):
                    proc = self.processes[name]
                    if proc.poll() is not None:
                        self.fail(f"shop/{name} exited {proc.returncode}; log: {self.work / f'{name}.log'}")
                        say((self.work / f"{name}.log").read_text()[-2000:])
                        waiting.discard(name)
                        continue
                    try:
                        msg = await nc.request(f"{name}.queries.Health", b"{}", timeout=1.0)
                    except (nats.errors.Error, TimeoutError):
                        continue
                    reply = json.loads(msg.data)
                    if reply.get("ok") and reply["result"]["status"] == "ok":
                        say(f"shop/{name}: Health ok over NATS")
                        waiting.discard(name)
                await asyncio.sleep(0.3)
            for name in waiting:
                self.fail(
                    f"shop/{name} gave no Health answer within {within}s; log: {self.work / f'{name}.log'}"
                )
        finally:
            await nc.close()

    def healthcheck(self, name: str, port: int, in_image: str = "8080") -> None:
        """The image's own HEALTHCHECK command inside the service's container (its port moved from
        the image's `in_image` to the one this check gave the service)."""
        container, config = self.service_containers[name]
        test = config["Healthcheck"]["Test"]
        argv = [part.replace(in_image, str(port)) for part in test[1:]]
        if test[0] == "CMD-SHELL":
            argv = ["sh", "-c", " ".join(argv)]
        done = subprocess.run(run_argv(container, {}, argv), capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            self.fail(f"shop/{name} HEALTHCHECK failed: {done.stderr.strip()[-500:]}")
        else:
            say(f"shop/{name}: HEALTHCHECK passes (/healthz on {port})")

    async def commands(self, url: str) -> None:
        nc = await nats.connect(url, connect_timeout=2)
        try:
            # orders sell only listed products (CAT-7): the catalogue's listing flow comes first;
            # orders' read model applies its ProductListed within moments (CAT-7 answers until then)
            for name, command, body in COMMANDS:
                subject = f"{name}.commands.{command}"
                unsigned = json.dumps({"command_id": f"{STAMP}-{command}-unsigned", **body}).encode()
                data = json.dumps({"command_id": f"{STAMP}-{command}", **body}).encode()
                headers = self.issuer.headers(Actor(**body["actor"]), subject, data)
                try:
                    refused = json.loads((await nc.request(subject, unsigned, timeout=10)).data)
                    msg = await nc.request(subject, data, timeout=10, headers=headers)
                    for _ in range(50):  # orders' catalogue read model may lag a moment (CAT-7)
                        if (json.loads(msg.data).get("error") or {}).get("rule") != "CAT-7":
                            break
                        await asyncio.sleep(0.2)
                        msg = await nc.request(subject, data, timeout=10, headers=headers)
                except (nats.errors.Error, TimeoutError) as exc:
                    self.fail(f"shop/{name} {command}: no answer ({type(exc).__name__})")
                    continue
                error = refused.get("error") or {}
                if error.get("code") == "forbidden" and {"reason": "missing_token"} in error.get(
                    "details", []
                ):
                    say(f"shop/{name}: {command} without a token refused (missing_token)")
                else:
                    self.fail(f"shop/{name} {command} without a token was not refused: {refused}")
                reply = json.loads(msg.data)
                if reply.get("ok"):
                    say(f"shop/{name}: {command} accepted with the issuer's token")
                else:
                    self.fail(f"shop/{name} {command} refused: {reply.get('error')}")
        finally:
            await nc.close()

    def backoffice(self, url: str, port: int) -> None:
        """The back office's image, started after the services (its first start asks identity to
        grant the first administrator, IDN-7): first-start link, HEALTHCHECK, /readyz, sign-in."""
        image = f"shop/{BACKOFFICE}"
        config = image_config(image)
        self.check_config(image, config, healthcheck=True)
        container = self.container(image)
        keys = self.work / "backoffice-keys"
        keys.mkdir(mode=0o700)
        for name in (identity.ISSUER, "shop-setup"):  # readable by the image's user only
            copy = keys / f"{name}.json"
            copy.write_bytes(identity.key_path(self.identity, name).read_bytes())
            os.chmod(copy, 0o400)
            os.chown(copy, int(UID), -1)
        os.chown(keys, int(UID), -1)
        env = {
            "SHOP_NATS_URL": url,
            "BACKOFFICE_HOST": "127.0.0.1",
            "BACKOFFICE_PORT": str(port),
            "BACKOFFICE_IDENTITY_DIR": BACKOFFICE_IDENTITY_IN_CHECK,
        }
        log_path = self.work / f"{BACKOFFICE}.log"
        with log_path.open("wb") as log:
            self.processes[BACKOFFICE] = proc = subprocess.Popen(
                run_argv(
                    container, env, command_of(config), (f"{keys}:{BACKOFFICE_IDENTITY_IN_CHECK}/keys:ro",)
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.service_containers[BACKOFFICE] = (container, config)
        deadline = time.monotonic() + 120
        while "listening on" not in log_path.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                self.fail(f"{image} did not start (exit {proc.poll()}): {log_path.read_text()[-2000:]}")
                return
            time.sleep(0.3)
        text = log_path.read_text(errors="replace")
        if f"first start: the administrator admin sets a password at http://127.0.0.1:{port}/link/" in text:
            say(f"{image}: first start granted admin identity_admin and printed the one-time link")
        else:
            self.fail(f"{image} printed no first-administrator link: {text[-1000:]}")
        self.healthcheck(BACKOFFICE, port, BACKOFFICE_PORT_IN_IMAGE)
        for path, expected in (("/readyz", "ready"), ("/signin", "<form")):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                    body = response.read().decode(errors="replace")
                    status = response.status
            except OSError as exc:
                self.fail(f"{image} {path}: {exc}")
                continue
            if status == 200 and expected in body:
                say(f"{image}: {path} answers 200")
            else:
                self.fail(f"{image} {path} answered {status}: {body[:300]}")

    def cleanup(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        for container in self.containers:
            subprocess.run(["buildah", "rm", container], capture_output=True, check=False)


async def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="shop-image-check-"))
    server = NatsServer(work / "nats").start()
    check = Check(work)
    try:
        say(f"nats-server {server.url} (loopback; logs in {work})")
        check.provision(server.url)
        if check.failures:
            return 1
        ports = {name: free_port() for name in SERVICES}
        for name in SERVICES:
            check.start_service(name, server.url, ports[name])
        await check.until_healthy(server.url)
        if not check.failures:
            for name in SERVICES:
                check.healthcheck(name, ports[name])
            await check.commands(server.url)
            check.backoffice(server.url, free_port())
    finally:
        check.cleanup()
        server.cleanup()
    if check.failures:
        say(f"{len(check.failures)} failure(s); service logs in {work}")
        return 1
    say(f"every image works ({time.monotonic() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
