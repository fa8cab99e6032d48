"""A query's read roles come from the setting over a real nats-server (decision 0009): with
`SAMPLE_QUERY_ROLES` naming a query, the runtime answers the configured roles' holders and refuses
the model's default readers `forbidden` (`read_role_required`, citing the query's rule)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from nats.aio.client import Client

from jetstream_es.service import ServiceRuntime
from jetstream_es.testing.harness import request
from jetstream_es.testing.nats_server import NatsServer
from jetstream_es.testing.sample import sample_runtime
from shop_contracts.messages import Query

from .helpers import provision_consumer

pytestmark = pytest.mark.integration
SUBJECT = "sample.queries.Ledger"
HR = {"id": "hr-1", "roles": ["hr_dept"]}
MANAGER = {"id": "mgr-1", "roles": ["dept_manager"]}


class Ledger(Query):
    read_roles: ClassVar[tuple[str, ...] | None] = ("hr_dept",)
    read_rule: ClassVar[str | None] = "HR-33"
    period: str


async def answer(query: Ledger) -> dict[str, Any]:
    return {"period": query.period}


@pytest.fixture
async def service(nats_server: NatsServer, nc: Client, tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    await provision_consumer(nc)
    runtime = sample_runtime(nats_server.url, f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    runtime.query(Ledger, answer)
    runtime.configure_query_roles('{"Ledger": ["dept_manager"]}', setting="SAMPLE_QUERY_ROLES")
    await runtime.start()
    yield runtime
    await runtime.stop()


async def test_the_configured_roles_decide_who_reads_a_query_hr_33(
    service: ServiceRuntime, nc: Client
) -> None:
    allowed = await request(nc, SUBJECT, {"period": "2026-03"}, actor=MANAGER)
    assert allowed["ok"], allowed
    assert allowed["result"] == {"period": "2026-03"}
    refused = await request(nc, SUBJECT, {"period": "2026-03"}, actor=HR)
    assert refused["ok"] is False, refused
    assert refused["error"]["code"] == "forbidden"
    assert refused["error"]["rule"] == "HR-33"
    assert refused["error"]["details"] == [{"reason": "read_role_required", "roles": ["dept_manager"]}]
