"""One-off data migrations an operator runs with `shopctl migrate ...`.

`accessories` (FUL-4, AS-7, decision 0011): the accessory lists fulfilment kept itself before the
catalogue (`ProductAccessoriesDefined` on the FULFILMENT stream, aggregate `Product.<sku>`) are
handed to the catalogue, one `catalog.commands.SetAccessories` per SKU with its latest legacy
list. The command id derives from the legacy event's id, so running the migration again sends
nothing new: a list the catalogue already holds answers unchanged. A SKU the catalogue has not
selected yet is refused by it and reported; fulfilment keeps checking that SKU against its legacy
list (the fallback) until the catalogue speaks for it, and a later run migrates it. Nothing is
changed on the FULFILMENT stream: events are never rewritten.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nats.aio.client import Client

from shop_contracts.aggregates import CATALOG_PRODUCT, FULFILMENT_PRODUCT
from shop_contracts.subjects import command_subject
from shopctl.inspect import decode_msg, read_subject

LEGACY_EVENT = "ProductAccessoriesDefined"
SET_ACCESSORIES = command_subject(CATALOG_PRODUCT.service, "SetAccessories")

Ask = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class LegacyList:
    sku: str
    accessories: tuple[str, ...]
    event_id: str
    seq: int


async def legacy_accessory_lists(nc: Client) -> list[LegacyList]:
    """The latest legacy list of every SKU fulfilment defined one for, in SKU order."""
    latest: dict[str, LegacyList] = {}
    for msg in await read_subject(nc, FULFILMENT_PRODUCT.stream, FULFILMENT_PRODUCT.filter):
        event = decode_msg(msg)
        if event.get("event_type") != LEGACY_EVENT or not isinstance(event.get("data"), dict):
            continue
        data = event["data"]
        sku = str(data["sku"])
        latest[sku] = LegacyList(
            sku, tuple(data.get("accessories") or ()), str(event["event_id"]), event["seq"]
        )
    return [latest[sku] for sku in sorted(latest)]


def command_id(legacy: LegacyList) -> str:
    """The migration's command for one legacy list: the same on every run (idempotent)."""
    return f"migrate-accessories-{legacy.event_id}"[:128]


async def migrate_accessories(nc: Client, ask: Ask, *, dry_run: bool = False) -> list[dict[str, Any]]:
    """Hand every legacy list to the catalogue; one row per SKU saying what happened."""
    rows: list[dict[str, Any]] = []
    for legacy in await legacy_accessory_lists(nc):
        row: dict[str, Any] = {"sku": legacy.sku, "accessories": list(legacy.accessories), "seq": legacy.seq}
        if dry_run:
            rows.append({**row, "outcome": "would_migrate"})
            continue
        body = {"command_id": command_id(legacy), "sku": legacy.sku, "accessories": list(legacy.accessories)}
        reply = await ask(SET_ACCESSORIES, body)
        if reply.get("ok"):
            outcome = "migrated" if reply.get("events") and not reply.get("repeated") else "unchanged"
            rows.append({**row, "outcome": outcome})
        else:
            error = reply.get("error") or {}
            rows.append(
                {
                    **row,
                    "outcome": "refused",
                    "code": error.get("code"),
                    "message": error.get("message"),
                    "note": "fulfilment keeps checking this SKU against its legacy list; run again once "
                    "the catalogue has the product",
                }
            )
    return rows
