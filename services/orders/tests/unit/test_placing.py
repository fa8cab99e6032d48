"""Placing, paying, remarking, viewing, contacting, confirming and handing over (SM-ORD;
ORD-1, ORD-2, ORD-3, ORD-5, ORD-7, ORD-8, ORD-10, ORD-12, ORD-13, ORD-14), given / when / then."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from jetstream_es.errors import Forbidden, NotFound, RuleViolated
from orders.domain.policy import OrderPolicy
from orders.domain.status import OrderStatus
from shop_contracts.commands import orders as c
from shop_contracts.events.order_progress import CustomerContacted, OrderHandedOver, OrderViewed
from shop_contracts.events.orders import OrderPaid, OrderPlaced

from .helpers import (
    AFTERSALES,
    AMOUNT,
    BACKOFFICE,
    NOW,
    PLATFORM,
    SALES,
    Orders,
    confirm,
    contact,
    hand_over,
    pay,
    place,
    view,
)


@pytest.fixture
def orders() -> Orders:
    return Orders()


async def test_placing_an_order_records_its_lines_amount_and_sales_owner_once_ord_13(orders: Orders) -> None:
    await orders.when(place())
    [placed] = orders.events()
    assert isinstance(placed, OrderPlaced)
    assert (placed.amount, placed.sales_owner, placed.placed_at) == (AMOUNT, "sales-1", NOW)


async def test_only_the_platform_places_orders(orders: Orders) -> None:
    with pytest.raises(Forbidden) as refused:
        await orders.when(place(actor=SALES))
    assert refused.value.rule == "SM-ORD"
    assert orders.events() == []


async def test_the_same_place_command_twice_appends_one_event(orders: Orders) -> None:
    first = await orders.when(place())
    again = await orders.when(place())
    assert again.repeated
    assert again.event_ids == first.event_ids
    assert orders.types() == ["OrderPlaced"]


async def test_placing_an_existing_order_again_with_other_details_is_a_recorded_amendment_ord_5(
    orders: Orders,
) -> None:
    await orders.given(place())
    with pytest.raises(RuleViolated) as refused:
        await orders.when(place(command_id="place-2", buyer_id="someone-else"))
    assert refused.value.rule == "ORD-5"
    assert orders.types() == ["OrderPlaced", "OrderAmendmentRejected"]


async def test_placing_an_existing_order_with_another_sales_owner_violates_ord_13(orders: Orders) -> None:
    await orders.given(place())
    with pytest.raises(RuleViolated) as refused:
        await orders.when(place(command_id="place-2", sales_owner="sales-2"))
    assert refused.value.rule == "ORD-13"
    assert (await orders.state()).sales_owner == "sales-1"


async def test_placing_the_same_order_again_under_a_new_command_id_is_refused_without_a_record(
    orders: Orders,
) -> None:
    await orders.given(place())
    with pytest.raises(RuleViolated, match="binding"):
        await orders.when(place(command_id="place-2"))
    assert orders.types() == ["OrderPlaced"]


async def test_a_payment_to_a_company_account_records_order_paid_ord_12(orders: Orders) -> None:
    await orders.given(place())
    await orders.when(pay())
    paid = orders.events()[-1]
    assert isinstance(paid, OrderPaid)
    assert (paid.payee_account, (await orders.state()).status) == ("CN-ICBC-0001", OrderStatus.PAID)


async def test_a_payment_to_a_non_company_account_is_refused_and_records_nothing_ord_12(
    orders: Orders,
) -> None:
    await orders.given(place())
    with pytest.raises(RuleViolated) as refused:
        await orders.when(pay(payee_account="PRIVATE-123"))
    assert refused.value.rule == "ORD-12"
    assert orders.types() == ["OrderPlaced"]


async def test_with_no_company_accounts_configured_every_payment_is_refused_ord_12() -> None:
    orders = Orders(OrderPolicy())
    await orders.given(place())
    with pytest.raises(RuleViolated, match="not a company account"):
        await orders.when(pay())


async def test_a_payment_of_another_amount_is_refused_ord_14(orders: Orders) -> None:
    await orders.given(place())
    with pytest.raises(RuleViolated) as refused:
        await orders.when(pay(amount=Decimal("1.00")))
    assert refused.value.rule == "ORD-14"


async def test_paying_twice_is_refused(orders: Orders) -> None:
    await orders.given(place(), pay())
    with pytest.raises(RuleViolated, match="paid already"):
        await orders.when(pay(command_id="pay-2"))


async def test_paying_an_unknown_order_is_not_found(orders: Orders) -> None:
    with pytest.raises(NotFound):
        await orders.when(pay(order_id="nope"))


async def test_sales_staff_record_the_buyer_remark_after_payment_ord_8(orders: Orders) -> None:
    await orders.given(place(), pay())
    remark = c.RecordBuyerRemark(
        command_id="r1", actor=SALES, order_id="o-1", logistics_method="SF Express", requirements="call first"
    )
    await orders.when(remark)
    assert orders.types()[-1] == "BuyerRemarkRecorded"
    assert (await orders.state()).remark == "SF Express"


async def test_a_remark_before_payment_is_refused_ord_8(orders: Orders) -> None:
    await orders.given(place())
    remark = c.RecordBuyerRemark(command_id="r1", actor=SALES, order_id="o-1", logistics_method="SF")
    with pytest.raises(RuleViolated) as refused:
        await orders.when(remark)
    assert refused.value.rule == "ORD-8"


async def test_only_sales_staff_record_remarks_ord_8(orders: Orders) -> None:
    await orders.given(place(), pay())
    remark = c.RecordBuyerRemark(command_id="r1", actor=BACKOFFICE, order_id="o-1", logistics_method="SF")
    with pytest.raises(Forbidden) as refused:
        await orders.when(remark)
    assert refused.value.rule == "ORD-8"


async def test_viewing_an_order_records_the_lag_since_placement_ord_1(orders: Orders) -> None:
    await orders.given(place())
    orders.clock.advance(timedelta(minutes=7))
    await orders.when(view())
    viewed = orders.events()[-1]
    assert isinstance(viewed, OrderViewed)
    assert (viewed.staff_id, viewed.lag_min) == ("bo-1", 7)


async def test_only_back_office_staff_mark_orders_viewed_ord_1(orders: Orders) -> None:
    await orders.given(place())
    with pytest.raises(Forbidden) as refused:
        await orders.when(view(actor=SALES))
    assert refused.value.rule == "ORD-1"


async def test_contacting_the_customer_records_minutes_since_acceptance_ord_2(orders: Orders) -> None:
    await orders.given(place())
    orders.clock.advance(timedelta(minutes=4))
    await orders.when(contact())
    contacted = orders.events()[-1]
    assert isinstance(contacted, CustomerContacted)
    assert (contacted.minutes_since_accept, contacted.details_verified) == (4, True)
    assert (await orders.state()).status is OrderStatus.CONTACTED


async def test_only_back_office_staff_record_customer_contact_ord_2(orders: Orders) -> None:
    await orders.given(place())
    wrong = c.RecordCustomerContact(command_id="x", actor=AFTERSALES, order_id="o-1", details_verified=True)
    with pytest.raises(Forbidden) as refused:
        await orders.when(wrong)
    assert refused.value.rule == "ORD-2"


async def test_a_paid_contacted_verified_order_is_confirmed_ord_7(orders: Orders) -> None:
    await orders.given(place(), pay(), contact())
    await orders.when(confirm())
    assert orders.types()[-1] == "OrderConfirmed"
    assert (await orders.state()).status is OrderStatus.CONFIRMED


async def test_payment_after_contact_also_allows_confirmation(orders: Orders) -> None:
    await orders.given(place(), contact(), pay())
    assert (await orders.state()).status is OrderStatus.CONTACTED
    await orders.when(confirm())
    assert orders.types()[-1] == "OrderConfirmed"


async def test_an_unpaid_order_cannot_be_confirmed(orders: Orders) -> None:
    await orders.given(place(), contact())
    with pytest.raises(RuleViolated, match="needs payment"):
        await orders.when(confirm())


async def test_an_order_without_customer_contact_cannot_be_confirmed_ord_2(orders: Orders) -> None:
    await orders.given(place(), pay())
    with pytest.raises(RuleViolated, match="customer contact"):
        await orders.when(confirm())


async def test_unverified_details_block_confirmation_ord_7(orders: Orders) -> None:
    await orders.given(place(), pay(), contact(verified=False))
    with pytest.raises(RuleViolated) as refused:
        await orders.when(confirm())
    assert refused.value.rule == "ORD-7"


async def test_a_later_verified_contact_allows_confirmation_ord_7(orders: Orders) -> None:
    await orders.given(place(), pay(), contact(verified=False), contact(command_id="contact-2"))
    await orders.when(confirm())
    assert orders.types()[-1] == "OrderConfirmed"


async def test_only_back_office_staff_confirm_ord_7(orders: Orders) -> None:
    await orders.given(place(), pay(), contact())
    with pytest.raises(Forbidden):
        await orders.when(confirm(actor=SALES))


async def test_a_second_confirmation_is_refused(orders: Orders) -> None:
    await orders.given(place(), pay(), contact(), confirm())
    with pytest.raises(RuleViolated, match="not awaiting confirmation"):
        await orders.when(confirm(command_id="confirm-2"))


async def test_a_confirmed_order_is_handed_over_with_the_hours_taken_ord_3(orders: Orders) -> None:
    await orders.given(place(), pay(), contact(), confirm())
    orders.clock.advance(timedelta(hours=5, minutes=30))
    await orders.when(hand_over())
    handed = orders.events()[-1]
    assert isinstance(handed, OrderHandedOver)
    assert (handed.to_staff_id, handed.hours) == ("ops-3", Decimal("5.50"))
    assert (await orders.state()).status is OrderStatus.HANDED_OVER


async def test_an_unconfirmed_order_cannot_be_handed_over_ord_3(orders: Orders) -> None:
    await orders.given(place(), pay())
    with pytest.raises(RuleViolated) as refused:
        await orders.when(hand_over())
    assert refused.value.rule == "ORD-3"


async def test_after_sales_notify_an_out_of_stock_line_ord_10(orders: Orders) -> None:
    await orders.given(place())
    await orders.when(c.NotifyOutOfStock(command_id="oos", actor=AFTERSALES, order_id="o-1", sku="CABLE"))
    assert orders.types()[-1] == "OrderOutOfStockNotified"


async def test_out_of_stock_for_a_sku_not_on_the_order_is_refused_ord_10(orders: Orders) -> None:
    await orders.given(place())
    with pytest.raises(RuleViolated) as refused:
        await orders.when(c.NotifyOutOfStock(command_id="oos", actor=AFTERSALES, order_id="o-1", sku="PHONE"))
    assert refused.value.rule == "ORD-10"


async def test_only_after_sales_notify_out_of_stock_ord_10(orders: Orders) -> None:
    await orders.given(place())
    with pytest.raises(Forbidden):
        await orders.when(c.NotifyOutOfStock(command_id="oos", actor=PLATFORM, order_id="o-1", sku="CABLE"))
