"""The back office's health endpoints for its deployments (issue 18; deploy/k8s/backoffice.yaml,
the image's HEALTHCHECK): `/healthz` while it serves, `/readyz` only while connected to NATS."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from fastapi import FastAPI
from fastapi.routing import APIRoute

from backoffice.bootstrap import health_routes


class Broker:
    def __init__(self, connected: bool | None) -> None:
        self.connected = connected

    @property
    def connection(self) -> SimpleNamespace:
        if self.connected is None:
            raise AttributeError("the broker has not connected yet")
        return SimpleNamespace(is_connected=self.connected)


def probe(connected: bool | None, path: str) -> tuple[int, str]:
    """The route `path` of the app `health_routes` made, answered as uvicorn would call it."""
    app = FastAPI()
    health_routes(app, SimpleNamespace(broker=Broker(connected)))
    route = next(r for r in app.routes if isinstance(r, APIRoute) and r.path == path)
    response = asyncio.run(route.endpoint())
    return response.status_code, bytes(response.body).decode()


def test_given_a_connected_back_office_when_probed_then_alive_and_ready() -> None:
    assert probe(True, "/healthz")[0] == 200
    assert probe(True, "/readyz") == (200, "ready")


def test_given_nats_lost_when_probed_then_alive_but_not_ready() -> None:
    assert probe(False, "/healthz")[0] == 200
    status, text = probe(False, "/readyz")
    assert status == 503
    assert "NATS" in text


def test_given_no_connection_yet_when_probed_then_not_ready() -> None:
    assert probe(None, "/readyz")[0] == 503
