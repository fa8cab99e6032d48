"""The shipment's way out (SM-SHIP; FUL-4, FUL-5, FUL-6, FUL-10, FUL-11, FUL-20, FUL-22), its
cancellation from Queued|InPacket and its recall once checked or dispatched (AS-3, SM-SHIP) and the
return parcel (AS-6)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from fulfilment.bootstrap import FulfilmentSettings
from fulfilment.shipping.domain.state import ShipmentStatus as S
from jetstream_es.errors import Forbidden, RuleViolated
from jetstream_es.service.endpoints import validation_reply
from jetstream_es.testing.catalogue import listed
from jetstream_es.testing.read_model import ReadModel
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.commands import fulfilment as c
from shop_contracts.events.fulfilment import (
    AccessoriesChecked,
    AccessoriesMissing,
    CourierExceptionReported,
    OutboundRefused,
    ReturnParcelReceived,
    ShipmentCancelled,
    ShipmentDelivered,
    ShipmentDispatched,
    ShipmentRecallDeclined,
    ShipmentRecallRequested,
    ShipmentResumed,
    ShipmentStamped,
)
from shop_contracts.events.order_progress import OrderCancelled
from shop_contracts.events.refund_case import ReturnShippedByBuyer
from shop_contracts.messages import validate_wire

from .shipping_helpers import (
    AFTER_CUTOFF,
    AFTERSALES,
    CLERK,
    KEEPER,
    CatalogueOnModel,
    Shipping,
    accessories,
    approved,
    check,
    cmd_id,
    confirm_recalled,
    decline_recall,
    dispatch,
    full_packet,
    generate,
    legacy,
    ready_to_dispatch,
    refuse,
    reserve,
    resume,
    retired_define,
    short_of,
    stamp,
)


async def in_packet(h: Shipping) -> None:
    await h.queue_order("o-1")
    await h.catalogue(accessories("TV-55", "remote", "manual"), accessories("CABLE"))
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())


# -- FUL-4: accessories ----------------------------------------------------------------------------


async def test_ful4_all_accessories_present_publishes_the_checklist() -> None:
    h = Shipping()
    await in_packet(h)
    await h.when(check(("manual", "remote", "warranty card")))
    event = h.events()[-1]
    assert isinstance(event, AccessoriesChecked)
    assert event.checklist == ("manual", "remote", "warranty card")
    assert (event.shipment_id, event.order_id, event.keeper) == ("o-1", "o-1", "keeper-1")
    assert (await h.shipment()).status is S.ACCESSORIES_CHECKED


async def test_ful4_missing_accessory_keeps_the_shipment_in_the_packet() -> None:
    h = Shipping()
    await in_packet(h)
    await h.when(check(("manual",)))
    event = h.events()[-1]
    assert isinstance(event, AccessoriesMissing)
    assert event.missing == ("remote",)
    assert (await h.shipment()).status is S.IN_PACKET
    await h.when(check(("manual", "remote")))
    assert (await h.shipment()).status is S.ACCESSORIES_CHECKED


async def test_ful4_check_refused_without_an_accessory_list() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    await h.catalogue(accessories("TV-55", "remote"))
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    with pytest.raises(RuleViolated) as exc:
        await h.when(check(("remote",)))
    assert exc.value.rule == "FUL-4"
    assert "CABLE" in exc.value.message


async def test_ful4_check_needs_the_printed_documents() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    with pytest.raises(RuleViolated) as exc:
        await h.when(check(()))
    assert exc.value.rule == "SM-SHIP"


async def test_ful4_defining_accessories_in_fulfilment_is_refused_pointing_to_the_catalogue() -> None:
    h = Shipping()
    with pytest.raises(RuleViolated) as refused:
        await h.when(retired_define("TV-55", "remote"))
    assert refused.value.rule == "FUL-4"
    assert "catalog.commands.SetAccessories" in refused.value.message
    assert h.events("Product", "TV-55") == []


async def _checked_against(h: Shipping, present: tuple[str, ...]) -> list[object]:
    await h.queue_order("o-1")
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    await h.when(check(present))
    return list(h.then())


async def test_ful4_a_sku_the_catalogue_never_spoke_for_is_checked_against_its_legacy_list() -> None:
    h = Shipping()
    await h.legacy(legacy("TV-55", "remote", "manual"), legacy("CABLE"))
    [missing] = await _checked_against(h, ("remote",))
    assert isinstance(missing, AccessoriesMissing)
    assert missing.missing == ("manual",)


async def test_ful4_once_the_catalogue_speaks_for_a_sku_its_list_replaces_the_legacy_one() -> None:
    h = Shipping()
    await h.legacy(legacy("TV-55", "remote", "manual"), legacy("CABLE"))
    await h.catalogue(listed("TV-55", "2999.00", accessories=("remote",)))
    [checked] = await _checked_against(h, ("remote",))
    assert isinstance(checked, AccessoriesChecked)


async def test_ful4_a_replay_of_old_and_new_events_gives_the_lists_the_live_check_saw() -> None:
    """Decision 0011: the legacy lists on fulfilment's stream and the catalogue's events, applied
    one by one as they arrived or replayed from the start into a fresh read model, give the same
    accessory list per SKU."""
    h = Shipping()
    await h.legacy(legacy("TV-55", "remote", "manual"), legacy("CABLE"), legacy("KETTLE", "lid"))
    catalogue_events = [
        listed("TV-55", "2999.00", accessories=("remote", "manual", "stand")),
        accessories("TV-55", "remote", "stand"),
        accessories("CABLE", "ties"),
    ]
    live: dict[str, tuple[str, ...] | None] = {}
    for event in catalogue_events:
        await h.catalogue(event)
        live = await h.commands.required_accessories(("TV-55", "CABLE", "KETTLE"))
    replayed = ReadModel(h.service_catalogue())
    for event in catalogue_events:
        await replayed.apply(event, source=CATALOG_PRODUCT, aggregate_id=event.sku)
    h.commands.catalogue = CatalogueOnModel(replayed)
    assert await h.commands.required_accessories(("TV-55", "CABLE", "KETTLE")) == live
    assert live == {"TV-55": ("remote", "stand"), "CABLE": ("ties",), "KETTLE": ("lid",)}
    await replayed.close()


# -- FUL-5: outbound note and refusal --------------------------------------------------------------


async def test_ful5_dispatch_without_outbound_note_is_refused() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    with pytest.raises(RuleViolated) as exc:
        await h.when(dispatch())
    assert exc.value.rule == "FUL-5"
    assert "outbound note" in exc.value.message
    assert (await h.shipment()).status is S.QUEUED


async def test_ful3_dispatch_refused_before_the_packet_is_handed_over() -> None:
    h = Shipping()
    await in_packet(h)
    await h.given(check(("manual", "remote")))
    with pytest.raises(RuleViolated) as exc:
        await h.when(dispatch())
    assert exc.value.rule == "FUL-3"


async def test_ful4_dispatch_refused_before_the_accessories_check() -> None:
    h = Shipping()
    await in_packet(h)
    await h.given(await full_packet(h))
    with pytest.raises(RuleViolated) as exc:
        await h.when(dispatch())
    assert exc.value.rule == "FUL-4"


async def test_ful5_refused_outbound_is_reported_to_ops_director_and_store_manager() -> None:
    h = Shipping()
    await in_packet(h)
    await h.when(refuse(reason="invoice does not match the order"))
    event = h.events()[-1]
    assert isinstance(event, OutboundRefused)
    assert (event.order_id, event.reason) == ("o-1", "invoice does not match the order")
    assert event.reported_to == ("ops_director", "store_manager")
    with pytest.raises(RuleViolated) as exc:
        await h.when(dispatch())
    assert exc.value.rule == "FUL-5"
    assert "ResumeRefusedShipment" in exc.value.message


async def test_ful5_refusal_is_reported_to_the_roles_of_the_c14_setting() -> None:
    h = Shipping(FulfilmentSettings(report_recipients=("store_manager", "dept_manager")))
    await in_packet(h)
    await h.when(refuse())
    refused = h.events()[-1]
    assert isinstance(refused, OutboundRefused)
    assert refused.reported_to == ("store_manager", "dept_manager")


async def test_ful4_missing_accessories_are_escalated_to_the_roles_of_the_c14_setting() -> None:
    h = Shipping(FulfilmentSettings(report_recipients=("ops_director",)))
    await in_packet(h)
    await h.when(check(("manual",)))
    missing = h.events()[-1]
    assert isinstance(missing, AccessoriesMissing)
    assert missing.reported_to == ("ops_director",)


def test_ful5_c14_the_contract_holds_no_default_recipients() -> None:
    for model in (OutboundRefused, AccessoriesMissing, ShipmentResumed):
        assert model.model_fields["reported_to"].is_required(), model.__name__


async def test_ful5_a_refused_shipment_resumes_once_its_paperwork_is_handed_over_again() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.when(refuse(reason="invoice does not match the order"))
    await h.when(resume())
    resumed = h.events()[-1]
    assert isinstance(resumed, ShipmentResumed)
    assert (resumed.order_id, resumed.refusal_reason, resumed.fixed) == (
        "o-1",
        "invoice does not match the order",
        "invoice reprinted",
    )
    assert resumed.resumed_to == "AccessoriesChecked"
    assert resumed.reported_to == ("ops_director", "store_manager")
    assert (await h.shipment()).status is S.ACCESSORIES_CHECKED
    await h.given(dispatch(), stamp())
    assert (await h.shipment()).status is S.STAMPED


async def test_ful5_a_shipment_refused_before_the_accessories_check_resumes_in_the_packet() -> None:
    h = Shipping()
    await in_packet(h)
    await h.given(refuse(), resume())
    assert (await h.shipment()).status is S.IN_PACKET


async def test_ful3_resumption_needs_the_shipments_own_documents() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(refuse())
    with pytest.raises(RuleViolated) as exc:
        await h.when(resume(invoice_no="FP00000099"))
    assert exc.value.rule == "FUL-3"
    assert "invoice FP00000099 (the shipment's is FP00000001)" in exc.value.message
    assert (await h.shipment()).status is S.REFUSED


async def test_ful5_only_a_refused_shipment_resumes_and_only_the_order_clerk_resumes_it() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    with pytest.raises(RuleViolated) as exc:
        await h.when(resume())
    assert exc.value.rule == "SM-SHIP"
    await h.given(refuse())
    with pytest.raises(Forbidden) as forbidden:
        await h.when(resume(actor=KEEPER))
    assert forbidden.value.rule == "FUL-5"


async def test_ful5_a_resumed_shipment_may_be_refused_again() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(refuse(), resume(), refuse(reason="waybill torn"))
    assert (await h.shipment()).status is S.REFUSED
    assert h.types()[-3:] == ["OutboundRefused", "ShipmentResumed", "OutboundRefused"]


# -- FUL-6: the stamp --------------------------------------------------------------------------------


async def test_ful6_only_the_stamp_ships_the_order() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.when(dispatch())
    dispatched = h.events()[-1]
    assert isinstance(dispatched, ShipmentDispatched)
    assert (dispatched.carrier, dispatched.waybill_no) == ("SF-Express", "WB00000001")
    assert not any(isinstance(e, ShipmentStamped) for e in h.events())
    h.clock.advance(timedelta(minutes=30))
    await h.when(stamp())
    stamped = h.events()[-1]
    assert isinstance(stamped, ShipmentStamped)
    assert stamped.stamp == "發貨專用章"
    assert (stamped.outbound_note_no, stamped.waybill_no, stamped.keeper) == (
        "CK00000001",
        "WB00000001",
        "keeper-1",
    )
    assert stamped.stamped_at == AFTER_CUTOFF + timedelta(minutes=30)


async def test_ful6_stamp_needs_a_dispatched_shipment_and_the_keeper() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    with pytest.raises(RuleViolated) as exc:
        await h.when(stamp())
    assert exc.value.rule == "SM-SHIP"
    await h.given(dispatch())
    with pytest.raises(Forbidden) as forbidden:
        await h.when(stamp(actor=CLERK))
    assert forbidden.value.rule == "FUL-6"


# -- FUL-20, FUL-22: the stock ledger's answer -------------------------------------------------


async def test_ful22_shortage_blocks_dispatch_until_stock_is_reserved() -> None:
    h = Shipping()
    await ready_to_dispatch(h, reserved=False)
    await short_of(h)
    with pytest.raises(RuleViolated) as exc:
        await h.when(dispatch())
    assert exc.value.rule == "FUL-22"
    assert "FUL-20" in exc.value.message
    assert "TV-55 (0/1)" in exc.value.message
    await reserve(h)
    await h.when(dispatch())
    assert (await h.shipment()).status is S.DISPATCHED


async def test_ful22_shipment_without_any_reservation_cannot_be_dispatched() -> None:
    h = Shipping()
    await ready_to_dispatch(h, reserved=False)
    with pytest.raises(RuleViolated) as exc:
        await h.when(dispatch())
    assert exc.value.rule == "FUL-22"
    assert "no stock is reserved" in exc.value.message
    assert (await h.shipment()).status is S.ACCESSORIES_CHECKED


async def test_ful22_stamp_refused_once_the_reservation_was_taken_back() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(dispatch())
    await short_of(h)
    with pytest.raises(RuleViolated) as exc:
        await h.when(stamp())
    assert exc.value.rule == "FUL-22"
    assert "ShipmentStamped" not in h.types()
    await reserve(h)
    await h.when(stamp())
    assert (await h.shipment()).status is S.STAMPED


# -- FUL-10, FUL-11: on the road -----------------------------------------------------------------


async def test_ful11_in_transit_then_delivered() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(dispatch(), stamp())
    await h.when(
        c.RecordShipmentInTransit(command_id=cmd_id(), actor=KEEPER, shipment_id="o-1", location="上海")
    )
    h.clock.advance(timedelta(days=1))
    await h.when(c.RecordDelivery(command_id=cmd_id(), actor=AFTERSALES, shipment_id="o-1"))
    delivered = h.events()[-1]
    assert isinstance(delivered, ShipmentDelivered)
    assert delivered.delivered_at == AFTER_CUTOFF + timedelta(days=1)


def test_ful11_a_delivery_body_with_a_time_is_invalid_at_delivered_at() -> None:
    """FUL-11, AS-11: the delivery time is the service's, so a back-dated one cannot shorten the
    buyer's return window."""
    body = {"command_id": "d-1", "actor": {"id": "cs-1", "roles": ["aftersales_cs"]}, "shipment_id": "o-1"}
    with pytest.raises(ValidationError) as refused:
        validate_wire(c.RecordDelivery, json.dumps(body | {"delivered_at": "2026-03-04T10:20:00+08:00"}))
    reply = validation_reply(refused.value, "RecordDelivery")
    assert reply.error is not None
    [detail] = reply.error.details
    assert detail["field"] == "delivered_at"
    assert "FUL-11" in detail["problem"]


