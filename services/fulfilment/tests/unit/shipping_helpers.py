"""Given / when / then for the shipping context: the service's real `build()` on an in-memory event
store with a FixedClock (`FulfilmentApp`, a `TestApp`). Events of fulfilment's own stream are
pumped through the shipping reactions after every step, as their durable consumers would."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from fulfilment.bootstrap import FulfilmentSettings
from fulfilment.shipping.adapters.catalogue import CatalogueReader
from fulfilment.shipping.application.handlers import ShippingCommands
from fulfilment.shipping.application.reactions import AftersalesReactions, OrdersReactions, ShippingFlow
from fulfilment.shipping.domain.events import ProductAccessoriesDefined
from fulfilment.shipping.domain.products import PRODUCT, CatalogueProduct
from fulfilment.shipping.domain.shipment import SHIPMENT, ShipmentState
from fulfilment.shipping.domain.shipping_day import SHIPPING_DAY, ShippingDayState, day_id
from jetstream_es.commands import Cause, CommandResult
from jetstream_es.department_calendar import DepartmentCalendar
from jetstream_es.projection import Projection, Reaction
from jetstream_es.testing.read_model import ReadModel
from shop_contracts.aggregates import (
    AFTERSALES_REFUND_CASE,
    CATALOG_PRODUCT,
    FULFILMENT_STOCK_ALLOCATION,
    ORDERS_ORDER,
)
from shop_contracts.commands import fulfilment as c
from shop_contracts.envelope import SYSTEM_ACTOR, Actor
from shop_contracts.events.catalog import ProductAccessoriesChanged
from shop_contracts.events.orders import (
    BuyerRemarkRecorded,
    OrderConfirmed,
    OrderLine,
    OrderPaid,
    OrderPlaced,
    ShippingAddress,
)
from shop_contracts.events.refund_case import RefundRequestApproved
from shop_contracts.events.stock import ReservedLot, ShortLine, StockReserved, StockShortage
from shop_contracts.messages import Command, EventData

from .fulfilment_app import FulfilmentApp

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)  # a Monday
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
AFTER_CUTOFF = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
CLERK = Actor(id="clerk-1", roles=("order_clerk",))
KEEPER = Actor(id="keeper-1", roles=("warehouse_keeper",))
BOTH = Actor(id="wang", roles=("order_clerk", "warehouse_keeper"))
AFTERSALES = Actor(id="as-1", roles=("aftersales_cs",))
SALES = Actor(id="sales-1", roles=("sales_staff",))
LINES = (
    OrderLine(sku="TV-55", quantity=1, unit_price=Decimal("2999.00"), size="55in"),
    OrderLine(sku="CABLE", quantity=2, unit_price=Decimal("10.50")),
)
ADDRESS = ShippingAddress(recipient="王小明", phone="13800000000", address="上海市浦東新區")
_ids = itertools.count(1)


def local(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    """A business-time (Asia/Shanghai) moment, as UTC."""
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SHANGHAI).astimezone(UTC)


def order_facts(order_id: str = "o-1") -> list[EventData]:
    """The four facts of an order, in the order orders emits them."""
    return [
        OrderPlaced(
            order_id=order_id,
            lines=LINES,
            amount=Decimal("3020.00"),
            buyer_id="buyer-9",
            shipping=ADDRESS,
            channel="tmall",
            sales_owner="sales-1",
            placed_at=NOW,
        ),
        OrderPaid(
            order_id=order_id,
            amount=Decimal("3020.00"),
            payee_account="CN-ICBC-0001",
            payment_ref="alipay-1",
            paid_at=NOW,
        ),
        BuyerRemarkRecorded(
            order_id=order_id, logistics_method="SF-Express", requirements="易碎品", recorded_by="sales-1"
        ),
        OrderConfirmed(order_id=order_id, confirmed_by="bo-1", confirmed_at=NOW),
    ]


class CatalogueOnModel:
    """The service's CatalogueReader on the test's read model (its tables made on first use)."""

    def __init__(self, model: ReadModel) -> None:
        self.model = model

    async def products(self, skus: Iterable[str]) -> dict[str, CatalogueProduct]:
        await self.model.ensure()
        return await CatalogueReader(self.model.engine, lambda: self.model.tables).products(skus)


class Shipping(FulfilmentApp):
    """The shipping context of the real service: `given` commands or foreign events, `when` a
    command, `then` the events. The service's own new events are pumped to the shipping reactions
    after every step (unless `pump=False`), as their durable consumers would."""

    context = "shipping"

    def __init__(
        self,
        settings: FulfilmentSettings | None = None,
        *,
        calendar: DepartmentCalendar | None = None,
        pump: bool = True,
    ) -> None:
        super().__init__(NOW, settings, calendar=calendar)
        self.orders = self.reaction(OrdersReactions)
        self.aftersales = self.reaction(AftersalesReactions)
        self.flow = self.reaction(ShippingFlow)
        self.commands: ShippingCommands = self.handlers(c.DispatchShipment)
        self.policy = self.commands.policy
        self.auto_pump = pump
        self.products = ReadModel(self.service_catalogue())
        self.commands.catalogue = CatalogueOnModel(self.products)

    def service_catalogue(self) -> Projection:
        [catalogue] = [p for p, _ in self.runtime.projections if CATALOG_PRODUCT in p.sources]
        return catalogue

    async def catalogue(self, *events: EventData) -> None:
        """The catalogue's events reach fulfilment's read model of the products (FUL-4)."""
        for event in events:
            await self.products.apply(
                event, source=CATALOG_PRODUCT, aggregate_id=str(getattr(event, "sku", ""))
            )

    async def legacy(self, *events: ProductAccessoriesDefined) -> None:
        """Fulfilment's own lists from before the catalogue, already on its stream (decision 0011)."""
        for event in events:
            cause = Cause.of_command(f"legacy-{event.sku}-{cmd_id()}", SYSTEM_ACTOR)
            await self.runtime.aggregates(PRODUCT).execute(
                event.sku, cause, lambda s, now, defined=event: [defined], must_exist=False
            )

    async def when(self, command: Command) -> CommandResult:
        result = await super().when(command)
        if self.auto_pump:
            await self.pump()
        return result

    async def deliver(
        self,
        reaction: Reaction,
        data: EventData,
        at: datetime,
        *,
        event_id: str | None = None,
        aggregate: str = "Order",
    ) -> None:
        """One delivery of another service's (or the stock ledger's) event to a reaction."""
        aggregate_id = str(getattr(data, "case_id", None) or getattr(data, "order_id", "x"))
        await self.deliver_to(
            reaction, data, source=SOURCES[aggregate], aggregate_id=aggregate_id, at=at, event_id=event_id
        )
        if self.auto_pump:
            await self.pump()

    async def order_event(self, data: EventData, at: datetime, event_id: str | None = None) -> None:
        await self.deliver(self.orders, data, at, event_id=event_id)

    async def queue_order(self, order_id: str = "o-1", at: datetime = NOW) -> None:
        for fact in order_facts(order_id):
            await self.order_event(fact, at)

    def events(  # type: ignore[override]
        self, aggregate: str = "Shipment", aggregate_id: str = "o-1"
    ) -> list[EventData]:
        return super().events(aggregate_id, aggregate=aggregate)

    def types(self, aggregate: str = "Shipment", aggregate_id: str = "o-1") -> list[str]:  # type: ignore[override]
        return [e.event_type for e in self.events(aggregate, aggregate_id)]

    def all_types(self) -> list[str]:
        return [e.event_type for e in self.store.all_events]

    async def shipment(self, shipment_id: str = "o-1") -> ShipmentState:
        return await self.state(SHIPMENT, shipment_id)

    async def day(self, batch_date: date = DAY) -> ShippingDayState:
        return await self.state(SHIPPING_DAY, day_id(batch_date))


