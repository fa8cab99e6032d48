"""CAT-5: fulfilment's inspection results reach the catalogue (检验不合格的商品,电商平台有权拒绝上架销售).

A reaction on fulfilment's StockItem events (`catalog-inspections`): an `InboundReceived` whose
lot is `failed` or `passed` (a `pending` lot decides nothing yet) and every `LotInspectionRecorded`
record the result on `Product.<sku>`; a failure delists a listed product (`failed_inspection`) and
refuses listing until an inspection passes. It runs in-process with the system actor, its cause
is `Cause.of_event`, so a redelivered event appends nothing. A SKU that cannot be a catalogue SKU
(not one subject token) is skipped: the catalogue never lists it. The warehouse keeper may record
a result by hand too (`RecordInspection`).
"""

from __future__ import annotations

import re

import structlog

from catalog.application.handlers import ProductCommands
from jetstream_es.commands import Cause
from jetstream_es.projection import Decoded, Reaction
from shop_contracts.aggregates import FULFILMENT_STOCK_ITEM
from shop_contracts.envelope import SYSTEM_ACTOR
from shop_contracts.events.catalog import SKU_PATTERN
from shop_contracts.events.stock import InboundReceived, LotInspectionRecorded

log = structlog.get_logger(__name__)
_SKU = re.compile(SKU_PATTERN)


class InspectionReactions(Reaction):
    name = "catalog_inspections"
    sources = (FULFILMENT_STOCK_ITEM,)
    models = (InboundReceived, LotInspectionRecorded)
    handles = frozenset(m.event_type for m in models)

    def __init__(self, commands: ProductCommands) -> None:
        super().__init__()
        self.commands = commands

    async def react(self, item: Decoded) -> None:
        data = item.data
        match data:
            case InboundReceived() if data.inspection != "pending":
                result, inspector, note = (
                    data.inspection,
                    data.received_by,
                    f"inbound {data.delivery_note_no}",
                )
            case LotInspectionRecorded():
                result, inspector, note = data.inspection, data.inspector, data.note
            case _:
                return
        if not _SKU.match(data.sku):
            log.info("inspection_skipped_not_a_catalogue_sku", sku=data.sku)
            return
        cause = Cause.of_event(self.name, item.event.envelope, SYSTEM_ACTOR)
        outcome = await self.commands.inspected(
            data.sku, result, lot_no=data.lot_no, note=note, inspector=inspector, cause=cause
        )
        log.info("inspection_recorded", sku=data.sku, result=result, repeated=outcome.repeated)
