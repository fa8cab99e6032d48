"""Complaints (SM-CMP): registered by customer service with a response due in 24 hours (AS-15,
AS-20, C13), responded to (late ones marked), escalated to the customer-service supervisor
(AS-19) and resolved; the response deadline fires ComplaintResponseOverdue exactly once and not
at all once answered or resolved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.errors import Forbidden, NotFound, RuleViolated
from shop_contracts.commands import aftersales as c
from shop_contracts.events.aftersales import (
    ComplaintEscalated,
    ComplaintRegistered,
    ComplaintResolved,
    ComplaintResponded,
    ComplaintResponseOverdue,
)

from .customer_helpers import BUYER, CS, CS_SUPERVISOR, NOW, PRESALES, SLA, Customers, cmd, register

RESPOND = cmd(c.RespondToComplaint, complaint_id="cmp-1", response="we re-sent it")
ESCALATE = cmd(c.EscalateComplaint, complaint_id="cmp-1", reason="asks for compensation")
RESOLVE = cmd(c.ResolveComplaint, complaint_id="cmp-1", resolution="coupon given")
SUP_RESOLVE = cmd(c.ResolveComplaint, CS_SUPERVISOR, complaint_id="cmp-1", resolution="refund agreed")


async def registered() -> Customers:
    k = Customers()
    await k.given(register())
    return k


@pytest.mark.parametrize("actor", [CS, PRESALES])
async def test_customer_service_registers_a_complaint_due_in_24_hours_as_15_as_20(actor: object) -> None:
    k = Customers()
    await k.when(register(actor))  # type: ignore[arg-type]
    [event] = k.events()
    assert isinstance(event, ComplaintRegistered)
    assert (event.registered_at, event.respond_by) == (NOW, NOW + SLA)


async def test_the_response_window_is_a_setting_c13() -> None:
    k = Customers(AftersalesPolicy(complaint_response_hours=4))
    await k.when(register())
    assert k.events()[0].respond_by == NOW + timedelta(hours=4)  # type: ignore[attr-defined]


async def test_a_buyer_cannot_register_a_complaint_forbidden_as_15() -> None:
    with pytest.raises(Forbidden) as refused:
        await Customers().when(register(BUYER))
    assert refused.value.rule == "AS-15"


async def test_a_complaint_id_is_registered_once_sm_cmp() -> None:
    k = await registered()
    with pytest.raises(RuleViolated):
        await k.when(
            cmd(c.RegisterComplaint, CS, "other", complaint_id="cmp-1", customer_id="b", subject="x")
        )


async def test_a_response_within_24_hours_is_within_the_sla_as_15() -> None:
    k = await registered()
    k.clock.advance(SLA)
    await k.when(RESPOND)
    event = k.events()[-1]
    assert isinstance(event, ComplaintResponded)
    assert event.within_sla


async def test_a_late_response_is_recorded_as_outside_the_sla_as_15() -> None:
    k = await registered()
    k.clock.advance(SLA + timedelta(minutes=1))
    await k.when(RESPOND)
    event = k.events()[-1]
    assert isinstance(event, ComplaintResponded)
    assert not event.within_sla


async def test_responding_twice_is_refused_sm_cmp() -> None:
    k = await registered()
    await k.given(RESPOND)
    with pytest.raises(RuleViolated):
        await k.when(cmd(c.RespondToComplaint, CS, "again", complaint_id="cmp-1", response="again"))


async def test_responding_to_an_unknown_complaint_is_not_found() -> None:
    with pytest.raises(NotFound):
        await Customers().when(RESPOND)


async def test_a_buyer_cannot_respond_forbidden_as_15() -> None:
    k = await registered()
    with pytest.raises(Forbidden):
        await k.when(cmd(c.RespondToComplaint, BUYER, complaint_id="cmp-1", response="x"))


async def test_responded_then_resolved_sm_cmp() -> None:
    k = await registered()
    await k.given(RESPOND)
    await k.when(RESOLVE)
    assert isinstance(k.events()[-1], ComplaintResolved)


async def test_an_unanswered_complaint_cannot_be_resolved_sm_cmp() -> None:
    k = await registered()
    with pytest.raises(RuleViolated) as refused:
        await k.when(RESOLVE)
    assert refused.value.rule == "SM-CMP"


async def test_respond_after_resolve_is_refused_sm_cmp() -> None:
    k = await registered()
    await k.given(RESPOND, RESOLVE)
    with pytest.raises(RuleViolated):
        await k.when(cmd(c.RespondToComplaint, CS, "late", complaint_id="cmp-1", response="x"))
    with pytest.raises(RuleViolated):
        await k.when(cmd(c.ResolveComplaint, CS, "again", complaint_id="cmp-1", resolution="x"))


@pytest.mark.parametrize("answered", [False, True])
async def test_an_agent_escalates_to_the_supervisor_as_19(answered: bool) -> None:
    k = await registered()
    if answered:
        await k.given(RESPOND)
    await k.when(ESCALATE)
    event = k.events()[-1]
    assert isinstance(event, ComplaintEscalated)
    assert event.escalated_to == "cs_supervisor"


async def test_only_customer_service_escalates_forbidden_as_19() -> None:
    k = await registered()
    with pytest.raises(Forbidden) as refused:
        await k.when(cmd(c.EscalateComplaint, CS_SUPERVISOR, complaint_id="cmp-1", reason="x"))
    assert refused.value.rule == "AS-19"


async def test_escalating_twice_is_refused_sm_cmp() -> None:
    k = await registered()
    await k.given(ESCALATE)
    with pytest.raises(RuleViolated):
        await k.when(cmd(c.EscalateComplaint, CS, "again", complaint_id="cmp-1", reason="x"))


async def test_an_escalated_complaint_is_resolved_by_the_supervisor_only_as_19() -> None:
    k = await registered()
    await k.given(ESCALATE)
    with pytest.raises(Forbidden) as refused:
        await k.when(RESOLVE)
    assert refused.value.rule == "AS-19"
    await k.when(SUP_RESOLVE)
    assert isinstance(k.events()[-1], ComplaintResolved)


async def test_the_supervisor_may_answer_an_escalated_complaint_as_19() -> None:
    k = await registered()
    await k.given(ESCALATE)
    await k.when(cmd(c.RespondToComplaint, CS_SUPERVISOR, complaint_id="cmp-1", response="sorry"))
    assert isinstance(k.events()[-1], ComplaintResponded)


async def test_a_missed_deadline_records_overdue_once_as_15() -> None:
    k = await registered()
    k.clock.advance(SLA + timedelta(minutes=5))
    await k.fire()
    await k.fire()
    assert k.types().count("ComplaintResponseOverdue") == 1
    overdue = k.events()[-1]
    assert isinstance(overdue, ComplaintResponseOverdue)
    assert (overdue.due_at, overdue.detected_at, overdue.registered_by) == (NOW + SLA, k.clock.now(), "as-1")


async def test_an_overdue_complaint_can_still_be_answered_late_as_15() -> None:
    k = await registered()
    k.clock.advance(SLA + timedelta(hours=1))
    await k.fire()
    await k.when(RESPOND)
    assert k.types()[-2:] == ["ComplaintResponseOverdue", "ComplaintResponded"]


async def test_a_deadline_fired_early_records_nothing_as_15() -> None:
    k = await registered()
    await k.fire()
    assert k.types() == ["ComplaintRegistered"]


@pytest.mark.parametrize("steps", [(RESPOND,), (RESPOND, RESOLVE), (ESCALATE, SUP_RESOLVE)])
async def test_an_answered_or_resolved_complaint_gets_no_overdue_as_15(steps: tuple[object, ...]) -> None:
    k = await registered()
    await k.given(*steps)  # type: ignore[arg-type]
    k.clock.advance(SLA * 2)
    await k.fire()
    assert "ComplaintResponseOverdue" not in k.types()


async def test_escalation_does_not_stop_the_response_clock_as_15_as_19() -> None:
    k = await registered()
    await k.given(ESCALATE)
    k.clock.advance(SLA * 2)
    await k.fire()
    assert k.types()[-1] == "ComplaintResponseOverdue"
