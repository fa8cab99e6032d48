"""Wires the catalogue service onto the runtime (issue 19, CAT-1..CAT-11, SM-LIST): the Product
commands, the inspection reaction on fulfilment's StockItem events (CAT-5), the catalogue, sales
(CAT-10) and new-product deadline (CAT-3) projections with their scheduler, and the GetProduct,
ListProducts and ProductSales queries. Each projection names its source aggregates; the runtime
derives the durable consumers from them (decision 0007).
"""

from __future__ import annotations

from typing import Any

from catalog.adapters import queries
from catalog.adapters.views import ListingDeadlines, ProductCatalogue, ProductSalesView
from catalog.application.deadlines import NewWindowFirer
from catalog.application.handlers import ProductCommands
from catalog.application.reactions import InspectionReactions
from catalog.domain.policy import CatalogPolicy
from catalog.domain.product import PRODUCT
from jetstream_es.deadlines import DeadlineScheduler
from jetstream_es.projection import Projection, Tables
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import catalog as c
from shop_contracts.queries.catalog import GetProduct, ListProducts, ProductSales

NAME = "catalog"
COMMANDS = (
    c.SelectProduct,
    c.RecordSellingPoints,
    c.RecordPhotography,
    c.RetouchImages,
    c.ReviewProductImages,
    c.EditDetailPage,
    c.BulkUploadProducts,
    c.RecordProductionStep,
    c.ApproveLaunch,
    c.ListProduct,
    c.RelistProduct,
    c.DelistProduct,
    c.SetPrice,
    c.SetAccessories,
    c.ChangeProductDetails,
    c.RecordInspection,
    c.PlanSupplierSelection,
    c.RecordSupplierQuote,
    c.SelectSupplier,
)


class CatalogService:
    """The running service's parts, kept so queries and tests find them."""

    def __init__(self, runtime: ServiceRuntime, policy: CatalogPolicy) -> None:
        self.runtime = runtime
        self.policy = policy
        self.products = runtime.aggregates(PRODUCT)
        self.commands = ProductCommands(self.products, policy)
        self.catalogue = ProductCatalogue()
        self.sales = ProductSalesView()
        self.deadlines = ListingDeadlines()
        self.scheduler = DeadlineScheduler(
            runtime.engine,
            lambda: self.tables(self.deadlines)["deadlines"],
            runtime.clock,
            NewWindowFirer(self.commands),
        )

    def tables(self, projection: Projection) -> Tables:
        return self.runtime.runner(projection.name).tables

    def wire(self) -> None:
        rt, k = self.runtime, self.commands
        rt.command(c.SelectProduct, k.select)
        rt.command(c.RecordSellingPoints, k.record_selling_points)
        rt.command(c.RecordPhotography, k.record_photography)
        rt.command(c.RetouchImages, k.retouch)
        rt.command(c.ReviewProductImages, k.review_images)
        rt.command(c.EditDetailPage, k.edit_detail_page)
        rt.command(c.BulkUploadProducts, k.bulk_upload)
        rt.command(c.RecordProductionStep, k.record_production_step)
        rt.command(c.ApproveLaunch, k.approve_launch)
        rt.command(c.ListProduct, k.list_product)
        rt.command(c.RelistProduct, k.relist)
        rt.command(c.DelistProduct, k.delist)
        rt.command(c.SetPrice, k.set_price)
        rt.command(c.SetAccessories, k.set_accessories)
        rt.command(c.ChangeProductDetails, k.change_details)
        rt.command(c.RecordInspection, k.record_inspection)
        rt.command(c.PlanSupplierSelection, k.plan_supplier_selection)
        rt.command(c.RecordSupplierQuote, k.record_supplier_quote)
        rt.command(c.SelectSupplier, k.select_supplier)
        for projection in (self.catalogue, self.deadlines, self.sales):
            rt.projection(projection)
        rt.projection(InspectionReactions(k))
        rt.scheduler(self.scheduler)
        rt.query(GetProduct, self.get_product)
        rt.query(ListProducts, self.list_products)
        rt.query(ProductSales, self.product_sales)

    async def get_product(self, query: GetProduct) -> dict[str, Any]:
        state = await self.products.state(query.sku, fresh=True)
        return queries.product(query.sku, state, self.policy, self.runtime.clock.now())

    async def list_products(self, query: ListProducts) -> dict[str, Any]:
        return await queries.list_products(self.runtime.engine, self.tables(self.catalogue), query)

    async def product_sales(self, query: ProductSales) -> dict[str, Any]:
        return await queries.product_sales(
            self.runtime.engine, self.tables(self.catalogue), self.tables(self.sales), query
        )