async def test_ful10_courier_exception_reported_and_resolved_as_delivered() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(dispatch(), stamp())
    with pytest.raises(Forbidden):
        await h.when(
            c.ReportCourierException(command_id=cmd_id(), actor=KEEPER, shipment_id="o-1", kind="lost")
        )
    await h.when(
        c.ReportCourierException(command_id=cmd_id(), actor=AFTERSALES, shipment_id="o-1", kind="delayed")
    )
    reported = h.events()[-1]
    assert isinstance(reported, CourierExceptionReported)
    assert reported.waybill_no == "WB00000001"
    assert (await h.shipment()).status is S.EXCEPTION
    await h.when(
        c.ResolveCourierException(
            command_id=cmd_id(), actor=AFTERSALES, shipment_id="o-1", outcome="delivered"
        )
    )
    assert h.types()[-2:] == ["CourierExceptionResolved", "ShipmentDelivered"]
    assert (await h.shipment()).status is S.DELIVERED


async def test_delivery_refused_before_the_stamp() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(dispatch())
    with pytest.raises(RuleViolated):
        await h.when(c.RecordDelivery(command_id=cmd_id(), actor=AFTERSALES, shipment_id="o-1"))


# -- AS-3: cancellation before the stamp ------------------------------------------------------------


async def test_as3_sm_ship_refund_approved_for_goods_not_received_cancels_an_in_packet_shipment() -> None:
    """SM-SHIP: Queued|InPacket --(RefundRequestApproved, goods not received)--> Cancelled; once."""
    h = Shipping()
    await in_packet(h)
    assert (await h.shipment()).status is S.IN_PACKET
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase", event_id="ap-1")
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase", event_id="ap-1")
    cancelled = [e for e in h.events() if isinstance(e, ShipmentCancelled)]
    assert len(cancelled) == 1
    assert cancelled[0].reason == "refund"
    with pytest.raises(RuleViolated):
        await h.when(check(("remote", "manual")))


