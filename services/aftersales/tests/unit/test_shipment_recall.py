"""A whole-order refund without return and the recall of the order's shipment (SM-RET, SM-SHIP,
AS-3, AS-4, AS-8): after-sales notes the recall, the cancellation and the decline on the order's
facts; IssueRefund waits while the recall is open and goes once the shipment is cancelled; a
declined recall turns the case to the return path, or, refunded already, records
GoodsShippedAfterRefund for the supervisor."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.refunds.adapters.views import changes
from aftersales.refunds.domain.facts import ORDER_FACTS
from aftersales.refunds.domain.status import RefundCaseStatus as S
from jetstream_es.errors import RuleViolated
from shop_contracts.commands import aftersales as c
from shop_contracts.events.aftersales import RefundIssued
from shop_contracts.events.fulfilment import (
    ShipmentCancelled,
    ShipmentRecallDeclined,
    ShipmentRecallRequested,
)
from shop_contracts.events.refund_case import GoodsShippedAfterRefund, RefundCaseTurnedToReturn

from .helpers import BUYER, NOW, PAID, PLACED, STAMPED, Aftersales, cmd, request

APPROVE = cmd(c.ApproveRefundRequest)
REFUND = cmd(c.IssueRefund, platform_ref="TB-REF-1")
RECALL = ShipmentRecallRequested(
    shipment_id="s-1",
    order_id="o-1",
    reason="refund",
    case_id="case-1",
    held_in="Dispatched",
    reported_to=("warehouse_keeper",),
    requested_at=NOW - timedelta(minutes=5),
)
DECLINED = ShipmentRecallDeclined(
    shipment_id="s-1",
    order_id="o-1",
    keeper="wk-1",
    reason="handed to the courier at 15:10",
    recall_reason="refund",
    case_id="case-1",
    reported_to=("ops_director",),
    declined_at=NOW,
)
CANCELLED = ShipmentCancelled(shipment_id="s-1", order_id="o-1", reason="refund", cancelled_at=NOW)


async def approved_not_received(**fields: object) -> Aftersales:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.given(request(received=False, reason="changed_mind", **fields), APPROVE)
    assert (await a.state()).status is S.APPROVED_NO_RETURN
    return a


async def test_the_recall_and_its_decline_are_noted_on_the_order_facts() -> None:
    """SM-SHIP → SM-RET: after-sales learns the shipment's fate from fulfilment's events."""
    a = await approved_not_received()
    await a.facts(RECALL)
    facts = await a.app.state(ORDER_FACTS, "o-1")
    assert facts.recall_open
    assert facts.recall_case_id == "case-1"
    await a.facts(DECLINED)
    facts = await a.app.state(ORDER_FACTS, "o-1")
    assert not facts.recall_open
    assert facts.recall_declined


async def test_a_refund_without_return_is_refused_while_the_recall_is_open() -> None:
    """SM-RET, AS-3: the goods may still reach the buyer; nothing is booked or issued."""
    a = await approved_not_received()
    await a.facts(RECALL)
    with pytest.raises(RuleViolated) as refused:
        await a.when(REFUND)
    assert refused.value.rule == "SM-RET"
    assert "recall" in str(refused.value)
    assert "open" in str(refused.value)
    assert "AS-3" in str(refused.value)
    assert not any(isinstance(e, RefundIssued) for e in a.events())
    assert (await a.app.state(ORDER_FACTS, "o-1")).refunded == 0


async def test_once_the_shipment_is_cancelled_the_refund_is_issued() -> None:
    """SM-SHIP: the keeper confirmed the recall (ShipmentCancelled): SM-RET Approved_NoReturn → Refunded."""
    a = await approved_not_received()
    await a.facts(RECALL, CANCELLED)
    await a.when(REFUND)
    assert (await a.state()).status is S.REFUNDED


async def test_a_declined_recall_turns_the_case_to_the_return_path() -> None:
    """SM-SHIP decline → SM-RET AwaitingReturnShipment (AS-4): the buyer will receive the goods and
    sends them back; the refund waits for the confirmed receipt (AS-8)."""
    a = await approved_not_received()
    await a.facts(RECALL, DECLINED)
    turned = [e for e in a.events() if isinstance(e, RefundCaseTurnedToReturn)]
    assert len(turned) == 1
    assert turned[0].cause == "recall_declined"
    assert turned[0].shipment_id == "s-1"
    assert turned[0].reason == "handed to the courier at 15:10"
    state = await a.state()
    assert state.status is S.AWAITING_RETURN_SHIPMENT
    assert state.goods_received
    with pytest.raises(RuleViolated) as refused:
        await a.when(REFUND)
    assert refused.value.rule == "SM-RET"
    await a.when(cmd(c.RecordReturnDispatch, BUYER, waybill_no="RB-1"))
    assert (await a.state()).status is S.RETURN_IN_TRANSIT


async def test_a_redelivered_decline_turns_the_case_once() -> None:
    """SM-RET: the reaction's events derive from the causing event."""
    a = await approved_not_received()
    await a.facts(RECALL)
    await a.react(DECLINED, "decline-1")
    before = a.types()
    await a.react(DECLINED, "decline-1")
    await a.react(STAMPED, "stamp-1")
    assert a.types() == before
    assert before.count(RefundCaseTurnedToReturn.event_type) == 1


async def test_a_refund_issued_before_the_recall_is_recorded_when_the_goods_ship() -> None:
    """SM-RET, SM-SHIP (race): refunded before the recall opened, then the recall is declined: the
    buyer has money and goods; the case records GoodsShippedAfterRefund for the supervisor and
    the case view shows it."""
    a = await approved_not_received()
    await a.when(REFUND)
    await a.facts(RECALL, DECLINED)
    shipped = [e for e in a.events() if isinstance(e, GoodsShippedAfterRefund)]
    assert len(shipped) == 1
    assert shipped[0].reported_to == ("dept_supervisor",)
    assert shipped[0].shipment_id == "s-1"
    state = await a.state()
    assert state.status is S.REFUNDED
    assert state.goods_shipped_after_refund
    assert changes(shipped[0]) == {"goods_shipped_after_refund_at": shipped[0].noted_at}


async def test_a_partial_refund_without_return_is_not_held_by_a_recall() -> None:
    """SM-RET, AS-3: a partial refund leaves its goods to ship by design; a recall does not hold it
    and its decline leaves the case as it is."""
    a = await approved_not_received(amount="100.00")
    await a.facts(RECALL)
    await a.when(REFUND)
    await a.facts(DECLINED)
    assert (await a.state()).status is S.REFUNDED
    assert GoodsShippedAfterRefund.event_type not in a.types()
