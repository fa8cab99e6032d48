"""Command handlers of the shipping side: load, let the domain decide, append (SM-SHIP-BATCH,
SM-SHIP; FUL-1..FUL-11, AS-6), and the cancellations orders and after-sales cause (AS-3, SM-SHIP:
a cancellation or a recall the keeper answers).

Handlers take their aggregates from the runtime (`runtime.aggregates(KIND)`, decision 0007).
Commands that look at several aggregates read the others and decide on one: hand-over and filling
in the report read the day's shipments, dispatch reads its day (was the packet handed over,
FUL-3), the accessories check reads the catalogue's accessory lists (FUL-4, decision 0011: a read
model of the catalogue's events, eventually consistent, with fulfilment's legacy lists as the
fallback for a SKU the catalogue never spoke for). GenerateDailyShippingReport records on
two, the document register and the day, in one `execute_all` (one atomic append; see
domain/numbering.py for why that is gap-free): the register issues at most once per shipping day,
so a retry or a second clerk reuses the numbers already issued.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from fulfilment.shipping.domain import numbering, products, returns, shipment, shipping_day
from fulfilment.shipping.domain.events import DocumentNumbersIssued
from fulfilment.shipping.domain.numbering import DOCUMENT_REGISTER, REGISTER_ID, RegisterState
from fulfilment.shipping.domain.policy import ShippingPolicy
from fulfilment.shipping.domain.products import PRODUCT, CatalogueProduct, ProductState
from fulfilment.shipping.domain.returns import RETURN_PARCEL, ReturnParcelState
from fulfilment.shipping.domain.shipment import SHIPMENT, ShipmentState
from fulfilment.shipping.domain.shipping_day import SHIPPING_DAY, ShippingDayState, day_id
from jetstream_es.clock import Clock
from jetstream_es.commands import Cause, CommandResult, cause_of
from jetstream_es.errors import Conflict, InvalidCommand, NotFound
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import fulfilment as c
from shop_contracts.messages import Command, EventData

S = TypeVar("S")


class Catalogue(Protocol):
    """The catalogue's products as fulfilment knows them (adapters/catalogue.CatalogueReader)."""

    async def products(self, skus: Iterable[str]) -> Mapping[str, CatalogueProduct]: ...


