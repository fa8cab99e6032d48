"""The identity service's catalogue (decision 0007, issue 17): what it appends, its commands and
its two durable consumers (the grant history on IDENTITY, the offboarding reaction on HR, IDN-5)."""

from __future__ import annotations

from identity.bootstrap import SPEC, IdentitySettings, build
from identity.wiring import COMMANDS
from jetstream_es.memory_store import InMemoryEventStore
from jetstream_es.settings import RuntimeSettings
from shop_contracts.queries.identity import ListGrants, RolesOf
from shop_contracts.subjects import SERVICES, STREAMS

DEPLOYED = {
    "identity-grants": ("IDENTITY", ("identity.events.RoleHolder.>",)),
    "identity-offboarding": ("HR", ("hr.events.Employee.>",)),
}


def test_idn5_the_durable_consumers_0007() -> None:
    assert {c.durable: (c.stream, c.filter_subjects) for c in SPEC.consumers} == DEPLOYED


def test_the_runtime_lists_what_identity_appends_its_commands_and_queries_0007() -> None:
    runtime = build(RuntimeSettings(), IdentitySettings(), store=InMemoryEventStore("identity"))
    try:
        assert [a.name for a in runtime.appended] == ["RoleHolder"]
        assert set(runtime.command_handlers) == set(COMMANDS)
        assert {RolesOf, ListGrants} <= set(runtime.query_handlers)
        assert {c.durable for c in runtime.consumer_specs()} == set(DEPLOYED)
    finally:
        runtime.engine.sync_engine.dispose()


def test_identity_is_a_service_with_its_own_stream() -> None:
    assert "identity" in SERVICES
    assert STREAMS["identity"] == "IDENTITY"
