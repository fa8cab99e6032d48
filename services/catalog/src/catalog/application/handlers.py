"""Command handlers: load the product (`Product.<sku>`), let the domain decide, append (CAT-1..CAT-11,
SM-LIST).

A bulk upload (CAT-4) checks every row against its product first and refuses the whole batch
with one error detail per wrong field (`rows.<n>.<field>`); otherwise its detail pages go in one
command over all its products (`execute_all`: nothing partial). Inspections fed by fulfilment's
events and the CAT-3 deadline run in-process with the system actor; their causes derive from the
event or the deadline, so a redelivery appends nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Literal, TypeVar

from catalog.domain import product as p
from catalog.domain.policy import CatalogPolicy
from catalog.domain.product import Product
from jetstream_es.commands import Aggregates, Cause, CommandResult, cause_of
from shop_contracts.commands import catalog as c
from shop_contracts.messages import Command, EventData

C = TypeVar("C", bound=Command)
Decide = Callable[[Product, C, CatalogPolicy, datetime], Sequence[EventData]]


class ProductCommands:
    """Every way a Product changes; the aggregates are the runtime's (`aggregates(PRODUCT)`)."""

    def __init__(self, products: Aggregates[Product], policy: CatalogPolicy) -> None:
        self.products, self.policy = products, policy

    async def _run(self, cmd: C, sku: str, decide: Decide[C], *, must_exist: bool = True) -> CommandResult:
        return await self.products.execute(
            sku, cause_of(cmd), lambda s, now: decide(s, cmd, self.policy, now), must_exist=must_exist
        )

    async def select(self, cmd: c.SelectProduct) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.select, must_exist=False)

    async def record_selling_points(self, cmd: c.RecordSellingPoints) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.record_selling_points)

    async def record_photography(self, cmd: c.RecordPhotography) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.record_photography)

    async def retouch(self, cmd: c.RetouchImages) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.retouch)

    async def review_images(self, cmd: c.ReviewProductImages) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.review_images)

    async def edit_detail_page(self, cmd: c.EditDetailPage) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.edit_detail_page)

    async def record_production_step(self, cmd: c.RecordProductionStep) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.record_production_step)

    async def approve_launch(self, cmd: c.ApproveLaunch) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.approve_launch)

    async def list_product(self, cmd: c.ListProduct) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.list_product, must_exist=False)

    async def relist(self, cmd: c.RelistProduct) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.relist)

    async def delist(self, cmd: c.DelistProduct) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.delist)

    async def set_price(self, cmd: c.SetPrice) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.set_price)

    async def set_accessories(self, cmd: c.SetAccessories) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.set_accessories)

    async def change_details(self, cmd: c.ChangeProductDetails) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.change_details)

    async def record_inspection(self, cmd: c.RecordInspection) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.record_inspection, must_exist=False)

    async def plan_supplier_selection(self, cmd: c.PlanSupplierSelection) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.plan_supplier_selection)

    async def record_supplier_quote(self, cmd: c.RecordSupplierQuote) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.record_supplier_quote)

    async def select_supplier(self, cmd: c.SelectSupplier) -> CommandResult:
        return await self._run(cmd, cmd.sku, p.select_supplier)

    async def bulk_upload(self, cmd: c.BulkUploadProducts) -> CommandResult:
        """CAT-4: every row checked first; one wrong row refuses the batch, naming each wrong field.
        The answer names the batch (`aggregate_id`), the number of products and every event id."""
        self.policy.roles.require(cmd.actor, "BulkUploadProducts")
        problems: list[tuple[str, str]] = []
        seen: set[str] = set()
        for index, row in enumerate(cmd.rows):
            if row.sku in seen:
                problems.append((f"rows.{index}.sku", f"CAT-4: {row.sku} is in the batch twice"))
                continue
            seen.add(row.sku)
            problems += p.bulk_row_problems(
                await self.products.state(row.sku, fresh=True), row, self.policy, index
            )
        p.refuse_fields(
            problems, "CAT-4", message=f"CAT-4: the batch {cmd.batch_id} is refused, nothing uploaded"
        )

        def step(index: int, row: c.BulkUploadRow) -> Callable[[Product, datetime], Sequence[EventData]]:
            return lambda s, now: p.bulk_row(s, row, cmd.batch_id, cmd.actor, self.policy, now, index)

        steps = [self.products.step(row.sku, step(i, row)) for i, row in enumerate(cmd.rows)]
        results = await self.products.execute_all(cause_of(cmd), *steps)
        return CommandResult(
            cmd.batch_id,
            len(results),
            tuple(e for r in results for e in r.event_ids),
            repeated=all(r.repeated for r in results),
        )

    async def inspected(
        self,
        sku: str,
        result: Literal["passed", "failed"],
        *,
        lot_no: str | None,
        note: str,
        inspector: str,
        cause: Cause,
    ) -> CommandResult:
        """CAT-5: an inspection result fulfilment reported (`cause`: `Cause.of_event`)."""
        return await self.products.execute(
            sku,
            cause,
            lambda s, now: p.inspected(
                s, sku=sku, result=result, lot_no=lot_no, note=note, inspector=inspector, now=now
            ),
            must_exist=False,
        )

    async def window_expired(self, sku: str, new_until: datetime, cause: Cause) -> CommandResult:
        """CAT-3: the new-product window's end (`cause` derives from the deadline's id)."""
        return await self.products.execute(sku, cause, lambda s, now: p.window_expired(s, new_until))