async def test_sm_ship_a_checked_shipment_is_not_cancelled_but_recalled_and_held() -> None:
    """SM-SHIP allows ShipmentCancelled only from Queued|InPacket: checked, the goods may already be
    on the courier's van, so the approved refund asks the keeper for a recall and holds the shipment."""
    h = Shipping()
    await ready_to_dispatch(h)
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase", event_id="ap-1")
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase", event_id="ap-1")
    assert "ShipmentCancelled" not in h.types()
    (recall,) = [e for e in h.events() if isinstance(e, ShipmentRecallRequested)]
    assert (recall.reason, recall.case_id, recall.held_in) == ("refund", "c-1", "AccessoriesChecked")
    assert recall.reported_to == ("warehouse_keeper",)
    state = await h.shipment()
    assert (state.status, state.recall_open) == (S.ACCESSORIES_CHECKED, True)
    with pytest.raises(RuleViolated) as refused:
        await h.when(dispatch())
    assert refused.value.rule == "SM-SHIP"
    assert "ConfirmShipmentRecalled" in str(refused.value)
    with pytest.raises(RuleViolated) as refused_outbound:
        await h.when(refuse())
    assert refused_outbound.value.rule == "SM-SHIP"


async def test_sm_ship_a_dispatched_shipment_recalled_back_is_cancelled_and_never_stamped() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(dispatch())
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase")
    (recall,) = [e for e in h.events() if isinstance(e, ShipmentRecallRequested)]
    assert recall.held_in == "Dispatched"
    with pytest.raises(RuleViolated) as refused:
        await h.when(stamp())
    assert refused.value.rule == "SM-SHIP"
    await h.when(confirmed := confirm_recalled())
    assert h.types()[-2:] == ["ShipmentRecallConfirmed", "ShipmentCancelled"]
    cancelled = h.events()[-1]
    assert isinstance(cancelled, ShipmentCancelled)
    assert cancelled.reason == "refund"
    assert (await h.shipment()).status is S.CANCELLED
    with pytest.raises(RuleViolated):
        await h.when(stamp())
    with pytest.raises(RuleViolated) as again:
        await h.when(confirmed.model_copy(update={"command_id": cmd_id()}))
    assert again.value.rule == "SM-SHIP"


