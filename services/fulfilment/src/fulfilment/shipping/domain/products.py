"""The accessory lists the warehouse checks before dispatch (FUL-4; decision 0011).

The catalogue owns them now: fulfilment reads the catalogue's products (`CatalogueProduct`, from
its events, adapters/catalogue.py). Fulfilment's own legacy aggregate `Product` (one per SKU, its
`ProductAccessoriesDefined` events on the FULFILMENT stream, from before the catalogue) is kept as
the fallback: a SKU the catalogue never spoke for is checked against the list fulfilment defined
then, until the catalogue speaks for it (the one-off `shopctl migrate accessories` hands every
legacy list to the catalogue). Nothing appends to the legacy aggregate any more:
DefineProductAccessories is refused, pointing to the catalogue's SetAccessories.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NoReturn

from fulfilment.shipping.domain.events import ProductAccessoriesDefined
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_PRODUCT
from shop_contracts.messages import EventData

RETIRED = (
    "accessory lists are kept by the catalogue now (decision 0011): set the list with "
    "catalog.commands.SetAccessories; fulfilment reads it from the catalogue's events"
)


@dataclass(frozen=True)
class ProductState:
    """The legacy list fulfilment defined for a SKU before the catalogue (FULFILMENT_PRODUCT)."""

    sku: str = ""
    accessories: tuple[str, ...] | None = None
    """None until a list is defined; an empty tuple is a product without accessories."""


@dataclass(frozen=True)
class CatalogueProduct:
    """What the catalogue says of a SKU: its name and specifications (printed on the documents)
    and its accessory list (FUL-4)."""

    sku: str
    name: str
    specifications: Mapping[str, str] = field(default_factory=dict)
    accessories: tuple[str, ...] = ()


def evolve(state: ProductState, event: EventData) -> ProductState:
    if isinstance(event, ProductAccessoriesDefined):
        return ProductState(sku=event.sku, accessories=event.accessories)
    return state


registry = EventRegistry([ProductAccessoriesDefined])
PRODUCT: AggregateType[ProductState] = AggregateType.of(FULFILMENT_PRODUCT, registry, ProductState, evolve)


def required_accessories(catalogue: CatalogueProduct | None, legacy: ProductState) -> tuple[str, ...] | None:
    """FUL-4: the list to check a SKU against: the catalogue's once it spoke for the SKU, else the
    legacy list (None when neither has one)."""
    if catalogue is not None:
        return catalogue.accessories
    return legacy.accessories


def define_accessories() -> NoReturn:
    """DefineProductAccessories is retired (FUL-4, decision 0011): always refused."""
    raise RuleViolated(RETIRED, "FUL-4")
