"""The committed AsyncAPI documents (docs/asyncapi/) are what the services' code generates now
(issue 9): a change to a command, query, event or consumer without `make docs` fails here."""

from __future__ import annotations

from pathlib import Path

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
