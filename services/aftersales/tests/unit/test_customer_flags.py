"""The inferior-customer flag (SM-CUST-FLAG, AS-18): customer service proposes, the
customer-service supervisor confirms and records it or dismisses it; two steps by two people."""

from __future__ import annotations

import pytest

from aftersales.customers.domain.flags import CUSTOMER_FLAG
from jetstream_es.errors import Forbidden, NotFound, RuleViolated
from shop_contracts.commands import aftersales as c
from shop_contracts.envelope import Actor
from shop_contracts.events.aftersales import CustomerFlagConfirmed, CustomerFlagProposed, CustomerFlagRejected

from .customer_helpers import BUYER, CS, CS_SUPERVISOR, NOW, PRESALES, Customers, cmd

FLAG = cmd(c.FlagCustomer, CS, customer_id="buyer-9", reason="three bad-faith returns")
CONFIRM = cmd(c.ConfirmCustomerFlag, CS_SUPERVISOR, customer_id="buyer-9", note="recorded")
REJECT = cmd(c.RejectCustomerFlag, CS_SUPERVISOR, customer_id="buyer-9", note="honest mistakes")


def types(k: Customers) -> list[str]:
    return k.types("buyer-9", CUSTOMER_FLAG)


async def proposed() -> Customers:
    k = Customers()
    await k.given(FLAG)
    return k


@pytest.mark.parametrize("actor", [CS, PRESALES])
async def test_customer_service_proposes_a_flag_as_18(actor: Actor) -> None:
    k = Customers()
    await k.when(cmd(c.FlagCustomer, actor, customer_id="buyer-9", reason="abuse"))
    [event] = k.events("buyer-9", CUSTOMER_FLAG)
    assert isinstance(event, CustomerFlagProposed)
    assert (event.proposed_by, event.proposed_at) == (actor.id, NOW)


@pytest.mark.parametrize("actor", [BUYER, CS_SUPERVISOR])
async def test_only_customer_service_proposes_forbidden_as_18(actor: Actor) -> None:
    with pytest.raises(Forbidden) as refused:
        await Customers().when(cmd(c.FlagCustomer, actor, customer_id="buyer-9", reason="x"))
    assert refused.value.rule == "AS-18"


async def test_the_supervisor_confirms_and_records_the_flag_as_18() -> None:
    k = await proposed()
    await k.when(CONFIRM)
    event = k.events("buyer-9", CUSTOMER_FLAG)[-1]
    assert isinstance(event, CustomerFlagConfirmed)
    assert (event.confirmed_by, event.proposed_by, event.reason) == (
        "cs-sup-1",
        "as-1",
        "three bad-faith returns",
    )


async def test_flag_confirm_by_a_non_supervisor_is_forbidden_as_18() -> None:
    k = await proposed()
    with pytest.raises(Forbidden) as refused:
        await k.when(cmd(c.ConfirmCustomerFlag, CS, customer_id="buyer-9"))
    assert refused.value.rule == "AS-18"
    with pytest.raises(Forbidden):
        await k.when(cmd(c.RejectCustomerFlag, PRESALES, customer_id="buyer-9", note="no"))


async def test_a_double_confirm_is_refused_sm_cust_flag() -> None:
    k = await proposed()
    await k.given(CONFIRM)
    with pytest.raises(RuleViolated) as refused:
        await k.when(cmd(c.ConfirmCustomerFlag, CS_SUPERVISOR, "again", customer_id="buyer-9"))
    assert refused.value.rule == "SM-CUST-FLAG"


async def test_the_same_confirm_sent_twice_is_one_confirmation() -> None:
    k = await proposed()
    await k.given(CONFIRM)
    assert (await k.when(CONFIRM)).repeated
    assert types(k).count("CustomerFlagConfirmed") == 1


async def test_the_supervisor_dismisses_a_flag_as_18() -> None:
    k = await proposed()
    await k.when(REJECT)
    assert isinstance(k.events("buyer-9", CUSTOMER_FLAG)[-1], CustomerFlagRejected)
    with pytest.raises(RuleViolated):
        await k.when(CONFIRM)


async def test_a_dismissed_flag_can_be_proposed_again_sm_cust_flag() -> None:
    k = await proposed()
    await k.given(REJECT)
    await k.when(cmd(c.FlagCustomer, CS, "again", customer_id="buyer-9", reason="new evidence"))
    assert types(k) == ["CustomerFlagProposed", "CustomerFlagRejected", "CustomerFlagProposed"]


@pytest.mark.parametrize("confirmed", [False, True])
async def test_a_pending_or_confirmed_flag_is_not_proposed_again_sm_cust_flag(confirmed: bool) -> None:
    k = await proposed()
    if confirmed:
        await k.given(CONFIRM)
    with pytest.raises(RuleViolated):
        await k.when(cmd(c.FlagCustomer, PRESALES, customer_id="buyer-9", reason="again"))


async def test_a_supervisor_cannot_confirm_their_own_proposal_as_18() -> None:
    both = Actor(id="cs-sup-2", roles=("aftersales_cs", "cs_supervisor"))
    k = Customers()
    await k.given(cmd(c.FlagCustomer, both, customer_id="buyer-9", reason="abuse"))
    with pytest.raises(RuleViolated) as refused:
        await k.when(cmd(c.ConfirmCustomerFlag, both, customer_id="buyer-9"))
    assert refused.value.rule == "AS-18"


async def test_confirming_a_flag_never_proposed_is_not_found() -> None:
    with pytest.raises(NotFound):
        await Customers().when(CONFIRM)
