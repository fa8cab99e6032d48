"""Reactions to orders and fulfilment (SM-RET; AS-2, AS-11 facts): each fact is noted once, a
redelivered event appends nothing, and a parcel for a case not expecting one is ignored."""

from __future__ import annotations

from aftersales.refunds.application.reactions import FulfilmentReactions
from jetstream_es.testing.events import decoded_event
from shop_contracts.commands import aftersales as c
from shop_contracts.events.fulfilment import ReturnParcelReceived

from .helpers import BUYER, DELIVERED, NOW, PAID, PARCEL, PLACED, STAMPED, Aftersales, cmd, request


def facts_types(a: Aftersales) -> list[str]:
    return [e.event_type for e in a.store.all_events if e.envelope.aggregate_type == "OrderFacts"]


async def test_a_redelivered_fact_appends_nothing() -> None:
    a = Aftersales()
    for data in (PLACED, STAMPED, DELIVERED):
        first = await a.react(data, f"e-{data.event_type}")
        again = await a.react(data, f"e-{data.event_type}")
        assert first is not None
        assert again is not None
        assert again.repeated
        assert again.event_ids == first.event_ids
    assert facts_types(a) == ["OrderFactsRecorded", "ShipmentStampNoted", "DeliveryNoted"]


async def test_the_same_fact_from_another_event_is_noted_once() -> None:
    a = Aftersales()
    await a.react(DELIVERED, "e-1")
    result = await a.react(DELIVERED, "e-2")
    assert result is not None
    assert result.event_ids == ()
    assert facts_types(a) == ["DeliveryNoted"]


async def test_a_redelivered_parcel_moves_the_case_once() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID, STAMPED, DELIVERED)
    await a.given(
        request(), cmd(c.ApproveRefundRequest), cmd(c.RecordReturnDispatch, BUYER, waybill_no="RB-1")
    )
    await a.react(PARCEL, "p-1")
    await a.react(PARCEL, "p-1")
    await a.react(PARCEL, "p-2")
    assert a.types().count("ReturnParcelArrived") == 1


async def test_a_parcel_for_an_unknown_case_is_ignored() -> None:
    a = Aftersales()
    result = await a.react(
        ReturnParcelReceived(case_id="nope", waybill_no="RB-9", received_at=PLACED.placed_at), "p-9"
    )
    assert result is not None
    assert result.event_ids == ()
    assert a.store.all_events == []


async def test_a_reaction_that_changes_nothing_is_acknowledged_not_retried() -> None:
    """Regression: logging an ignored event must not fail the reaction (it would be retried and
    dead-lettered)."""
    a = Aftersales()
    reaction = FulfilmentReactions(a.commands)
    await a.react(DELIVERED, "e-1")

    await reaction.react(
        decoded_event(
            DELIVERED, 1, service="fulfilment", aggregate_type="Shipment", aggregate_id="s-1", occurred_at=NOW
        )
    )

    assert facts_types(a) == ["DeliveryNoted"]