SOURCES = {ref.name: ref for ref in (ORDERS_ORDER, AFTERSALES_REFUND_CASE, FULFILMENT_STOCK_ALLOCATION)}
"""The aggregates whose events reach the shipping reactions in these tests."""


def cmd_id() -> str:
    return f"cmd-{next(_ids)}"


def generate(
    batch_date: date | None = DAY, actor: Actor = CLERK, command_id: str | None = None
) -> c.GenerateDailyShippingReport:
    return c.GenerateDailyShippingReport(
        command_id=command_id or cmd_id(), actor=actor, batch_date=batch_date
    )


async def full_packet(
    h: Shipping, batch_date: date = DAY, actor: Actor = CLERK, **drop: str
) -> c.HandOverShippingPacket:
    """The packet with every printed document; `drop` removes one number per kind given."""
    day = await h.day(batch_date)
    docs = day.documents
    kinds = {
        "waybill_nos": [d.waybill_no for d in docs],
        "outbound_note_nos": [d.outbound_note_no for d in docs],
        "invoice_nos": [d.invoice_no for d in docs],
    }
    for kind, number in drop.items():
        if kind != "report_no":
            kinds[kind].remove(number)
    return c.HandOverShippingPacket(
        command_id=cmd_id(),
        actor=actor,
        batch_date=batch_date,
        to_keeper="keeper-1",
        report_no=None if "report_no" in drop else day.report_no,
        **{k: tuple(v) for k, v in kinds.items()},
    )


def accessories(sku: str, *names: str) -> ProductAccessoriesChanged:
    """The catalogue sets `sku`'s accessory list (FUL-4, decision 0011)."""
    return ProductAccessoriesChanged(sku=sku, accessories=names, changed_by="artist-1", at=NOW)


def legacy(sku: str, *names: str) -> ProductAccessoriesDefined:
    """A list fulfilment defined itself before the catalogue (FULFILMENT_PRODUCT, decision 0011)."""
    return ProductAccessoriesDefined(sku=sku, accessories=names, defined_by="keeper-1", defined_at=NOW)


