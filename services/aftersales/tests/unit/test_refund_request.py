"""Requesting a refund (SM-RET entry): the reason list (AS-1), the goods-received branch checked
against fulfilment's record (AS-2), the 7-day quality window from delivery (AS-11), roles, and the
order amount net of earlier refunds (ORD-16)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from aftersales.bootstrap import AftersalesSettings, build
from aftersales.refunds.domain.status import RefundCaseStatus
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.errors import Forbidden, NotFound, RuleViolated
from shop_contracts.commands import aftersales as c
from shop_contracts.envelope import Actor
from shop_contracts.events.aftersales import RefundRequested
from shop_contracts.events.fulfilment import ShipmentCancelled, ShipmentDelivered, ShipmentStamped
from shop_contracts.events.refund_case import RefundRequestApproved

from .helpers import AMOUNT, CS, DELIVERED, NOW, PAID, PLACED, STAMPED, SUPERVISOR, Aftersales, cmd, request


async def requested(harness: Aftersales) -> RefundRequested:
    event = harness.events()[-1]
    assert isinstance(event, RefundRequested)
    return event


async def test_a_request_with_a_listed_reason_awaits_the_supervisor_as_1() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID, STAMPED, DELIVERED)
    await a.when(request())
    event = await requested(a)
    assert (event.reason, event.amount, event.buyer_id) == ("quality", AMOUNT, "buyer-9")
    assert (await a.state()).status is RefundCaseStatus.AWAITING_DECISION


async def test_a_reason_outside_the_list_is_refused_as_1() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    with pytest.raises(RuleViolated) as err:
        await a.when(request(reason="no reason"))
    assert err.value.rule == "AS-1"
    assert a.types() == []


async def test_delivered_goods_count_as_received_whatever_the_buyer_says_as_2() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID, STAMPED, DELIVERED)
    await a.when(request(received=False, reason="not_as_described"))
    event = await requested(a)
    assert (event.goods_received, event.claimed_received, event.received_basis) == (True, False, "delivered")


async def test_goods_never_stamped_count_as_not_received_as_2() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.when(request(received=True, reason="changed_mind"))
    event = await requested(a)
    assert (event.goods_received, event.received_basis) == (False, "not_shipped")


async def test_a_cancelled_shipment_counts_as_not_received_as_2() -> None:
    a = Aftersales()
    cancelled = ShipmentCancelled(shipment_id="s-1", order_id="o-1", cancelled_at=NOW)
    await a.facts(PLACED, PAID, STAMPED, cancelled)
    await a.when(request(received=True, reason="changed_mind"))
    assert (await requested(a)).goods_received is False


@pytest.mark.parametrize("claimed", [True, False])
async def test_stamped_but_not_delivered_the_buyers_statement_decides_as_2(claimed: bool) -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID, STAMPED)
    await a.when(request(received=claimed, reason="not_received"))
    event = await requested(a)
    assert (event.goods_received, event.received_basis) == (claimed, "buyer_statement")


async def test_a_quality_return_exactly_seven_days_after_delivery_is_accepted_as_11() -> None:
    a = Aftersales()
    await a.facts(
        PLACED,
        PAID,
        STAMPED,
        ShipmentDelivered(shipment_id="s-1", order_id="o-1", delivered_at=NOW - timedelta(days=7)),
    )
    await a.when(request())
    assert a.types() == ["RefundRequested"]


async def test_a_quality_return_one_second_after_the_window_is_refused_as_11() -> None:
    a = Aftersales()
    late = NOW - timedelta(days=7, seconds=1)
    await a.facts(
        PLACED, PAID, STAMPED, ShipmentDelivered(shipment_id="s-1", order_id="o-1", delivered_at=late)
    )
    with pytest.raises(RuleViolated) as err:
        await a.when(request())
    assert err.value.rule == "AS-11"
    assert a.types() == []


def stamped(days_ago: float) -> ShipmentStamped:
    return STAMPED.model_copy(update={"stamped_at": NOW - timedelta(days=days_ago)})


async def test_without_a_delivery_a_quality_return_is_counted_from_the_stamp_plus_transit_as_11() -> None:
    # given an order stamped 10 days and 1 second ago, never reported delivered: with the
    # default 3 transit days it was received 7 days and 1 second ago
    a = Aftersales()
    await a.facts(PLACED, PAID, stamped(10 + 1 / 86400))
    # when the buyer says it arrived and asks to return it for quality
    with pytest.raises(RuleViolated) as err:
        await a.when(request(received=True))
    # then the window has closed
    assert err.value.rule == "AS-11"
    assert "stamp plus 3 transit days" in err.value.message
    assert a.types() == []


async def test_without_a_delivery_a_quality_return_inside_stamp_plus_transit_is_accepted_as_11() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID, stamped(10))
    await a.when(request(received=True))
    assert a.types() == ["RefundRequested"]


async def test_the_transit_days_are_a_setting_as_11() -> None:
    a = Aftersales(AftersalesPolicy(transit_days=1))
    await a.facts(PLACED, PAID, stamped(9))
    with pytest.raises(RuleViolated) as err:
        await a.when(request(received=True))
    assert err.value.rule == "AS-11"


async def test_the_transit_days_are_the_department_setting_shared_with_orders_as_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AS-11: SHOP_TRANSIT_DAYS, the one setting orders reads too, decides receipt without a delivery."""
    monkeypatch.setenv("SHOP_TRANSIT_DAYS", "1")
    a = Aftersales(AftersalesSettings().policy())
    await a.facts(PLACED, PAID, stamped(9))
    with pytest.raises(RuleViolated) as err:
        await a.when(request(received=True))
    assert err.value.rule == "AS-11"


