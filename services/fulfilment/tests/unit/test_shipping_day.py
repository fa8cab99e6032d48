"""The shipping day (SM-SHIP-BATCH; FUL-1, FUL-2, FUL-3, FUL-7, FUL-8) and gap-free document
numbers per series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

import pytest

from fulfilment.bootstrap import FulfilmentSettings
from fulfilment.shipping.domain.state import ShipmentStatus, ShippingDayStatus
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from jetstream_es.store import AggregateAppend
from shop_contracts.events.fulfilment import (
    DailyShippingReportFilled,
    DailyShippingReportSubmitted,
    OrderQueuedForShipping,
    ShippingDocumentsPrinted,
)

from .shipping_helpers import (
    AFTER_CUTOFF,
    BOTH,
    DAY,
    KEEPER,
    Shipping,
    dispatch,
    fill,
    full_packet,
    generate,
    local,
    order_facts,
    ready_to_dispatch,
    refuse,
    resume,
    stamp,
    submit,
)

NEXT_DAY = DAY + timedelta(days=1)


def queued(h: Shipping, order_id: str = "o-1") -> OrderQueuedForShipping:
    found = [e for e in h.events("Shipment", order_id) if isinstance(e, OrderQueuedForShipping)]
    assert len(found) == 1
    return found[0]


# -- FUL-2: the cut-off decides the shipping day ---------------------------------------------


async def test_ful2_order_eligible_at_135959_joins_todays_batch() -> None:
    h = Shipping()
    await h.queue_order("o-1", at=local(DAY, 13, 59, 59))
    assert queued(h).batch_date == DAY
    assert "o-1" in (await h.day(DAY)).shipments


async def test_ful2_order_eligible_at_140000_goes_to_the_next_days_batch() -> None:
    h = Shipping()
    await h.queue_order("o-1", at=local(DAY, 14, 0, 0))
    assert queued(h).batch_date == NEXT_DAY
    assert "o-1" in (await h.day(NEXT_DAY)).shipments
    assert not (await h.day(DAY)).exists


async def test_ful2_the_last_of_the_four_facts_decides_the_day() -> None:
    """Placed, paid and remarked in the morning; confirmed after the cut-off: tomorrow."""
    h = Shipping()
    *first, confirmed = order_facts("o-1")
    for fact in first:
        await h.order_event(fact, local(DAY, 9))
    assert h.types() == ["OrderFactNoted"] * 3
    await h.order_event(confirmed, local(DAY, 15))
    assert queued(h).batch_date == NEXT_DAY


async def test_ful2_rest_weekdays_and_holidays_come_from_the_department_calendar_c4() -> None:
    saturday = date(2026, 3, 7)
    calendar = DepartmentCalendar(holidays=frozenset({date(2026, 3, 9)}), rest_weekdays=frozenset({6, 7}))
    h = Shipping(calendar=calendar)
    await h.queue_order("o-1", at=local(date(2026, 3, 6), 14, 30))  # Friday after the cut-off
    assert queued(h).batch_date == date(2026, 3, 10)  # Sat, Sun off, Monday a holiday
    h2 = Shipping()
    await h2.queue_order("o-1", at=local(date(2026, 3, 6), 14, 30))
    assert queued(h2).batch_date == saturday


async def test_ful2_cutoff_is_configurable() -> None:
    h = Shipping(FulfilmentSettings(cutoff=time(16, 0)))
    await h.queue_order("o-1", at=local(DAY, 15, 0))
    assert queued(h).batch_date == DAY


async def test_a_repeated_order_event_queues_once() -> None:
    h = Shipping()
    facts = order_facts("o-1")
    for i, fact in enumerate(facts):
        await h.order_event(fact, local(DAY, 9), event_id=f"e-{i}")
    await h.order_event(facts[-1], local(DAY, 9), event_id="e-3")
    await h.order_event(facts[-1], local(DAY, 10), event_id="e-other")
    assert h.types().count("OrderQueuedForShipping") == 1
    assert h.types("ShippingDay", DAY.isoformat()) == ["ShipmentJoinedDay"]


# -- FUL-1, FUL-2: generating the report -------------------------------------------------------


async def test_ful2_report_refused_before_the_cutoff() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    h.clock.set(local(DAY, 13, 59, 59))
    with pytest.raises(RuleViolated) as exc:
        await h.when(generate())
    assert exc.value.rule == "FUL-2"
    assert not [t for t in h.all_types() if t == "DocumentNumbersIssued"]


async def test_ful1_report_needs_the_order_clerk() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    h.clock.set(AFTER_CUTOFF)
    with pytest.raises(Forbidden) as exc:
        await h.when(generate(actor=KEEPER))
    assert exc.value.rule == "FUL-1"


async def test_ful1_report_prints_a_waybill_outbound_note_and_invoice_per_order() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    await h.queue_order("o-2")
    h.clock.set(AFTER_CUTOFF)
    await h.when(generate())
    assert h.types("ShippingDay", DAY.isoformat()) == [
        "ShipmentJoinedDay",
        "ShipmentJoinedDay",
        "DailyShippingReportGenerated",
        "ShippingDocumentsPrinted",
    ]
    printed = h.events("ShippingDay", DAY.isoformat())[-1]
    assert isinstance(printed, ShippingDocumentsPrinted)
    assert printed.stamped
    assert printed.report_no == "DR00000001"
    assert printed.waybill_nos == ("WB00000001", "WB00000002")
    assert printed.outbound_note_nos == ("CK00000001", "CK00000002")
    assert printed.invoice_nos == ("FP00000001", "FP00000002")
    shipment = await h.shipment("o-2")
    assert shipment.status is ShipmentStatus.IN_PACKET
    assert (shipment.waybill_no, shipment.outbound_note_no) == ("WB00000002", "CK00000002")


async def test_numbers_continue_gap_free_across_days_and_never_repeat() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    await h.queue_order("o-2", at=AFTER_CUTOFF)
    await h.queue_order("o-3", at=AFTER_CUTOFF)
    h.clock.set(AFTER_CUTOFF + timedelta(days=1))
    await h.given(generate(NEXT_DAY))
    printed = h.events("ShippingDay", NEXT_DAY.isoformat())[-1]
    assert isinstance(printed, ShippingDocumentsPrinted)
    assert printed.report_no == "DR00000002"
    assert printed.waybill_nos == ("WB00000002", "WB00000003")
    assert printed.invoice_nos == ("FP00000002", "FP00000003")


async def test_a_second_generate_for_the_same_day_is_refused_and_issues_no_numbers() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    h.clock.set(AFTER_CUTOFF)
    first = await h.when(generate(command_id="gen-1"))
    again = await h.when(generate(command_id="gen-1"))
    assert again.repeated
    assert again.event_ids == first.event_ids
    with pytest.raises(RuleViolated) as exc:
        await h.when(generate(command_id="gen-2"))
    assert exc.value.rule == "SM-SHIP-BATCH"
    assert h.all_types().count("DocumentNumbersIssued") == 1


async def test_generate_interrupted_after_numbering_reuses_the_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FUL-1: a restart between the register's issue and the day's report (a store that appends the
    two one after the other; JetStream's atomic batch stores both or neither): the retry uses the
    numbers already issued, so nothing is skipped or issued twice."""
    h = Shipping()
    await h.queue_order("o-1")
    h.clock.set(AFTER_CUTOFF)

    async def register_then_crash(parts: Sequence[AggregateAppend]) -> object:
        first = parts[0]
        await h.store.append(first.aggregate_type, first.aggregate_id, first.events, first.expected_last_seq)
        raise ConnectionError("process stopped")

    with monkeypatch.context() as patched:
        patched.setattr(h.store, "append_all", register_then_crash)
        with pytest.raises(ConnectionError):
            await h.when(generate(command_id="gen-1"))
    assert h.all_types().count("DocumentNumbersIssued") == 1
    await h.when(generate(command_id="gen-2"))
    printed = h.events("ShippingDay", DAY.isoformat())[-1]
    assert isinstance(printed, ShippingDocumentsPrinted)
    assert printed.waybill_nos == ("WB00000001",)
    assert h.all_types().count("DocumentNumbersIssued") == 1