async def test_sm_ship_a_declined_recall_closes_and_the_shipment_goes_on_to_the_stamp() -> None:
    """SM-SHIP: the parcel already left with the courier; the recall closes, it is reported to the
    warehouse's reporting line (C14), the stamp follows, and a later cancellation asks nothing again."""
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(dispatch())
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase")
    await h.when(decline_recall())
    declined = h.events()[-1]
    assert isinstance(declined, ShipmentRecallDeclined)
    assert (declined.case_id, declined.recall_reason) == ("c-1", "refund")
    assert declined.reported_to == h.policy.report_recipients
    await h.when(stamp())
    assert (await h.shipment()).status is S.STAMPED
    await h.order_event(
        OrderCancelled(order_id="o-1", case_id="c-1", amount_refunded=Decimal(1), cancelled_at=AFTER_CUTOFF),
        AFTER_CUTOFF,
    )
    assert h.types().count("ShipmentRecallRequested") == 1
    assert "ShipmentCancelled" not in h.types()


async def test_sm_ship_an_order_cancelled_after_dispatch_asks_for_a_recall_too() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.given(dispatch())
    await h.order_event(
        OrderCancelled(order_id="o-1", case_id="c-9", amount_refunded=Decimal(1), cancelled_at=AFTER_CUTOFF),
        AFTER_CUTOFF,
    )
    recall = h.events()[-1]
    assert isinstance(recall, ShipmentRecallRequested)
    assert (recall.reason, recall.case_id) == ("order_cancelled", "c-9")


