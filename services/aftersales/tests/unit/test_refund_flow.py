"""A refund case after the request (SM-RET): approval in both branches (AS-2, AS-3, AS-4),
rejection and negotiation outcomes (AS-5), the return leg with note, inspection and receipt
(AS-6, AS-7), the refund by the supervisor into the ledger (AS-8, AS-9), never twice and never
above the order amount (ORD-16), and withdrawal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.refunds.domain.facts import OrderFacts, book_refund
from aftersales.refunds.domain.status import RefundCaseStatus as S
from jetstream_es.errors import Forbidden, RuleViolated
from shop_contracts.commands import aftersales as c
from shop_contracts.events.aftersales import RefundCaseClosed, RefundIssued, RefundRequested
from shop_contracts.events.refund_case import RefundRequestApproved

from .helpers import (
    AMOUNT,
    BUYER,
    CLERK,
    CS,
    DELIVERED,
    NOW,
    PAID,
    PARCEL,
    PLACED,
    STAMPED,
    SUPERVISOR,
    Aftersales,
    cmd,
    request,
)

APPROVE = cmd(c.ApproveRefundRequest)
REJECT = cmd(c.RejectRefundRequest, reason="used goods")
DISPATCH = cmd(c.RecordReturnDispatch, BUYER, waybill_no="RB-1")
NOTE = cmd(c.IssueReturnNote, CLERK, return_reason="screen flickers")
PASS = cmd(c.InspectReturn, CS, goods_match=True, accessories_present=("remote", "cable"))
CONFIRM = cmd(c.ConfirmReturnReceipt, CS)
REFUND = cmd(c.IssueRefund, platform_ref="TB-REF-1")


def conclude(outcome: str, command_id: str | None = None) -> c.ConcludeNegotiation:
    result: c.ConcludeNegotiation = cmd(c.ConcludeNegotiation, CS, command_id, outcome=outcome)
    return result


async def not_received() -> Aftersales:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.given(request(received=False, reason="changed_mind"))
    return a


async def received() -> Aftersales:
    a = Aftersales()
    await a.facts(PLACED, PAID, STAMPED, DELIVERED)
    await a.given(request())
    return a


async def returned() -> Aftersales:
    a = await received()
    await a.given(APPROVE, DISPATCH)
    await a.react(PARCEL, "parcel-1")
    return a


async def test_approval_without_the_goods_allows_the_refund_as_3() -> None:
    a = await not_received()
    await a.when(APPROVE)
    approved = a.events()[-1]
    assert isinstance(approved, RefundRequestApproved)
    assert approved.return_required is False
    assert (await a.state()).status is S.APPROVED_NO_RETURN


async def test_approval_with_the_goods_waits_for_them_to_come_back_as_4() -> None:
    a = await received()
    await a.when(APPROVE)
    approved = a.events()[-1]
    assert isinstance(approved, RefundRequestApproved)
    assert approved.return_required is True
    assert (await a.state()).status is S.AWAITING_RETURN_SHIPMENT


@pytest.mark.parametrize("actor", [CS, BUYER, CLERK])
async def test_only_the_department_supervisor_approves_as_2(actor: object) -> None:
    a = await received()
    with pytest.raises(Forbidden) as err:
        await a.when(cmd(c.ApproveRefundRequest, actor))
    assert err.value.rule == "AS-2"


async def test_only_the_department_supervisor_rejects_as_2() -> None:
    a = await received()
    with pytest.raises(Forbidden):
        await a.when(cmd(c.RejectRefundRequest, CS, reason="no"))


async def test_a_rejection_opens_negotiation_as_5() -> None:
    a = await received()
    await a.when(REJECT)
    assert a.types()[-2:] == ["RefundRequestRejected", "NegotiationOpened"]
    assert (await a.state()).status is S.NEGOTIATION


async def test_a_resubmitted_case_goes_back_to_the_supervisor_as_5() -> None:
    a = await received()
    await a.given(REJECT)
    await a.when(conclude("resubmitted"))
    assert (await a.state()).status is S.AWAITING_DECISION
    await a.when(cmd(c.ApproveRefundRequest, command_id="approve-2"))
    assert (await a.state()).status is S.AWAITING_RETURN_SHIPMENT


@pytest.mark.parametrize(("outcome", "status"), [("withdrawn", S.WITHDRAWN), ("rejected", S.CLOSED_REJECTED)])
async def test_a_negotiation_ending_without_refund_closes_the_case_as_5(outcome: str, status: S) -> None:
    a = await received()
    await a.given(REJECT)
    await a.when(conclude(outcome))
    closed = a.events()[-1]
    assert isinstance(closed, RefundCaseClosed)
    assert closed.outcome == outcome
    assert (await a.state()).status is status


async def test_only_customer_service_concludes_a_negotiation_as_5() -> None:
    a = await received()
    await a.given(REJECT)
    with pytest.raises(Forbidden) as err:
        await a.when(cmd(c.ConcludeNegotiation, SUPERVISOR, outcome="rejected"))
    assert err.value.rule == "AS-5"


async def test_no_negotiation_without_a_rejection_sm_ret() -> None:
    a = await received()
    with pytest.raises(RuleViolated) as err:
        await a.when(conclude("rejected"))
    assert err.value.rule == "SM-RET"


async def test_the_returned_goods_go_through_note_inspection_and_receipt_to_the_refund_as_6_to_9() -> None:
    a = await returned()
    assert (await a.state()).status is S.RETURN_ARRIVED
    await a.given(NOTE, PASS, CONFIRM)
    assert (await a.state()).status is S.RECEIPT_CONFIRMED
    await a.when(REFUND)
    refund = a.events()[-1]
    assert isinstance(refund, RefundIssued)
    assert (refund.amount, refund.issued_by, refund.platform_ref) == (AMOUNT, "sup-1", "TB-REF-1")
    assert a.types() == [
        "RefundRequested",
        "RefundRequestApproved",
        "ReturnShippedByBuyer",
        "ReturnParcelArrived",
        "ReturnNoteIssued",
        "ReturnInspectionPassed",
        "ReturnReceiptStamped",
        "ReturnReceiptConfirmed",
        "RefundIssued",
    ]


async def test_only_the_order_clerk_issues_the_return_note_as_6() -> None:
    a = await returned()
    with pytest.raises(Forbidden) as err:
        await a.when(cmd(c.IssueReturnNote, CS, return_reason="x"))
    assert err.value.rule == "AS-6"


async def test_a_return_note_needs_a_reason_as_6() -> None:
    a = await returned()
    with pytest.raises(RuleViolated) as err:
        await a.when(cmd(c.IssueReturnNote, CLERK, return_reason="   "))
    assert err.value.rule == "AS-6"


async def test_no_return_note_before_the_parcel_arrived_sm_ret() -> None:
    a = await received()
    await a.given(APPROVE, DISPATCH)
    with pytest.raises(RuleViolated):
        await a.when(NOTE)


async def test_only_after_sales_inspects_as_7() -> None:
    a = await returned()
    await a.given(NOTE)
    with pytest.raises(Forbidden) as err:
        await a.when(cmd(c.InspectReturn, SUPERVISOR, goods_match=True))
    assert err.value.rule == "AS-7"


@pytest.mark.parametrize(
    "fields",
    [
        {"goods_match": True, "missing_accessories": ("remote",)},
        {"goods_match": False},
        {"goods_match": True, "damaged": True},
    ],
)
async def test_a_failed_inspection_goes_to_negotiation_as_7(fields: dict[str, object]) -> None:
    a = await returned()
    await a.given(NOTE)
    await a.when(cmd(c.InspectReturn, CS, **fields))
    assert a.types()[-2:] == ["ReturnInspectionFailed", "NegotiationOpened"]
    assert (await a.state()).status is S.NEGOTIATION


async def test_after_a_failed_inspection_resubmission_goes_back_to_inspection_as_7() -> None:
    a = await returned()
    await a.given(
        NOTE, cmd(c.InspectReturn, CS, "inspect-1", goods_match=True, missing_accessories=("remote",))
    )
    await a.when(conclude("resubmitted"))
    assert (await a.state()).status is S.RETURN_NOTE_ISSUED
    await a.given(cmd(c.InspectReturn, CS, "inspect-2", goods_match=True), CONFIRM, REFUND)
    assert (await a.state()).status is S.REFUNDED


async def test_a_refund_needs_confirmed_receipt_when_goods_come_back_as_8() -> None:
    a = await returned()
    await a.given(NOTE, PASS)
    with pytest.raises(RuleViolated) as err:
        await a.when(REFUND)
    assert err.value.rule == "SM-RET"


async def test_without_the_goods_the_approved_refund_is_issued_as_3_as_8() -> None:
    a = await not_received()
    await a.given(APPROVE)
    await a.when(REFUND)
    assert (await a.state()).status is S.REFUNDED


async def test_only_the_department_supervisor_issues_the_refund_as_8() -> None:
    a = await not_received()
    await a.given(APPROVE)
    with pytest.raises(Forbidden) as err:
        await a.when(cmd(c.IssueRefund, CS, platform_ref="x"))
    assert err.value.rule == "AS-8"


async def test_a_case_is_never_refunded_twice_sm_ret() -> None:
    a = await not_received()
    await a.given(APPROVE, REFUND)
    with pytest.raises(RuleViolated) as err:
        await a.when(cmd(c.IssueRefund, command_id="refund-again", platform_ref="TB-REF-2"))
    assert err.value.rule == "SM-RET"
    assert a.types().count("RefundIssued") == 1


async def test_the_same_refund_command_sent_again_appends_nothing() -> None:
    a = await not_received()
    await a.given(APPROVE)
    first = await a.when(REFUND)
    again = await a.when(REFUND)
    assert again.repeated
    assert again.event_ids == first.event_ids
    assert a.types().count("RefundIssued") == 1


async def test_open_cases_together_never_ask_for_more_than_was_paid_ord_16() -> None:
    # given a case open for 3000 of the 3020 paid
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.given(request(False, "changed_mind", case_id="case-1", amount=Decimal("3000.00")))
    # when a second case asks for 100 at the same time
    with pytest.raises(RuleViolated) as err:
        await a.when(
            request(False, "changed_mind", case_id="case-2", amount=Decimal("100.00"), command_id="req-2")
        )
    # then it is refused at once, instead of being approved and never payable
    assert err.value.rule == "ORD-16"
    assert "20.00 available" in err.value.message
    assert a.types("case-2") == []


async def test_two_concurrent_cases_within_the_payment_are_both_refunded_ord_16() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.given(
        request(False, "changed_mind", case_id="case-1", amount=Decimal("3000.00")),
        request(False, "changed_mind", case_id="case-2", amount=Decimal("20.00"), command_id="req-2"),
        cmd(c.ApproveRefundRequest, case_id="case-1"),
        cmd(c.ApproveRefundRequest, case_id="case-2", command_id="approve-2"),
        cmd(c.IssueRefund, case_id="case-1", platform_ref="TB-1"),
    )
    await a.when(cmd(c.IssueRefund, case_id="case-2", command_id="refund-2", platform_ref="TB-2"))
    assert a.types("case-2")[-1] == "RefundIssued"


async def test_a_withdrawn_case_frees_what_it_held_ord_16() -> None:
    a = Aftersales()
    await a.facts(PLACED, PAID)
    await a.given(
        request(False, "changed_mind", case_id="case-1"),
        cmd(c.WithdrawRefundRequest, BUYER, case_id="case-1"),
    )
    await a.when(request(False, "changed_mind", case_id="case-2", command_id="req-2"))
    event = a.events("case-2")[-1]
    assert isinstance(event, RefundRequested)
    assert event.amount == AMOUNT


async def test_the_ledger_guard_never_books_above_what_is_left_ord_16() -> None:
    facts = OrderFacts(order_id="o-1", known=True, amount=AMOUNT, paid=AMOUNT, refunded=Decimal("3000.00"))
    with pytest.raises(RuleViolated) as err:
        book_refund(facts, "case-2", Decimal("100.00"), NOW)
    assert err.value.rule == "ORD-16"


async def test_the_buyer_withdraws_an_open_request() -> None:
    a = await received()
    await a.when(cmd(c.WithdrawRefundRequest, BUYER))
    assert a.types()[-2:] == ["RefundRequestWithdrawn", "RefundCaseClosed"]
    assert (await a.state()).status is S.WITHDRAWN


async def test_the_buyer_withdraws_during_negotiation() -> None:
    a = await received()
    await a.given(REJECT)
    await a.when(cmd(c.WithdrawRefundRequest, BUYER))
    assert (await a.state()).status is S.WITHDRAWN


async def test_an_approved_case_can_no_longer_be_withdrawn_sm_ret() -> None:
    a = await not_received()
    await a.given(APPROVE)
    with pytest.raises(RuleViolated) as err:
        await a.when(cmd(c.WithdrawRefundRequest, BUYER))
    assert err.value.rule == "SM-RET"


async def test_only_the_buyer_withdraws() -> None:
    a = await received()
    with pytest.raises(Forbidden):
        await a.when(cmd(c.WithdrawRefundRequest, CS))