async def test_generate_refused_with_nothing_queued() -> None:
    h = Shipping()
    h.clock.set(AFTER_CUTOFF)
    with pytest.raises(RuleViolated) as exc:
        await h.when(generate())
    assert exc.value.rule == "FUL-1"


async def test_ful2_late_joiner_is_carried_to_the_next_shipping_day() -> None:
    """An order queued for today that reaches the day after its report was made goes on to the
    next shipping day's batch."""
    h = Shipping(pump=False)
    await h.queue_order("o-1")
    await h.pump()
    h.clock.set(AFTER_CUTOFF)
    await h.queue_order("o-2", at=local(DAY, 13, 59))  # queued for today, not yet joined
    await h.when(generate())
    await h.pump()
    assert list((await h.day(DAY)).shipments) == ["o-1"]
    assert list((await h.day(NEXT_DAY)).shipments) == ["o-2"]


# -- FUL-3: the packet ---------------------------------------------------------------------------


async def test_ful3_hand_over_refused_when_an_invoice_is_missing() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    await h.queue_order("o-2")
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    with pytest.raises(RuleViolated) as exc:
        await h.when(await full_packet(h, invoice_nos="FP00000002"))
    assert exc.value.rule == "FUL-3"
    assert "order o-2: invoice FP00000002" in exc.value.message
    assert (await h.day()).status is ShippingDayStatus.REPORT_GENERATED