def retired_define(sku: str, *names: str, actor: Actor = KEEPER) -> c.DefineProductAccessories:
    return c.DefineProductAccessories(command_id=cmd_id(), actor=actor, sku=sku, accessories=names)


def check(present: tuple[str, ...], shipment_id: str = "o-1", actor: Actor = KEEPER) -> c.CheckAccessories:
    return c.CheckAccessories(command_id=cmd_id(), actor=actor, shipment_id=shipment_id, present=present)


def dispatch(shipment_id: str = "o-1", actor: Actor = KEEPER) -> c.DispatchShipment:
    return c.DispatchShipment(command_id=cmd_id(), actor=actor, shipment_id=shipment_id)


def stamp(shipment_id: str = "o-1", actor: Actor = KEEPER) -> c.StampOutboundNote:
    return c.StampOutboundNote(command_id=cmd_id(), actor=actor, shipment_id=shipment_id)


def refuse(shipment_id: str = "o-1", reason: str = "invoice missing") -> c.RefuseOutbound:
    return c.RefuseOutbound(command_id=cmd_id(), actor=KEEPER, shipment_id=shipment_id, reason=reason)


def resume(
    shipment_id: str = "o-1", actor: Actor = CLERK, n: int = 1, **numbers: str
) -> c.ResumeRefusedShipment:
    """The clerk hands the fixed paperwork over again: the shipment's own numbers unless given."""
    docs = {
        "waybill_no": f"WB{n:08d}",
        "outbound_note_no": f"CK{n:08d}",
        "invoice_no": f"FP{n:08d}",
        **numbers,
    }
    return c.ResumeRefusedShipment(
        command_id=cmd_id(),
        actor=actor,
        shipment_id=shipment_id,
        fixed="invoice reprinted",
        to_keeper="keeper-1",
        **docs,
    )


def fill(batch_date: date = DAY) -> c.FillDailyShippingReport:
    return c.FillDailyShippingReport(command_id=cmd_id(), actor=KEEPER, batch_date=batch_date)


def submit(batch_date: date = DAY) -> c.SubmitDailyShippingReport:
    return c.SubmitDailyShippingReport(
        command_id=cmd_id(), actor=KEEPER, batch_date=batch_date, to_manager="mgr-1"
    )


async def reserve(h: Shipping, order_id: str = "o-1") -> None:
    """The stock ledger's StockReserved for every line of the order (FUL-20, FUL-22)."""
    reserved = StockReserved(
        shipment_id=order_id,
        order_id=order_id,
        lots=tuple(ReservedLot(sku=ln.sku, lot_no=f"L-{ln.sku}", quantity=ln.quantity) for ln in LINES),
        reserved_at=h.clock.now(),
    )
    await h.deliver(h.flow, reserved, h.clock.now(), aggregate="StockAllocation")


async def short_of(h: Shipping, order_id: str = "o-1", sku: str = "TV-55") -> None:
    """The stock ledger's StockShortage: one line is not covered (FUL-20, ORD-10)."""
    short = StockShortage(
        shipment_id=order_id,
        order_id=order_id,
        short=(ShortLine(sku=sku, requested=1, available=0),),
        detected_at=h.clock.now(),
    )
    await h.deliver(h.flow, short, h.clock.now(), aggregate="StockAllocation")


def approved(return_required: bool) -> RefundRequestApproved:
    """After-sales approved case c-1 of o-1 (AS-3: no return required means goods not received)."""
    return RefundRequestApproved(
        case_id="c-1",
        order_id="o-1",
        approver="sup-1",
        return_required=return_required,
        approved_at=AFTER_CUTOFF,
    )


def confirm_recalled(shipment_id: str = "o-1", actor: Actor = KEEPER) -> c.ConfirmShipmentRecalled:
    return c.ConfirmShipmentRecalled(
        command_id=cmd_id(), actor=actor, shipment_id=shipment_id, note="parcel taken back from the van"
    )


def decline_recall(
    shipment_id: str = "o-1", actor: Actor = KEEPER, reason: str = "the courier left at 15:10"
) -> c.DeclineShipmentRecall:
    return c.DeclineShipmentRecall(command_id=cmd_id(), actor=actor, shipment_id=shipment_id, reason=reason)


async def ready_to_dispatch(h: Shipping, *order_ids: str, reserved: bool = True) -> None:
    """Orders queued before the cut-off, their stock reserved by the ledger (unless `reserved` is
    false), the report made at 14:00, the packet handed over, the products' accessories defined and
    checked complete."""
    for order_id in order_ids or ("o-1",):
        await h.queue_order(order_id)
        if reserved:
            await reserve(h, order_id)
    await h.catalogue(accessories("TV-55", "remote", "manual"), accessories("CABLE"))
    h.clock.set(AFTER_CUTOFF)
    await h.given(generate())
    await h.given(await full_packet(h))
    for order_id in order_ids or ("o-1",):
        await h.given(check(("remote", "manual"), order_id))