async def test_sm_ship_only_the_keeper_answers_a_recall_and_only_an_open_one() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    with pytest.raises(RuleViolated) as nothing_open:
        await h.when(confirm_recalled())
    assert nothing_open.value.rule == "SM-SHIP"
    with pytest.raises(RuleViolated):
        await h.when(decline_recall())
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase")
    with pytest.raises(Forbidden):
        await h.when(confirm_recalled(actor=AFTERSALES))
    with pytest.raises(Forbidden):
        await h.when(decline_recall(actor=CLERK))


def test_sm_ship_a_decline_without_a_reason_is_invalid_at_its_field() -> None:
    with pytest.raises(ValidationError) as err:
        c.DeclineShipmentRecall.model_validate(
            {"command_id": "x-1", "actor": KEEPER.model_dump(), "shipment_id": "o-1", "reason": "  "}
        )
    assert err.value.errors()[0]["loc"] == ("reason",)


async def test_as3_a_partial_refund_without_return_leaves_the_shipment_to_ship() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    partial = approved(False).model_copy(update={"whole_order": False})
    await h.deliver(h.aftersales, partial, AFTER_CUTOFF, aggregate="RefundCase", event_id="ap-1")
    assert "ShipmentCancelled" not in h.types()
    await h.when(dispatch())
    assert (await h.shipment()).status is S.DISPATCHED


