"""Health of a service: the report (NATS `<service>.queries.Health`) and the HTTP server.

`health_report` lists each projection's checkpoint, dead letters, pending and redelivered counts;
`serve_http` answers `/healthz` (200 while healthy) and `/readyz` (also 503 while a projection
lags by more than 1000 events) when `health_port` is set. A minimal HTTP/1.1 responder: one
request line read, one JSON body written, connection closed.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any, TypeVar

import structlog

from shop_contracts.messages import Command, Query

log = structlog.get_logger(__name__)
C = TypeVar("C", bound=Command)
S = TypeVar("S")
Q = TypeVar("Q", bound=Query)
if TYPE_CHECKING:
    from jetstream_es.service.runtime import ServiceRuntime

log = structlog.get_logger(__name__)


async def health_report(runtime: ServiceRuntime) -> dict[str, Any]:
    js = runtime.nc.jetstream()
    projections = []
    healthy = runtime.nc.is_connected
    for runner in runtime.runners:
        entry: dict[str, Any] = {
            "name": runner.projection.name,
            "consumer": runner.consumer,
            "checkpoint": runner.checkpoint,
            "dead_lettered": runner.dead_lettered,
            "replayable": not runner.projection.side_effects,
            "paused": runner.paused,
        }
        try:
            info = await js.consumer_info(runner.projection.stream, runner.consumer, timeout=1.0)
            entry["pending"] = int(info.num_pending or 0) + int(info.num_ack_pending or 0)
            entry["redelivered"] = int(info.num_redelivered or 0)
        except Exception as exc:
            entry["error"] = repr(exc)
            healthy = False
        projections.append(entry)
    return {
        "service": runtime.name,
        "status": "ok" if healthy else "degraded",
        "now": runtime.clock.now().isoformat(),
        "nats_connected": runtime.nc.is_connected,
        "projections": projections,
    }


async def serve_http(
    runtime: ServiceRuntime, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    try:
        request = await asyncio.wait_for(reader.readline(), 5)
        path = request.decode(errors="replace").split(" ")[1] if request.count(b" ") >= 2 else "/"
        report = await health_report(runtime)
        lagging = any(p.get("pending", 0) > 1000 for p in report["projections"])
        ok = report["status"] == "ok" and (path != "/readyz" or not lagging)
        body = json.dumps(report).encode()
        status = "200 OK" if ok else "503 Service Unavailable"
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
    except Exception as exc:
        log.warning("health_http_failed", error=repr(exc))
    finally:
        writer.close()


class _HealthQuery(Query):
    query_name = "Health"