class ShippingCommands:
    """Every way the shipping side's aggregates change, by people (commands) or by reactions."""

    def __init__(self, runtime: ServiceRuntime, policy: ShippingPolicy, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.clock: Clock = runtime.clock
        self.policy = policy
        self.shipments = runtime.aggregates(SHIPMENT)
        self.days = runtime.aggregates(SHIPPING_DAY)
        self.register = runtime.aggregates(DOCUMENT_REGISTER, cache_size=16)
        self.products = runtime.aggregates(PRODUCT)
        self.returns = runtime.aggregates(RETURN_PARCEL)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    async def _shipment_states(self, ids: Sequence[str]) -> dict[str, ShipmentState]:
        return {sid: await self.shipments.state(sid, fresh=True) for sid in ids}

    # -- the shipping day (SM-SHIP-BATCH) ----------------------------------------------------

    async def generate_report(self, cmd: c.GenerateDailyShippingReport) -> CommandResult:
        """Two aggregates in one command (`execute_all`): the register issues the day's numbers
        and the day prints them, in one atomic append. A repeat answers the earlier outcome; a
        register that already issued numbers for the day (a report whose day append a store
        without atomic appends lost) issues nothing and the day prints those numbers (FUL-1)."""
        self.policy.roles.require(cmd.actor, cmd.command_name)
        batch_date = cmd.batch_date or self.policy.today(self.now)
        day = await self.days.state(day_id(batch_date), fresh=True)
        states = await self._shipment_states(list(day.shipments))
        to_ship = shipping_day.to_ship(day, states)
        register: RegisterState = await self.register.state(REGISTER_ID, fresh=True)
        issued: dict[str, DocumentNumbersIssued | None] = {"numbers": register.issued.get(batch_date)}

        def issue(state: RegisterState, _now: datetime) -> Sequence[EventData]:
            events = numbering.issue_numbers(state, batch_date, to_ship, self.policy)
            found = events[0] if events else state.issued.get(batch_date)
            issued["numbers"] = found if isinstance(found, DocumentNumbersIssued) else None
            return events

        def generate(state: ShippingDayState, now: datetime) -> Sequence[EventData]:
            shipping_day.check_can_generate(state, batch_date, self.policy, now)
            if not to_ship:
                raise InvalidCommand(
                    f"every shipment of {batch_date} was cancelled: nothing to print",
                    "FUL-1",
                    fields=["batch_date"],
                )
            numbers = issued["numbers"]
            if numbers is None:
                raise Conflict(
                    f"the document register issued no numbers for {batch_date}; try again", "FUL-1"
                )
            return shipping_day.generate(state, cmd.actor, numbers, self.policy, now)

        _, printed = await self.days.execute_all(
            cause_of(cmd),
            self.register.step(REGISTER_ID, issue, must_exist=False),
            self.days.step(day_id(batch_date), generate, must_exist=False),
        )
        return printed

    async def hand_over_packet(self, cmd: c.HandOverShippingPacket) -> CommandResult:
        self.policy.roles.require(cmd.actor, cmd.command_name)
        day = await self.days.state(day_id(cmd.batch_date), fresh=True)
        if not day.exists:
            raise NotFound(f"shipping day {cmd.batch_date} has no shipments")
        states = await self._shipment_states([d.shipment_id for d in day.documents])
        packet: Mapping[str, Sequence[str]] = {
            "report": (cmd.report_no,) if cmd.report_no else (),
            "waybill": cmd.waybill_nos,
            "outbound_note": cmd.outbound_note_nos,
            "invoice": cmd.invoice_nos,
        }
        return await self.days.execute(
            day_id(cmd.batch_date),
            cause_of(cmd),
            lambda s, now: shipping_day.hand_over(s, cmd.actor, cmd.to_keeper, packet, states, now),
        )

    async def fill_report(self, cmd: c.FillDailyShippingReport) -> CommandResult:
        self.policy.roles.require(cmd.actor, cmd.command_name)
        day = await self.days.state(day_id(cmd.batch_date), fresh=True)
        if not day.exists:
            raise NotFound(f"shipping day {cmd.batch_date} has no shipments")
        states = await self._shipment_states([d.shipment_id for d in day.documents])
        return await self.days.execute(
            day_id(cmd.batch_date), cause_of(cmd), lambda s, now: shipping_day.fill(s, cmd.actor, states, now)
        )

    async def submit_report(self, cmd: c.SubmitDailyShippingReport) -> CommandResult:
        self.policy.roles.require(cmd.actor, cmd.command_name)
        return await self.days.execute(
            day_id(cmd.batch_date),
            cause_of(cmd),
            lambda s, now: shipping_day.submit(s, cmd.actor, cmd.to_manager, self.policy, now),
        )

    # -- products (FUL-4) ---------------------------------------------------------------------

    async def define_accessories(self, cmd: c.DefineProductAccessories) -> CommandResult:
        """Retired (FUL-4, decision 0011): the catalogue keeps the accessory lists."""
        products.define_accessories()

    # -- the shipment (SM-SHIP) -----------------------------------------------------------------

    async def _on_shipment(
        self, cmd: Command, shipment_id: str, decide: Callable[[ShipmentState, datetime], Sequence[EventData]]
    ) -> CommandResult:
        self.policy.roles.require(cmd.actor, cmd.command_name)
        current = await self.shipments.state(shipment_id)
        if not current.exists:
            raise NotFound(f"shipment {shipment_id} does not exist")
        return await self.shipments.execute(shipment_id, cause_of(cmd), decide)

    async def required_accessories(self, skus: Sequence[str]) -> dict[str, tuple[str, ...] | None]:
        """FUL-4 (decision 0011): each SKU's list, the catalogue's once it spoke for the SKU, else
        fulfilment's legacy one (None: neither has a list)."""
        listed = await self.catalogue.products(skus)
        required: dict[str, tuple[str, ...] | None] = {}
        for sku in skus:
            legacy: ProductState = (
                await self.products.state(sku) if sku not in listed and _token(sku) else ProductState()
            )
            required[sku] = products.required_accessories(listed.get(sku), legacy)
        return required

    async def check_accessories(self, cmd: c.CheckAccessories) -> CommandResult:
        self.policy.roles.require(cmd.actor, cmd.command_name)
        current = await self.shipments.state(cmd.shipment_id, fresh=True)
        required = await self.required_accessories([line.sku for line in current.lines])
        return await self._on_shipment(
            cmd,
            cmd.shipment_id,
            lambda s, now: shipment.check_accessories(
                s, cmd.actor, cmd.present, required, self.policy.report_recipients, now
            ),
        )

    async def refuse_outbound(self, cmd: c.RefuseOutbound) -> CommandResult:
        recipients = self.policy.report_recipients
        return await self._on_shipment(
            cmd,
            cmd.shipment_id,
            lambda s, now: shipment.refuse_outbound(s, cmd.actor, cmd.reason, recipients, now),
        )

    async def resume_refused(self, cmd: c.ResumeRefusedShipment) -> CommandResult:
        handed_over = {
            "waybill": cmd.waybill_no,
            "outbound_note": cmd.outbound_note_no,
            "invoice": cmd.invoice_no,
        }
        return await self._on_shipment(
            cmd,
            cmd.shipment_id,
            lambda s, now: shipment.resume(
                s, cmd.actor, cmd.fixed, cmd.to_keeper, handed_over, self.policy.report_recipients, now
            ),
        )

    async def dispatch(self, cmd: c.DispatchShipment) -> CommandResult:
        self.policy.roles.require(cmd.actor, cmd.command_name)
        current = await self.shipments.state(cmd.shipment_id, fresh=True)
        handed_over = False
        if current.batch_date is not None and current.report_no is not None:
            day: ShippingDayState = await self.days.state(day_id(current.batch_date), fresh=True)
            handed_over = day.handed_over
        return await self._on_shipment(
            cmd,
            cmd.shipment_id,
            lambda s, now: shipment.dispatch(s, cmd.actor, cmd.carrier, handed_over, now),
        )

    async def cancel_shipment(
        self, order_id: str, cause: Cause, reason: str, case_id: str | None = None
    ) -> CommandResult:
        """A cancellation from orders or after-sales (AS-3, SM-SHIP): at once while nothing can have
        left, else a recall the roles who may confirm it (C9 table) are asked to answer."""
        recall_to = self.policy.roles.roles(c.ConfirmShipmentRecalled.command_name)
        return await self.shipments.execute(
            order_id,
            cause,
            lambda s, now: shipment.cancel(s, order_id, reason, now, case_id=case_id, recall_to=recall_to),
            must_exist=False,
        )

    async def confirm_recalled(self, cmd: c.ConfirmShipmentRecalled) -> CommandResult:
        return await self._on_shipment(
            cmd, cmd.shipment_id, lambda s, now: shipment.confirm_recalled(s, cmd.actor, cmd.note, now)
        )

    async def decline_recall(self, cmd: c.DeclineShipmentRecall) -> CommandResult:
        recipients = self.policy.report_recipients
        return await self._on_shipment(
            cmd,
            cmd.shipment_id,
            lambda s, now: shipment.decline_recall(s, cmd.actor, cmd.reason, recipients, now),
        )

    async def stamp(self, cmd: c.StampOutboundNote) -> CommandResult:
        return await self._on_shipment(cmd, cmd.shipment_id, lambda s, now: shipment.stamp(s, cmd.actor, now))

    async def in_transit(self, cmd: c.RecordShipmentInTransit) -> CommandResult:
        return await self._on_shipment(
            cmd, cmd.shipment_id, lambda s, now: shipment.in_transit(s, cmd.location, now)
        )

    async def deliver(self, cmd: c.RecordDelivery) -> CommandResult:
        return await self._on_shipment(cmd, cmd.shipment_id, lambda s, now: shipment.deliver(s, now))

    async def report_exception(self, cmd: c.ReportCourierException) -> CommandResult:
        return await self._on_shipment(
            cmd,
            cmd.shipment_id,
            lambda s, now: shipment.report_exception(s, cmd.actor, cmd.kind, cmd.note, now),
        )

    async def resolve_exception(self, cmd: c.ResolveCourierException) -> CommandResult:
        return await self._on_shipment(
            cmd,
            cmd.shipment_id,
            lambda s, now: shipment.resolve_exception(s, cmd.actor, cmd.outcome, cmd.note, now),
        )

    # -- returns (AS-6) ---------------------------------------------------------------------------

    async def receive_return(self, cmd: c.ReceiveReturnParcel) -> CommandResult:
        self.policy.roles.require(cmd.actor, cmd.command_name)
        return await self.returns.execute(
            cmd.case_id,
            cause_of(cmd),
            lambda s, now: returns.receive(s, cmd.case_id, cmd.waybill_no, cmd.order_id, now),
            must_exist=False,
        )

    async def return_state(self, case_id: str) -> ReturnParcelState:
        return await self.returns.state(case_id)


def _token(value: str) -> bool:
    return value.replace("-", "").replace("_", "").isalnum() and value.isascii() and len(value) <= 128