async def test_as3_no_cancellation_after_the_stamp_or_when_goods_come_back() -> None:
    h = Shipping()
    await ready_to_dispatch(h)
    await h.deliver(h.aftersales, approved(True), AFTER_CUTOFF, aggregate="RefundCase")
    await h.given(dispatch(), stamp())
    await h.deliver(h.aftersales, approved(False), AFTER_CUTOFF, aggregate="RefundCase")
    assert "ShipmentCancelled" not in h.types()
    assert (await h.shipment()).status is S.STAMPED


async def test_order_cancelled_before_queueing_never_queues() -> None:
    h = Shipping()
    await h.order_event(
        OrderCancelled(order_id="o-1", case_id="c-1", amount_refunded=Decimal(0), cancelled_at=AFTER_CUTOFF),
        AFTER_CUTOFF,
    )
    await h.queue_order("o-1")
    assert "OrderQueuedForShipping" not in h.types()


# -- AS-6: the return parcel ------------------------------------------------------------------------------


def receive(waybill: str) -> c.ReceiveReturnParcel:
    return c.ReceiveReturnParcel(command_id=cmd_id(), actor=KEEPER, case_id="c-1", waybill_no=waybill)


async def test_as6_return_parcel_received_with_the_expected_waybill() -> None:
    h = Shipping()
    shipped = ReturnShippedByBuyer(case_id="c-1", order_id="o-1", waybill_no="YT-9", shipped_at=AFTER_CUTOFF)
    await h.deliver(h.aftersales, shipped, AFTER_CUTOFF, aggregate="RefundCase")
    with pytest.raises(RuleViolated) as exc:
        await h.when(receive("YT-0"))
    assert exc.value.rule == "AS-6"
    await h.when(receive("YT-9"))
    received = h.events("ReturnParcel", "c-1")[-1]
    assert isinstance(received, ReturnParcelReceived)
    assert (received.case_id, received.order_id, received.waybill_no) == ("c-1", "o-1", "YT-9")
    with pytest.raises(RuleViolated):
        await h.when(receive("YT-9"))


async def test_ord6_correction_before_confirmation_reaches_the_waybill() -> None:
    from shop_contracts.events.orders import FieldCorrection, OrderDetailsCorrected

    from .shipping_helpers import order_facts

    h = Shipping()
    placed, paid, remarked, confirmed = order_facts("o-1")
    for fact in (placed, paid):
        await h.order_event(fact, AFTER_CUTOFF - timedelta(hours=6))
    corrected = OrderDetailsCorrected(
        order_id="o-1",
        corrections=(
            FieldCorrection(field="address", old="上海市浦東新區", new="北京市朝陽區"),
            FieldCorrection(field="lines.1.size", old="55in", new="65in"),
        ),
        reason="buyer left a message",
        corrected_by="as-1",
    )
    await h.order_event(corrected, AFTER_CUTOFF - timedelta(hours=6))
    for fact in (remarked, confirmed):
        await h.order_event(fact, AFTER_CUTOFF - timedelta(hours=6))
    state = await h.shipment()
    assert state.shipping is not None
    assert state.shipping.address == "北京市朝陽區"
    assert state.lines[0].size == "65in"
    assert "ShipmentDetailsCorrected" in h.types()
