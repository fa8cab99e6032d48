"""The shipping context's composition (SM-SHIP-BATCH, SM-SHIP; FUL-1..FUL-11, AS-3, AS-6): its
commands, queries, read models (with the warehouse's notices per recipient role, C14) and
reactions on the fulfilment runtime, and the catalogue's products (accessory lists, FUL-4; names on
the documents; decision 0011); each projection's durable consumer derives from its `sources`
(decision 0007). `fulfilment/bootstrap.py` wires this and the stock ledger onto one runtime.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fulfilment.shipping.adapters import notices, queries
from fulfilment.shipping.adapters.catalogue import CatalogueProducts, CatalogueReader
from fulfilment.shipping.adapters.documents import DocumentSetup
from fulfilment.shipping.adapters.notices import WarehouseNotices
from fulfilment.shipping.adapters.views import ShippingViews
from fulfilment.shipping.application.handlers import ShippingCommands
from fulfilment.shipping.application.reactions import AftersalesReactions, OrdersReactions, ShippingFlow
from fulfilment.shipping.domain.policy import ShippingPolicy
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import fulfilment as c
from shop_contracts.queries.fulfilment import (
    GetShipment,
    GetShippingDay,
    ListNotices,
    ListShipments,
    RenderDocument,
    ShippingDayHistory,
)


class ShippingService:
    """The shipping side's running parts, kept so queries and tests find the live tables."""

    def __init__(
        self,
        runtime: ServiceRuntime,
        policy: ShippingPolicy,
        documents_dir: Path,
        document_setup: DocumentSetup | None = None,
    ) -> None:
        self.runtime = runtime
        self.catalogue = CatalogueProducts()
        self.commands = ShippingCommands(
            runtime, policy, CatalogueReader(runtime.engine, lambda: self.tables(self.catalogue))
        )
        self.views = ShippingViews()
        self.notices = WarehouseNotices()
        self.documents_dir = documents_dir
        self.document_setup = document_setup or DocumentSetup(business_tz=policy.business_tz)

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    def wire(self) -> None:
        rt, cmds = self.runtime, self.commands
        rt.command(c.GenerateDailyShippingReport, cmds.generate_report)
        rt.command(c.HandOverShippingPacket, cmds.hand_over_packet)
        rt.command(c.FillDailyShippingReport, cmds.fill_report)
        rt.command(c.SubmitDailyShippingReport, cmds.submit_report)
        rt.command(c.DefineProductAccessories, cmds.define_accessories)
        rt.command(c.CheckAccessories, cmds.check_accessories)
        rt.command(c.RefuseOutbound, cmds.refuse_outbound)
        rt.command(c.ResumeRefusedShipment, cmds.resume_refused)
        rt.command(c.DispatchShipment, cmds.dispatch)
        rt.command(c.StampOutboundNote, cmds.stamp)
        rt.command(c.ConfirmShipmentRecalled, cmds.confirm_recalled)
        rt.command(c.DeclineShipmentRecall, cmds.decline_recall)
        rt.command(c.RecordShipmentInTransit, cmds.in_transit)
        rt.command(c.RecordDelivery, cmds.deliver)
        rt.command(c.ReportCourierException, cmds.report_exception)
        rt.command(c.ResolveCourierException, cmds.resolve_exception)
        rt.command(c.ReceiveReturnParcel, cmds.receive_return)
        projections: tuple[Projection, ...] = (
            self.views,
            self.notices,
            self.catalogue,
            ShippingFlow(cmds),
            OrdersReactions(cmds),
            AftersalesReactions(cmds),
        )
        for projection in projections:
            rt.projection(projection)
        rt.query(GetShippingDay, self.get_shipping_day)
        rt.query(ShippingDayHistory, self.shipping_day_history)
        rt.query(ListNotices, self.list_notices)
        rt.query(ListShipments, self.list_shipments)
        rt.query(GetShipment, self.get_shipment)
        rt.query(RenderDocument, self.render_document)

    async def get_shipping_day(self, query: GetShippingDay) -> dict[str, Any]:
        return await queries.get_shipping_day(self.runtime.engine, self.tables(self.views), query)

    async def shipping_day_history(self, query: ShippingDayHistory) -> dict[str, Any]:
        return await queries.shipping_day_history(self.runtime.engine, self.tables(self.views), query)

    async def list_notices(self, query: ListNotices) -> dict[str, Any]:
        return await notices.list_notices(self.runtime.engine, self.tables(self.notices), query)

    async def list_shipments(self, query: ListShipments) -> dict[str, Any]:
        return await queries.list_shipments(self.runtime.engine, self.tables(self.views), query)

    async def get_shipment(self, query: GetShipment) -> dict[str, Any]:
        return await queries.get_shipment(self.runtime.engine, self.tables(self.views), query)

    async def render_document(self, query: RenderDocument) -> dict[str, Any]:
        return await queries.render_document(
            self.runtime.engine,
            self.tables(self.views),
            query,
            self.documents_dir,
            self.document_setup,
            self.tables(self.catalogue),
        )