def test_the_old_aftersales_transit_setting_is_refused_naming_the_new_one_as_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AS-11: a value set for after-sales alone would make it disagree with orders; refuse, not ignore."""
    monkeypatch.setenv("AFTERSALES_TRANSIT_DAYS", "5")
    with pytest.raises(ValueError, match=r"AFTERSALES_TRANSIT_DAYS.*SHOP_TRANSIT_DAYS"):
        build()


def test_the_quality_window_is_the_department_return_window_shared_with_orders_as_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AS-11: SHOP_RETURN_WINDOW_DAYS, the one window orders completes orders by, bounds quality returns."""
    assert AftersalesSettings().policy().quality_window == timedelta(days=7)
    monkeypatch.setenv("SHOP_RETURN_WINDOW_DAYS", "10")
    assert AftersalesSettings().policy().quality_window == timedelta(days=10)


def test_the_old_aftersales_quality_window_setting_is_refused_naming_the_new_one_as_11(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AS-11: a window set for after-sales alone would disagree with orders' completion; refuse it."""
    monkeypatch.setenv("AFTERSALES_QUALITY_WINDOW_DAYS", "14")
    with pytest.raises(ValueError, match=r"AFTERSALES_QUALITY_WINDOW_DAYS.*AS-11.*SHOP_RETURN_WINDOW_DAYS"):
        build()


async def test_a_non_quality_return_after_the_window_is_accepted_as_11() -> None:
    a = Aftersales()
    late = NOW - timedelta(days=30)
    await a.facts(
        PLACED, PAID, STAMPED, ShipmentDelivered(shipment_id="s-1", order_id="o-1", delivered_at=late)
    )
    await a.when(request(reason="wrong_item"))
    assert a.types() == ["RefundRequested"]


async def test_only_the_buyer_may_request_a_refund_as_1() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    with pytest.raises(Forbidden):
        await a.when(request(actor=CS))


async def test_another_buyer_may_not_request_a_refund_for_this_order() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    with pytest.raises(Forbidden) as err:
        await a.when(request(actor=Actor(id="buyer-x", roles=("buyer",))))
    assert err.value.rule == "SM-RET"


async def test_an_order_after_sales_has_not_heard_of_is_not_found() -> None:
    a = Aftersales()
    with pytest.raises(NotFound):
        await a.when(request())


async def test_a_request_above_the_order_amount_is_refused_ord_16() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    with pytest.raises(RuleViolated) as err:
        await a.when(request(reason="changed_mind", amount=Decimal("3020.01")))
    assert err.value.rule == "ORD-16"


async def test_a_partial_amount_is_kept_on_the_case() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.when(request(reason="changed_mind", amount=Decimal("100.00")))
    assert (await requested(a)).amount == Decimal("100.00")


async def test_the_same_request_sent_again_appends_nothing() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    first = await a.when(request(reason="changed_mind"))
    again = await a.when(request(reason="changed_mind"))
    assert again.repeated
    assert again.event_ids == first.event_ids
    assert a.types() == ["RefundRequested"]


async def test_a_case_id_is_used_once_sm_ret() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.when(request(reason="changed_mind"))
    with pytest.raises(RuleViolated) as err:
        await a.when(request(reason="changed_mind", command_id="another"))
    assert err.value.rule == "SM-RET"


async def test_a_case_for_all_that_was_paid_is_approved_as_the_whole_order_as_3() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.when(request(received=False, reason="changed_mind"))
    assert (await requested(a)).whole_order is True
    await a.when(cmd(c.ApproveRefundRequest, SUPERVISOR))
    approved = a.events()[-1]
    assert isinstance(approved, RefundRequestApproved)
    assert (approved.return_required, approved.whole_order) == (False, True)


async def test_a_partial_case_is_approved_as_partial_so_the_goods_still_ship_as_3() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.when(request(received=False, reason="changed_mind", amount=Decimal("10.00")))
    await a.when(cmd(c.ApproveRefundRequest, SUPERVISOR))
    approved = a.events()[-1]
    assert isinstance(approved, RefundRequestApproved)
    assert approved.whole_order is False
