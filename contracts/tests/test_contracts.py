"""The integration contract: subjects, the envelope and the wire form of the key events."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from shop_contracts.envelope import Actor, EventEnvelope
from shop_contracts.errors import ErrorCode, Reply
from shop_contracts.events import (
    AbsenceKind,
    AbsenceRecorded,
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    RefundRequested,
    ShipmentStamped,
    ShippingAddress,
)
from shop_contracts.subjects import command_subject, dlq_subject, event_subject, is_token, stream_name

AT = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def test_an_event_subject_is_service_events_aggregate_id() -> None:
    assert event_subject("orders", "Order", "o-1") == "orders.events.Order.o-1"
    assert command_subject("hr", "ApproveLeave") == "hr.commands.ApproveLeave"
    assert dlq_subject("orders", "orders-sla") == "dlq.orders.orders-sla"
    assert stream_name("fulfilment") == "FULFILMENT"


@pytest.mark.parametrize("bad", ["a.b", "a b", "*", ">", "", "ä"])
def test_an_id_that_is_not_one_subject_token_is_refused(bad: str) -> None:
    assert not is_token(bad)
    with pytest.raises(ValueError, match="subject token"):
        event_subject("orders", "Order", bad)


def test_the_envelope_keeps_time_in_utc_and_refuses_naive_time() -> None:
    base = {
        "event_id": "e1",
        "event_type": "OrderConfirmed",
        "schema_version": 1,
        "aggregate_type": "Order",
        "aggregate_id": "o-1",
        "version": 2,
        "actor": {"id": "u1", "roles": ["backoffice_order_staff"]},
        "correlation_id": "c1",
        "causation_id": "c1",
        "data": {},
    }
    shanghai = datetime(2026, 3, 2, 14, 0, tzinfo=timezone(timedelta(hours=8)))
    envelope = EventEnvelope.model_validate({**base, "occurred_at": shanghai})
    assert envelope.occurred_at == AT
    assert envelope.occurred_at.tzinfo == UTC
    with pytest.raises(ValidationError):
        EventEnvelope.model_validate({**base, "occurred_at": "2026-03-02T06:00:00"})
    with pytest.raises(ValidationError):
        EventEnvelope.model_validate({**base, "occurred_at": AT, "surprise": 1})


def test_order_placed_carries_money_as_exact_decimal_strings() -> None:
    event = OrderPlaced(
        order_id="o-1",
        lines=(OrderLine(sku="SKU-1", quantity=2, unit_price=Decimal("19.90")),),
        amount=Decimal("39.80"),
        buyer_id="b-1",
        shipping=ShippingAddress(recipient="王小明", phone="13800000000", address="上海市浦东新区"),
        channel="tmall",
        sales_owner="s-1",
        placed_at=AT,
    )
    wire = json.loads(event.model_dump_json())
    assert wire["amount"] == "39.80"
    assert wire["lines"][0]["unit_price"] == "19.90"
    assert OrderPlaced.model_validate(wire) == event


@pytest.mark.parametrize(
    "line",
    [
        {"sku": "S", "quantity": 0, "unit_price": "1"},
        {"sku": "S", "quantity": 1, "unit_price": "-1"},
        {"sku": "S", "quantity": 1, "unit_price": "1.001"},
        {"sku": "", "quantity": 1, "unit_price": "1"},
    ],
)
def test_an_order_line_refuses_impossible_values(line: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        OrderLine.model_validate(line)


def test_the_key_events_have_types_and_first_versions() -> None:
    models = [OrderPlaced, OrderConfirmed, ShipmentStamped, RefundRequested, AbsenceRecorded]
    assert [m.event_type for m in models] == [
        "OrderPlaced",
        "OrderConfirmed",
        "ShipmentStamped",
        "RefundRequested",
        "AbsenceRecorded",
    ]
    assert {m.schema_version for m in models} == {1}


def test_shipment_stamped_carries_the_shipping_only_stamp() -> None:
    stamped = ShipmentStamped(
        shipment_id="sh-1",
        order_id="o-1",
        outbound_note_no="OUT-1",
        waybill_no="WB-1",
        keeper="k-1",
        stamped_at=AT,
    )
    assert stamped.stamp == "發貨專用章"
    with pytest.raises(ValidationError):
        ShipmentStamped.model_validate({**stamped.model_dump(), "stamp": "other"})


def test_absence_recorded_counts_at_most_one_day_per_occurrence() -> None:
    absence = AbsenceRecorded(
        employee_id="e-1", work_date=date(2026, 3, 2), kind=AbsenceKind.FULL_DAY, days=Decimal(1)
    )
    assert json.loads(absence.model_dump_json())["kind"] == "full_day"
    with pytest.raises(ValidationError):
        AbsenceRecorded(
            employee_id="e-1", work_date=date(2026, 3, 2), kind=AbsenceKind.FULL_DAY, days=Decimal(2)
        )


def test_refund_requested_needs_a_reason() -> None:
    with pytest.raises(ValidationError):
        RefundRequested(
            case_id="r-1", order_id="o-1", reason="", goods_received=False, amount=Decimal(1), requested_at=AT
        )


def test_a_failure_reply_names_code_and_rule() -> None:
    reply = Reply.failure(ErrorCode.RULE_VIOLATED, "payee account is not the company's", rule="ORD-12")
    assert reply.model_dump(mode="json", exclude_none=True) == {
        "ok": False,
        "error": {"code": "rule_violated", "message": "payee account is not the company's", "rule": "ORD-12"},
    }
    assert Actor(id="u", roles=("dept_supervisor",)).has_any("dept_supervisor", "x")


def test_names_and_versions_come_from_the_class_unless_a_class_declares_its_own() -> None:
    from typing import ClassVar

    from shop_contracts.messages import Command, EventData, Query

    class ParcelWeighed(EventData):
        grams: int

    class ParcelWeighedV0(EventData):
        event_type: ClassVar[str] = "ParcelWeighed"
        schema_version: ClassVar[int] = 0

    class WeighParcel(Command):
        pass

    class ParcelWeight(Query):
        pass

    assert (ParcelWeighed.event_type, ParcelWeighed.schema_version) == ("ParcelWeighed", 1)
    assert (ParcelWeighedV0.event_type, ParcelWeighedV0.schema_version) == ("ParcelWeighed", 0)
    assert WeighParcel.command_name == "WeighParcel"
    assert ParcelWeight.query_name == "ParcelWeight"
