"""The committed AsyncAPI documents (docs/asyncapi/) are what the services' code generates now
(issue 9): a change to a command, query, event or consumer without `make docs` fails here."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

from jetstream_es.aggregate import AggregateType
from jetstream_es.provision import installed_services
from shopctl.docs import render, stale

DOCS = Path(__file__).resolve().parents[3] / "docs" / "asyncapi"


def test_every_installed_service_has_a_document_and_the_page_lists_them() -> None:
    files = render()
    assert {"orders.json", "aftersales.json", "hr.json", "fulfilment.json", "index.html"} <= set(files)
    assert '"address": "orders.commands.PlaceOrder"' in files["orders.json"]
    assert '"address": "orders.commands.BackUpOrders"' in files["orders.json"]
    assert "orders.events.OrderBackup.{aggregate_id}" in files["orders.json"]
    assert '<section id="orders">' in files["index.html"]


def test_the_committed_documents_are_up_to_date_with_the_code() -> None:
    outdated = stale(DOCS)
    assert outdated == [], f"out of date: {outdated}; run `make docs` and commit docs/asyncapi"


def _aggregates_in(package: str) -> dict[str, AggregateType[Any]]:
    """Every aggregate type found in the globals of any module of `package` (all imported)."""
    root = importlib.import_module(package)
    found: dict[str, AggregateType[Any]] = {}
    for info in pkgutil.walk_packages(root.__path__, f"{package}."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, AggregateType) and value.module.startswith(f"{package}."):
                found[value.name] = value
    return found


def test_every_event_type_a_service_can_append_is_documented_on_its_aggregate_channel() -> None:
    """Issue 15: the documents come from what services append; no aggregate or event type is missing."""
    documents = {
        name.removesuffix(".json"): json.loads(text)
        for name, text in render().items()
        if name.endswith(".json")
    }
    missing = []
    for spec in installed_services():
        document = documents[spec.name]
        for name, aggregate in sorted(_aggregates_in(spec.module).items()):
            channel = document["channels"].get(f"events.{name}", {"messages": {}})
            for model in aggregate.registry.models:
                if model.event_type not in channel["messages"]:
                    missing.append(f"{spec.name}: {name}/{model.event_type}")
                elif f"event.{model.event_type}" not in document["components"]["messages"]:
                    missing.append(f"{spec.name}: no message schema for {model.event_type}")
    assert missing == []


def test_the_aggregates_the_review_found_undocumented_have_their_channels() -> None:
    documents = {
        name.removesuffix(".json"): json.loads(text)
        for name, text in render().items()
        if name.endswith(".json")
    }
    expected = {
        "fulfilment": ("Product", "DocumentRegister", "ReturnParcel"),
        "aftersales": ("OrderFacts", "CustomerContact"),
        "hr": ("Overtime", "CompTimeAccount"),
    }
    for service, aggregates in expected.items():
        for aggregate in aggregates:
            channel = documents[service]["channels"][f"events.{aggregate}"]
            assert channel["address"] == f"{service}.events.{aggregate}.{{aggregate_id}}"
            assert channel["messages"]
