"""AsyncAPI documents from a runtime's catalog (issue 9, decision 0004): built without connecting,
every command, query and admin endpoint a request/reply channel, the events appended per aggregate,
each consumer a receive operation, and every `$ref` resolvable."""

from __future__ import annotations

import json
from typing import Any

from jetstream_es.asyncapi import build_document, dumps, render_html
from jetstream_es.provision import ServiceSpec
from jetstream_es.testing.sample import SAMPLE_CONSUMER_SPEC, sample_runtime


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def sample_document() -> dict[str, Any]:
    runtime = sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:")
    spec = ServiceSpec("sample", "sample", (SAMPLE_CONSUMER_SPEC,))
    try:
        return build_document(runtime, spec)
    finally:
        runtime.engine.sync_engine.dispose()


def test_commands_queries_and_admin_endpoints_are_request_reply_channels() -> None:
    doc = sample_document()
    assert doc["asyncapi"] == "3.0.0"
    assert doc["channels"]["command.OpenCounter"]["address"] == "sample.commands.OpenCounter"
    assert doc["channels"]["query.Health"]["address"] == "sample.queries.Health"
    assert doc["channels"]["admin.ReplayProjection"]["address"] == "sample.admin.ReplayProjection"
    operation = doc["operations"]["command.Increment"]
    assert operation["action"] == "receive"
    assert operation["reply"]["channel"] == {"$ref": "#/channels/reply"}
    payload = resolve(doc, doc["components"]["messages"]["command.Increment"]["payload"]["$ref"])
    assert {"command_id", "actor", "counter_id", "by"} <= set(payload["properties"])


def test_events_and_consumers_come_from_the_registry() -> None:
    doc = sample_document()
    events = doc["channels"]["events.Counter"]
    assert events["address"] == "sample.events.Counter.{aggregate_id}"
    assert set(events["messages"]) == {"CounterOpened", "CounterIncremented", "CounterClosed"}
    assert doc["operations"]["publish.events.Counter"]["action"] == "send"
    consumer = doc["channels"]["consumer.sample-counter-totals"]
    assert consumer["address"] == "sample.events.Counter.>"
    assert set(consumer["messages"]) == {"CounterOpened", "CounterIncremented"}
    message = doc["components"]["messages"]["event.CounterIncremented"]
    data = message["payload"]["allOf"][1]["properties"]
    assert data["schema_version"] == {"const": 2}
    assert "by" in resolve(doc, data["data"]["$ref"])["properties"]


def test_every_reference_resolves_and_the_output_is_stable() -> None:
    doc = sample_document()
    for ref in refs(doc):
        assert resolve(doc, ref) is not None, ref
    assert dumps(doc) == dumps(sample_document())
    json.loads(dumps(doc))
    page = render_html([doc])
    assert "sample.commands.OpenCounter" in page
    assert "<script" not in page
    assert "http" not in page.split("<body>")[1]


def test_an_aggregate_the_service_defines_is_documented_without_being_declared() -> None:
    """Issue 15: the channels come from the aggregates the service's code defines, not from a list."""
    runtime = sample_runtime("nats://127.0.0.1:1", "sqlite+aiosqlite:///:memory:", totals=False)
    runtime.appended.clear()
    try:
        doc = build_document(runtime, ServiceSpec("sample", "jetstream_es"))
    finally:
        runtime.engine.sync_engine.dispose()
    assert set(doc["channels"]["events.Counter"]["messages"]) == {
        "CounterOpened",
        "CounterIncremented",
        "CounterClosed",
    }


def test_every_request_shows_the_actor_token_header_and_the_forbidden_reasons_decision_0009() -> None:
    document = sample_document()
    messages = document["components"]["messages"]
    requests = {k: v for k, v in messages.items() if k.split(".")[0] in ("command", "query", "admin")}
    assert {k.split(".")[0] for k in requests} == {"command", "query", "admin"}
    for message_id, message in requests.items():
        if message_id == "query.Health":
            assert "headers" not in message, "Health needs no token"
            continue
        assert message["headers"]["required"] == ["Shop-Actor-Token"], message_id
        assert {"missing_token", "expired", "bad_signature", "wrong_request"} <= set(
            message["x-forbidden-reasons"]
        )
    assert "body_actor_mismatch" in messages["command.OpenCounter"]["x-forbidden-reasons"]
    assert messages["admin.ReplayProjection"]["x-read-roles"] == ["operator"]
    assert "read_role_required" in messages["admin.ReplayProjection"]["x-forbidden-reasons"]
    # the runtime takes a command's actor from the token: the body may leave it out
    assert "actor" not in document["components"]["schemas"]["OpenCounter"].get("required", [])
    assert "Shop-Actor-Token" in render_html([document])
