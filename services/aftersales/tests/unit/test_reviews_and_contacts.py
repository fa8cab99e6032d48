"""Negative reviews tracked to a reply with the Wangwang lookup noted (AS-16), the consultation log
routed to a department (AS-17) and return visits with the satisfaction rating against the
5-point target (AS-21, AS-14)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aftersales.customers.domain.contacts import CUSTOMER_CONTACT, REVIEW
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.errors import Forbidden, NotFound, RuleViolated
from shop_contracts.commands import aftersales as c
from shop_contracts.events.aftersales import ConsultationLogged, ReviewReplied, RevisitRecorded

from .customer_helpers import BUYER, CS, PRESALES, Customers, cmd

REVIEW_CMD = cmd(
    c.RecordNegativeReview, CS, review_id="rv-1", customer_id="buyer-9", rating=1, excerpt="broken"
)
REPLY = cmd(
    c.ReplyToReview, CS, review_id="rv-1", wangwang_id="ww-buyer9", facts_checked="box crushed", reply="sorry"
)


def consult(routed_to: str = "warehouse", actor: object = PRESALES) -> c.LogConsultation:
    result: c.LogConsultation = cmd(
        c.LogConsultation,
        actor,
        consultation_id="cn-1",
        customer_id="buyer-9",
        topic="size?",
        routed_to=routed_to,
    )
    return result


def revisit(satisfaction: int | None) -> c.RecordRevisit:
    result: c.RecordRevisit = cmd(
        c.RecordRevisit,
        CS,
        revisit_id="rvs-1",
        customer_id="buyer-9",
        note="called",
        satisfaction=satisfaction,
    )
    return result


async def test_a_negative_review_is_tracked_to_a_reply_with_the_wangwang_lookup_as_16() -> None:
    k = Customers()
    await k.given(REVIEW_CMD)
    await k.when(REPLY)
    assert k.types("rv-1", REVIEW) == ["NegativeReviewRecorded", "ReviewReplied"]
    reply = k.events("rv-1", REVIEW)[-1]
    assert isinstance(reply, ReviewReplied)
    assert (reply.wangwang_id, reply.customer_id, reply.facts_checked) == (
        "ww-buyer9",
        "buyer-9",
        "box crushed",
    )


async def test_a_review_gets_one_reply_as_16() -> None:
    k = Customers()
    await k.given(REVIEW_CMD, REPLY)
    with pytest.raises(RuleViolated) as refused:
        await k.when(
            cmd(c.ReplyToReview, CS, "again", review_id="rv-1", wangwang_id="w", facts_checked="f", reply="r")
        )
    assert refused.value.rule == "AS-16"


async def test_a_reply_to_an_unrecorded_review_is_not_found_as_16() -> None:
    with pytest.raises(NotFound):
        await Customers().when(REPLY)


async def test_a_buyer_cannot_record_or_reply_to_reviews_forbidden_as_16() -> None:
    k = Customers()
    with pytest.raises(Forbidden):
        await k.when(
            cmd(c.RecordNegativeReview, BUYER, review_id="rv-1", customer_id="b", rating=1, excerpt="x")
        )


async def test_a_consultation_is_logged_and_routed_to_a_department_as_17() -> None:
    k = Customers()
    await k.when(consult())
    [event] = k.events("cn-1", CUSTOMER_CONTACT)
    assert isinstance(event, ConsultationLogged)
    assert (event.routed_to, event.kind, event.logged_by) == ("warehouse", "consultation", "ps-1")


async def test_a_consultation_to_an_unknown_department_is_refused_as_17() -> None:
    with pytest.raises(RuleViolated) as refused:
        await Customers().when(consult("moon"))
    assert refused.value.rule == "AS-17"


async def test_the_departments_are_a_setting_as_17() -> None:
    k = Customers(AftersalesPolicy(consultation_departments=frozenset({"moon"})))
    await k.when(consult("moon"))
    assert k.types("cn-1", CUSTOMER_CONTACT) == ["ConsultationLogged"]


async def test_a_consultation_is_logged_once_and_only_by_customer_service_as_17() -> None:
    k = Customers()
    await k.given(consult())
    with pytest.raises(RuleViolated):
        await k.when(
            cmd(
                c.LogConsultation,
                CS,
                "other",
                consultation_id="cn-1",
                customer_id="b",
                topic="t",
                routed_to="orders",
            )
        )
    with pytest.raises(Forbidden):
        await k.when(consult(actor=BUYER))


@pytest.mark.parametrize(("rating", "meets"), [(5, True), (4, False), (None, None)])
async def test_a_revisit_records_the_rating_against_the_5_point_target_as_21_as_14(
    rating: int | None, meets: bool | None
) -> None:
    k = Customers()
    await k.when(revisit(rating))
    [event] = k.events("rvs-1", CUSTOMER_CONTACT)
    assert isinstance(event, RevisitRecorded)
    assert (event.satisfaction, event.meets_target) == (rating, meets)


async def test_a_rating_outside_1_to_5_is_refused_by_the_contract_as_21() -> None:
    with pytest.raises(ValidationError, match="satisfaction"):
        revisit(6)


async def test_a_buyer_cannot_record_a_revisit_forbidden_as_21() -> None:
    with pytest.raises(Forbidden) as refused:
        await Customers().when(cmd(c.RecordRevisit, BUYER, revisit_id="r", customer_id="b", note="n"))
    assert refused.value.rule == "AS-21"
