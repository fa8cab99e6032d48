"""Who is on duty, from HR's duty rota events (DUTY-1..DUTY-3, AS-22): one projection declared
once, each service's instance under its own name."""

from __future__ import annotations

import datetime as dt

from jetstream_es.events import EventRegistry
from jetstream_es.testing.read_model import ReadModel
from shop_contracts.aggregates import HR_DUTY_ROTA
from shop_contracts.duty import OnlineHours
from shop_contracts.events.hr_duty import DutyManagerDesignated, HotlineForwardingActivated
from shop_views import duty

NIGHT = dt.date(2026, 3, 2)


class Rota(duty.DutyRota):
    name = "sales_duty_rota"


def designated(designation: str, manager: str) -> DutyManagerDesignated:
    return DutyManagerDesignated(
        designation_id=designation,
        manager_id=manager,
        start_date=NIGHT,
        end_date=NIGHT,
        designated_by="sup-1",
    )


async def test_the_latest_designation_of_a_night_names_its_duty_manager_duty_3() -> None:
    model = ReadModel(Rota())
    try:
        await model.apply(designated("d-1", "m-1"), source=HR_DUTY_ROTA, aggregate_id="rota")
        await model.apply(designated("d-2", "m-2"), source=HR_DUTY_ROTA, aggregate_id="rota")
        tables = await model.ensure()
        reader = duty.DutyReader(model.engine, lambda: tables, OnlineHours(), "Asia/Shanghai")
        book = await reader.book(NIGHT, NIGHT)
        earlier = await reader.book(NIGHT - dt.timedelta(days=3), NIGHT - dt.timedelta(days=2))
    finally:
        await model.close()
    assert book.manager_on(NIGHT) == "m-2"
    assert earlier.manager_on(NIGHT) is None


def test_an_instance_handles_the_rota_events_or_the_registry_it_names_duty_1() -> None:
    assert Rota.handles == duty.ROTA_EVENTS.event_types
    assert HotlineForwardingActivated.event_type not in Rota.handles

    class Everything(duty.DutyRota):
        name = "all_duty_rota"
        registry_of = EventRegistry([DutyManagerDesignated, HotlineForwardingActivated])

    assert Everything.handles == {DutyManagerDesignated.event_type, HotlineForwardingActivated.event_type}
