"""Conflict C1: corrections before confirmation (ORD-6) versus immutability (ORD-5, ORD-13).

A refused attempt is answered `rule_violated` and recorded as OrderAmendmentRejected for audit.
"""

from __future__ import annotations

import pytest

from jetstream_es.errors import InvalidCommand, RuleViolated
from orders.domain.policy import CorrectionPolicy, OrderPolicy
from shop_contracts.events.orders import FieldCorrection, OrderAmendmentRejected, OrderDetailsCorrected

from .helpers import ACCOUNT, BACKOFFICE, SHIPPING, Orders, confirm, contact, correct, pay, place


@pytest.fixture
def orders() -> Orders:
    return Orders()


async def refused(
    orders: Orders, changes: dict[str, object], **kw: object
) -> tuple[str | None, OrderAmendmentRejected]:
    with pytest.raises(RuleViolated) as error:
        await orders.when(correct(changes, **kw))  # type: ignore[arg-type]
    rejected = orders.events()[-1]
    assert isinstance(rejected, OrderAmendmentRejected)
    return error.value.rule, rejected


async def test_after_sales_correct_phone_and_address_before_confirmation_ord_6(orders: Orders) -> None:
    await orders.given(place())
    await orders.when(correct({"phone": "13900000000", "address": "2 Huaihai Rd"}))
    event = orders.events()[-1]
    assert isinstance(event, OrderDetailsCorrected)
    assert event.corrections == (
        FieldCorrection(field="phone", old=SHIPPING.phone, new="13900000000"),
        FieldCorrection(field="address", old=SHIPPING.address, new="2 Huaihai Rd"),
    )
    assert (event.corrected_by, event.reason) == ("as-1", "buyer left a message")
    state = await orders.state()
    assert state.shipping is not None
    assert state.shipping.phone == "13900000000"


async def test_the_placed_order_event_is_never_rewritten_ord_5(orders: Orders) -> None:
    await orders.given(place())
    before = orders.store.all_events[0].envelope
    await orders.when(correct({"recipient": "Han Meimei"}))
    assert orders.store.all_events[0].envelope == before


async def test_after_sales_correct_goods_and_size_of_a_line_ord_6(orders: Orders) -> None:
    await orders.given(place(), pay())
    await orders.when(correct({"lines": [{"line": 1, "sku": "TV-65", "size": "65in"}]}))
    event = orders.events()[-1]
    assert isinstance(event, OrderDetailsCorrected)
    assert [c.field for c in event.corrections] == ["lines.1.sku", "lines.1.size"]
    assert (await orders.state()).lines[0].sku == "TV-65"


async def test_a_correction_that_changes_nothing_appends_nothing(orders: Orders) -> None:
    await orders.given(place())
    result = await orders.when(correct({"phone": SHIPPING.phone}))
    assert result.event_ids == ()


async def test_a_correction_of_a_missing_line_is_invalid(orders: Orders) -> None:
    await orders.given(place())
    with pytest.raises(InvalidCommand):
        await orders.when(correct({"lines": [{"line": 9, "size": "XL"}]}))


async def test_after_confirmation_a_correction_is_refused_and_recorded_ord_5(orders: Orders) -> None:
    await orders.given(place(), pay(), contact(), confirm())
    rule, rejected = await refused(orders, {"address": "elsewhere"})
    assert rule == "ORD-5"
    assert (rejected.actor_id, rejected.attempted_fields) == ("as-1", ("address",))


async def test_the_forbid_policy_refuses_every_correction_and_records_it_c1() -> None:
    orders = Orders(
        OrderPolicy(company_accounts=frozenset({ACCOUNT}), correction_policy=CorrectionPolicy.FORBID)
    )
    await orders.given(place())
    rule, rejected = await refused(orders, {"phone": "13900000000"})
    assert rule == "ORD-5"
    assert "switched off" in rejected.reason


async def test_changing_quantity_or_price_is_refused_and_recorded_ord_5(orders: Orders) -> None:
    await orders.given(place())
    rule, rejected = await refused(orders, {"lines": [{"line": 2, "quantity": 5, "unit_price": "1.00"}]})
    assert rule == "ORD-5"
    assert rejected.attempted_fields == ("lines.2.quantity", "lines.2.unit_price")


async def test_changing_the_buyer_is_refused_and_recorded_ord_5(orders: Orders) -> None:
    await orders.given(place())
    rule, _ = await refused(orders, {"buyer_id": "buyer-2"})
    assert rule == "ORD-5"


async def test_reassigning_the_sales_owner_is_refused_and_recorded_ord_13(orders: Orders) -> None:
    await orders.given(place())
    rule, rejected = await refused(orders, {"sales_owner": "sales-2"})
    assert rule == "ORD-13"
    assert rejected.attempted_fields == ("sales_owner",)


async def test_a_correction_by_anyone_but_after_sales_is_refused_and_recorded_ord_5(orders: Orders) -> None:
    await orders.given(place())
    rule, rejected = await refused(orders, {"phone": "13900000000"}, actor=BACKOFFICE)
    assert rule == "ORD-5"
    assert rejected.actor_roles == ("backoffice_order_staff",)


async def test_a_repeated_refused_attempt_gets_the_same_answer_and_records_once(orders: Orders) -> None:
    await orders.given(place())
    await refused(orders, {"buyer_id": "buyer-2"})
    with pytest.raises(RuleViolated) as again:
        await orders.when(correct({"buyer_id": "buyer-2"}))
    assert again.value.rule == "ORD-5"
    assert orders.types() == ["OrderPlaced", "OrderAmendmentRejected"]
