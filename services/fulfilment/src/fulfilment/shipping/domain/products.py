"""The product catalogue the warehouse checks accessories against (FUL-4): aggregate `Product`,
one per sku, holding the accessory names the product ships with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fulfilment.shipping.domain.events import ProductAccessoriesDefined
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import InvalidCommand
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_PRODUCT
from shop_contracts.envelope import Actor
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class ProductState:
    sku: str = ""
    accessories: tuple[str, ...] | None = None
    """None until a list is defined; an empty tuple is a product without accessories."""


def evolve(state: ProductState, event: EventData) -> ProductState:
    if isinstance(event, ProductAccessoriesDefined):
        return ProductState(sku=event.sku, accessories=event.accessories)
    return state


registry = EventRegistry([ProductAccessoriesDefined])
PRODUCT: AggregateType[ProductState] = AggregateType.of(FULFILMENT_PRODUCT, registry, ProductState, evolve)


def define_accessories(
    state: ProductState, sku: str, accessories: Sequence[str], actor: Actor, now: datetime
) -> Sequence[EventData]:
    names = tuple(sorted({a.strip() for a in accessories}))
    if any(not name or len(name) > 100 for name in names):
        raise InvalidCommand(
            "accessory names are 1-100 characters, not blank", "FUL-4", fields=["accessories"]
        )
    if state.accessories == names:
        return []
    return [ProductAccessoriesDefined(sku=sku, accessories=names, defined_by=actor.id, defined_at=now)]