async def test_ful3_hand_over_refused_without_the_daily_report() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    with pytest.raises(RuleViolated) as exc:
        await h.when(await full_packet(h, report_no="x"))
    assert exc.value.rule == "FUL-3"
    assert "daily report DR00000001" in exc.value.message


async def test_ful3_complete_packet_is_handed_over() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    await h.when(await full_packet(h))
    assert (await h.day()).status is ShippingDayStatus.HANDED_TO_WAREHOUSE


# -- FUL-1 step 5, FUL-7: fill in and submit --------------------------------------------------


async def test_fill_refused_while_a_shipment_is_neither_stamped_nor_refused() -> None:
    h = Shipping()
    await ready_to_dispatch(h, "o-1", "o-2")
    await h.given(dispatch("o-1"), stamp("o-1"))
    with pytest.raises(RuleViolated) as exc:
        await h.when(fill())
    assert exc.value.rule == "SM-SHIP-BATCH"
    assert "o-2 (AccessoriesChecked)" in exc.value.message


async def test_ful7_the_daily_report_goes_to_the_role_of_the_c14_setting() -> None:
    h = Shipping(FulfilmentSettings(daily_report_to_role="ops_director"))
    await ready_to_dispatch(h)
    await h.given(dispatch(), stamp(), fill())
    await h.when(submit())
    submitted = h.events("ShippingDay", DAY.isoformat())[-1]
    assert isinstance(submitted, DailyShippingReportSubmitted)
    assert submitted.to_role == "ops_director"


def test_ful7_c14_the_contract_holds_no_default_recipient_role() -> None:
    assert DailyShippingReportSubmitted.model_fields["to_role"].is_required()


async def test_ful5_a_shipment_resumed_before_the_report_is_filled_must_ship_or_be_refused_again() -> None:
    h = Shipping()
    await ready_to_dispatch(h, "o-1", "o-2")
    await h.given(dispatch("o-1"), stamp("o-1"), refuse("o-2"), resume("o-2", n=2))
    with pytest.raises(RuleViolated) as exc:
        await h.when(fill())
    assert "o-2 (AccessoriesChecked)" in exc.value.message
    await h.given(dispatch("o-2"), stamp("o-2"))
    await h.when(fill())
    filled = h.events("ShippingDay", DAY.isoformat())[-1]
    assert isinstance(filled, DailyShippingReportFilled)
    assert (filled.shipped, filled.refused) == (("o-1", "o-2"), ())


async def test_ful7_filled_report_is_submitted_to_the_department_manager_and_closes_the_day() -> None:
    h = Shipping()
    await ready_to_dispatch(h, "o-1", "o-2")
    await h.given(dispatch("o-1"), stamp("o-1"), refuse("o-2"))
    await h.when(fill())
    with pytest.raises(Forbidden):
        await h.when(
            submit().model_copy(update={"actor": BOTH.model_copy(update={"roles": ("order_clerk",)})})
        )
    await h.when(submit())
    filled, submitted = h.events("ShippingDay", DAY.isoformat())[-2:]
    assert isinstance(filled, DailyShippingReportFilled)
    assert (filled.shipped, filled.refused) == (("o-1",), ("o-2",))
    assert isinstance(submitted, DailyShippingReportSubmitted)
    assert (submitted.to_role, submitted.to_manager) == ("dept_manager", "mgr-1")
    assert (await h.day()).status is ShippingDayStatus.CLOSED
    with pytest.raises(RuleViolated) as exc:
        await h.when(submit())
    assert exc.value.rule == "FUL-7"


async def test_ful8_one_person_may_hold_both_clerk_and_keeper_roles() -> None:
    h = Shipping()
    await h.queue_order("o-1")
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate(actor=BOTH))
    await h.given(await full_packet(h, actor=BOTH))
    assert (await h.day()).handed_over


async def test_fully_cancelled_day_prints_nothing() -> None:
    from shop_contracts.events.order_progress import OrderCancelled

    h = Shipping()
    await h.queue_order("o-1")
    await h.order_event(
        OrderCancelled(order_id="o-1", case_id="c-1", amount_refunded=0, cancelled_at=AFTER_CUTOFF),
        local(DAY, 10),
    )
    h.clock.set(AFTER_CUTOFF)
    with pytest.raises(InvalidCommand) as exc:
        await h.when(generate())
    assert exc.value.rule == "FUL-1"
