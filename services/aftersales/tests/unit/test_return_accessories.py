"""AS-7 against FUL-4: a returned parcel's accessories are inspected against the checklist the
warehouse keeper found complete before dispatch (AccessoriesChecked). Whatever was shipped and is
not in the parcel fails the inspection, named; without a checklist from fulfilment the inspector's
own findings decide. Once the catalogue speaks for every SKU of the order, its accessory lists are
what the parcel is inspected against (decision 0011)."""

from __future__ import annotations

from datetime import timedelta

from jetstream_es.testing.catalogue import listed
from shop_contracts.commands import aftersales as c
from shop_contracts.events.catalog import ProductAccessoriesChanged
from shop_contracts.events.fulfilment import AccessoriesChecked
from shop_contracts.events.refund_case import ReturnInspectionFailed, ReturnInspectionPassed
from shop_contracts.messages import EventData

from .helpers import BUYER, CLERK, CS, DELIVERED, NOW, PAID, PARCEL, PLACED, STAMPED, Aftersales, cmd, request

CHECKED = AccessoriesChecked(
    shipment_id="s-1",
    order_id="o-1",
    checklist=("remote", "power cable", "wall mount"),
    keeper="wk-1",
    checked_at=NOW - timedelta(days=4, minutes=30),
)


async def returned(*facts: EventData) -> Aftersales:
    a = Aftersales()
    await a.facts(PLACED, PAID, *facts, STAMPED, DELIVERED)
    await a.given(
        request(),
        cmd(c.ApproveRefundRequest),
        cmd(c.RecordReturnDispatch, BUYER, waybill_no="RB-1"),
    )
    await a.react(PARCEL, "parcel-1")
    await a.given(cmd(c.IssueReturnNote, CLERK, return_reason="quality"))
    return a


async def test_a_parcel_missing_a_shipped_accessory_fails_inspection_naming_it_as_7() -> None:
    a = await returned(CHECKED)

    await a.when(cmd(c.InspectReturn, CS, goods_match=True, accessories_present=("remote", "power cable")))

    failed = a.events()[-2]
    assert isinstance(failed, ReturnInspectionFailed)
    assert failed.missing_accessories == ("wall mount",)
    assert a.types()[-1] == "NegotiationOpened"


async def test_a_parcel_with_everything_shipped_passes_as_7() -> None:
    a = await returned(CHECKED)

    await a.when(
        cmd(
            c.InspectReturn,
            CS,
            goods_match=True,
            accessories_present=("wall mount", "remote", "power cable"),
        )
    )

    passed = a.events()[-2]
    assert isinstance(passed, ReturnInspectionPassed)
    assert a.types()[-1] == "ReturnReceiptStamped"


async def test_without_a_checklist_from_fulfilment_the_inspectors_findings_decide_as_7() -> None:
    a = await returned()

    await a.when(cmd(c.InspectReturn, CS, goods_match=True, accessories_present=("remote",)))

    assert isinstance(a.events()[-2], ReturnInspectionPassed)


async def test_the_checklist_is_noted_once_on_the_order_facts_ful_4() -> None:
    a = Aftersales()
    first = await a.react(CHECKED, "chk-1")
    again = await a.react(CHECKED, "chk-2")
    assert first is not None
    assert again is not None
    assert len(first.event_ids) == 1
    assert again.event_ids == ()
    facts = await a.commands.facts.state("o-1")
    assert facts.shipped_accessories == ("remote", "power cable", "wall mount")


# -- the catalogue's lists (AS-7, decision 0011) ------------------------------------------------------


async def test_the_catalogues_list_of_the_orders_products_is_what_a_parcel_is_inspected_against_as_7() -> (
    None
):
    a = await returned(CHECKED)
    await a.catalogue(listed("TV-55", "2999.00", accessories=("remote", "stand")))

    await a.when(cmd(c.InspectReturn, CS, goods_match=True, accessories_present=("remote",)))

    failed = a.events()[-2]
    assert isinstance(failed, ReturnInspectionFailed)
    assert failed.missing_accessories == ("stand",)  # the catalogue's, not fulfilment's checklist


async def test_a_list_the_catalogue_changed_later_is_the_one_inspected_against_as_7() -> None:
    a = await returned(CHECKED)
    await a.catalogue(
        listed("TV-55", "2999.00", accessories=("remote", "stand")),
        ProductAccessoriesChanged(sku="TV-55", accessories=("remote",), at=NOW),
    )

    await a.when(cmd(c.InspectReturn, CS, goods_match=True, accessories_present=("remote",)))

    assert isinstance(a.events()[-2], ReturnInspectionPassed)


async def test_the_order_facts_keep_the_orders_skus_for_the_inspection_as_7() -> None:
    a = Aftersales()
    await a.facts(PLACED)
    assert (await a.commands.facts.state("o-1")).skus == ("TV-55",)
