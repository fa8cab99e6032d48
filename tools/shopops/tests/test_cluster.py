"""`make cluster`'s ports and the back office's place in it (issues 11, 18): fixed health ports as
deploy/compose.yaml publishes them, and the back office started as its own NATS user with its
store on PostgreSQL and the two keys it signs with."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import socket
from pathlib import Path

import pytest

from jetstream_es.provision import installed_services
from shopops import identity
from shopops.cluster import BACKOFFICE, BACKOFFICE_PORT, HEALTH_ORDER, Cluster, Ports

REPO = Path(__file__).resolve().parents[3]


def compose_ports() -> dict[str, int]:
    """`SHOP_COMPOSE_<SERVICE>_PORT:-<port>` of every compose service."""
    text = (REPO / "deploy" / "compose.yaml").read_text()
    return {m[0].lower(): int(m[1]) for m in re.findall(r"SHOP_COMPOSE_([A-Z]+)_PORT:-(\d+)\}:80[08]0", text)}


def test_the_fixed_health_ports_are_the_ones_compose_publishes() -> None:
    ports = Ports.default()
    published = compose_ports()
    specs = installed_services()
    assert {s.name for s in specs} <= set(HEALTH_ORDER), "every installed service has a fixed port"
    for index, spec in enumerate(specs):
        assert ports.health_port(index, spec.name) == published[spec.name], spec.name
    assert ports.backoffice == BACKOFFICE_PORT == published[BACKOFFICE] == 8000


def test_free_ports_give_each_service_and_the_back_office_its_own() -> None:
    ports = Ports.free(3)
    chosen = [ports.health_port(i, name) for i, name in enumerate(("orders", "catalog", "kpi"))]
    assert len({*chosen, ports.backoffice, ports.postgres}) == 5
    assert ports.health_port(0, "kpi") == ports.health[0], "free ports are taken in the installed order"


def test_a_service_without_a_fixed_place_takes_the_ports_after_them() -> None:
    assert Ports.default().health_port(2, "newcomer") == 8580 + len(HEALTH_ORDER) + 2


def test_the_back_office_runs_as_its_own_user_on_its_own_database_with_both_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_DB_URL", "sqlite:///inherited.db")  # never leaks into the cluster
    monkeypatch.setenv("SHOP_NATS_USER", "operator")
    cluster = Cluster(tmp_path / "c", Ports.free(1), specs=[])
    cluster.prepare()
    cluster.database_urls[BACKOFFICE] = "postgresql+asyncpg://backoffice:pw@127.0.0.1:1/backoffice"

    env = cluster.backoffice_env()

    assert env["SHOP_NATS_USER"] == BACKOFFICE
    assert env["SHOP_NATS_PASSWORD"] == cluster.credentials.passwords[BACKOFFICE]
    assert env["BACKOFFICE_DB_URL"].endswith("/backoffice")
    assert env["BACKOFFICE_PORT"] == str(cluster.ports.backoffice)
    assert env["BACKOFFICE_HOST"] == "127.0.0.1"
    keys = Path(env["BACKOFFICE_IDENTITY_DIR"])
    assert identity.key_path(keys, identity.ISSUER).exists()
    assert identity.key_path(keys, "shop-setup").exists()
    assert cluster.backoffice_url == f"http://127.0.0.1:{cluster.ports.backoffice}"


def test_a_taken_back_office_port_leaves_the_back_office_out_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Like `make run`: with 8000 taken the cluster runs without the back office and says so."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cluster = Cluster(tmp_path / "c", dataclasses.replace(Ports.free(0), backoffice=port), specs=[])

        started = asyncio.run(cluster.start_backoffice_when_free())

    assert started is False
    assert cluster.backoffice is None
    assert f"port {port} is taken" in capsys.readouterr().out
