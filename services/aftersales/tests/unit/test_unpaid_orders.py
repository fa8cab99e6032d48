"""Only money that came in goes back (AS-3, AS-8, AS-9, SM-ORD): after-sales refuses a refund for
an order whose payment orders never recorded, and the refund limit is the amount paid."""

from __future__ import annotations

import pytest

from aftersales.refunds.domain.facts import OrderFacts, book_refund
from jetstream_es.errors import RuleViolated
from shop_contracts.commands import aftersales as c

from .helpers import AMOUNT, NOW, PAID, PLACED, Aftersales, cmd, request


async def facts(a: Aftersales) -> OrderFacts:
    return (await a.commands.facts.repo.load("o-1", refresh=True)).state


async def test_a_refund_for_an_order_never_paid_is_refused_sm_ord() -> None:
    # given an order after-sales knows was placed, but never paid
    a = Aftersales()
    await a.facts(PLACED)
    # when its buyer asks for a refund
    with pytest.raises(RuleViolated) as refused:
        await a.when(request(received=False, reason="changed_mind"))
    # then it is refused naming the rule, and no case is opened
    assert refused.value.rule == "SM-ORD"
    assert "no payment of order" in refused.value.message
    assert a.types() == []


async def test_the_payment_is_noted_once_on_the_order_facts_as_3() -> None:
    a = Aftersales()
    await a.facts(PLACED)
    await a.react(PAID, "paid-1")
    await a.react(PAID, "paid-2")
    noted = [e.envelope.event_type for e in a.store.all_events if e.envelope.aggregate_type == "OrderFacts"]
    assert noted.count("PaymentNoted") == 1
    assert (await facts(a)).paid == AMOUNT


async def test_a_payment_noted_before_the_placement_still_counts_as_3() -> None:
    # the payment has its own consumer, so it may arrive first
    a = Aftersales()
    await a.facts(PAID, PLACED)
    await a.when(request(received=False, reason="changed_mind"))
    assert a.types() == ["RefundRequested"]


async def test_no_refund_is_ever_booked_on_an_unpaid_order_as_9() -> None:
    # the ledger guard holds even when a case reached IssueRefund by another way
    with pytest.raises(RuleViolated) as refused:
        book_refund(OrderFacts(order_id="o-1", known=True, amount=AMOUNT), "case-1", AMOUNT, NOW)
    assert refused.value.rule == "SM-ORD"


async def test_a_refund_is_limited_to_what_was_paid_ord_16() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.given(request(received=False, reason="changed_mind"), cmd(c.ApproveRefundRequest))
    await a.when(cmd(c.IssueRefund, platform_ref="tb-1"))
    assert (await facts(a)).remaining == 0
