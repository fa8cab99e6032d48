"""The catalogue's products as another service sees them (CAT-7, FUL-4, AS-7; decision 0011): one
row per SKU, fed by the catalogue's `Product.<sku>` events (`sources = (CATALOG_PRODUCT,)`, the
CATALOG stream). Every public fact of a product is declared here once; a service subclasses
`CatalogueProducts` with its own `name` (its durable consumer, its checkpoint) and the `facts` it
keeps (its table's columns), and maps the rows to its own domain types:

- orders keeps state, name and price: PlaceOrder sells only a listed SKU at its listed price (CAT-7);
- fulfilment keeps name, specifications and accessories: the shipping documents print them next to
  the SKU and the warehouse keeper checks the accessories before dispatch (FUL-4);
- after-sales keeps the same three: the return note (退貨單) prints them and a returned parcel is
  inspected against the accessory list (AS-7).

ProductListed (also a relisting) sets every fact and makes the SKU listed; ProductDelisted makes it
delisted; ProductPriceSet changes the price; ProductDetailsChanged the name, specifications and
labels; ProductAccessoriesChanged the accessory list (an empty list: the product ships without
any). A SKU first heard of by an event other than ProductListed is `unlisted` (known, never
listed). A SKU the catalogue never spoke for has no row (each service says what it falls back to).
An instance handles only the events that carry a fact it keeps. An older event never overwrites a
newer one (the product's version decides), so a redelivery changes nothing and a replay rebuilds
the same rows.

Eventually consistent: a reader sees the catalogue as of the last event its service applied (the
projection's lag, reported by each service's `Health` query); no service waits on the catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jetstream_es.events import EventRegistry
from jetstream_es.projection import ApplyContext, Decoded, Projection, Tables
from jetstream_es.sql import cents, upsert
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.events.catalog import (
    ProductAccessoriesChanged,
    ProductDelisted,
    ProductDetailsChanged,
    ProductListed,
    ProductPriceSet,
)
from shop_contracts.messages import EventData

T = TypeVar("T")


class Listing(StrEnum):
    """Whether the catalogue sells the product: on sale, off sale, or known but never listed (CAT-7)."""

    LISTED = "listed"
    DELISTED = "delisted"
    UNLISTED = "unlisted"


class Fact(StrEnum):
    """A public fact of a product, in the order its column stands in the table."""

    STATE = "state"
    NAME = "name"
    SPECIFICATIONS = "specifications"
    PRICE = "price"
    ACCESSORIES = "accessories"
    LABELS = "labels"


_ORDER: tuple[type[EventData], ...] = (
    ProductListed,
    ProductDelisted,
    ProductPriceSet,
    ProductAccessoriesChanged,
    ProductDetailsChanged,
)


_CARRIED_BY: dict[Fact, tuple[type[EventData], ...]] = {
    Fact.STATE: (ProductListed, ProductDelisted),
    Fact.NAME: (ProductListed, ProductDetailsChanged),
    Fact.SPECIFICATIONS: (ProductListed, ProductDetailsChanged),
    Fact.PRICE: (ProductListed, ProductPriceSet),
    Fact.ACCESSORIES: (ProductListed, ProductAccessoriesChanged),
    Fact.LABELS: (ProductListed, ProductDetailsChanged),
}


def _columns(fact: Fact) -> Column[Any]:
    match fact:
        case Fact.STATE:
            return Column("state", String(16), nullable=False)
        case Fact.NAME:
            return Column("name", String(200), nullable=False)
        case Fact.PRICE:
            return Column("price_cents", BigInteger, nullable=True)
        case _:
            return Column(str(fact), Text, nullable=False)


_FIRST: dict[Fact, dict[str, Any]] = {
    Fact.STATE: {"state": Listing.UNLISTED},
    Fact.NAME: {"name": ""},
    Fact.SPECIFICATIONS: {"specifications": "{}"},
    Fact.PRICE: {"price_cents": None},
    Fact.ACCESSORIES: {"accessories": "[]"},
    Fact.LABELS: {"labels": "[]"},
}


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _facts_of(data: EventData) -> dict[Fact, dict[str, Any]]:
    """The facts an event states, as column values."""
    match data:
        case ProductListed():
            return {
                Fact.STATE: {"state": Listing.LISTED},
                Fact.NAME: {"name": data.name},
                Fact.SPECIFICATIONS: {"specifications": _text(data.specifications)},
                Fact.PRICE: {"price_cents": cents(data.price)},
                Fact.ACCESSORIES: {"accessories": _text(list(data.accessories))},
                Fact.LABELS: {"labels": _text(list(data.labels))},
            }
        case ProductDelisted():
            return {Fact.STATE: {"state": Listing.DELISTED}}
        case ProductPriceSet():
            return {Fact.PRICE: {"price_cents": cents(data.price)}}
        case ProductDetailsChanged():
            return {
                Fact.NAME: {"name": data.name},
                Fact.SPECIFICATIONS: {"specifications": _text(data.specifications)},
                Fact.LABELS: {"labels": _text(list(data.labels))},
            }
        case ProductAccessoriesChanged():
            return {Fact.ACCESSORIES: {"accessories": _text(list(data.accessories))}}
    return {}


@dataclass(frozen=True, slots=True)
class CatalogueProductRow:
    """A product as the read model holds it; a fact the instance does not keep has its default."""

    sku: str
    version: int
    state: Listing | None = None
    name: str = ""
    specifications: dict[str, str] | None = None
    price: Decimal | None = None
    accessories: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


class CatalogueProducts(Projection):
    """The catalogue's products; a subclass names itself (`name`) and the `facts` it keeps."""

    sources = (CATALOG_PRODUCT,)
    skip_unknown_types = True
    handles = frozenset(t.event_type for t in _ORDER)
    facts: ClassVar[tuple[Fact, ...]] = tuple(Fact)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        unknown = [f for f in cls.facts if not isinstance(f, Fact)]
        if not cls.facts or unknown:
            raise TypeError(f"{cls.__name__}.facts: one or more shop_views.catalogue.Fact, not {unknown}")
        cls.facts = tuple(f for f in Fact if f in cls.facts)
        cls.handles = frozenset(t.event_type for f in cls.facts for t in _CARRIED_BY[f])

    def __init__(self) -> None:
        carried = {t for f in self.facts for t in _CARRIED_BY[f]}
        super().__init__(EventRegistry([t for t in _ORDER if t in carried]))

    def define_tables(self, metadata: MetaData, suffix: str) -> dict[str, Table]:
        table = Table(
            f"catalogue_products{suffix}",
            metadata,
            Column("sku", String(64), primary_key=True),
            *(_columns(f) for f in self.facts),
            Column("version", Integer, nullable=False),
        )
        return {"products": table}

    async def apply(self, conn: AsyncConnection, tables: Tables, item: Decoded, ctx: ApplyContext) -> None:
        table, envelope, data = tables["products"], item.event.envelope, item.data
        stated = _facts_of(data)
        sku = getattr(data, "sku", None)
        row: dict[str, Any] = {}
        for fact in self.facts:
            row |= stated.get(fact, {})
        if not row or not isinstance(sku, str):
            return
        row["version"] = envelope.version
        first: dict[str, Any] = {}
        for fact in self.facts:
            first |= _FIRST[fact]
        stmt = upsert(conn, table).values(sku=sku, **(first | row))
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c.sku], set_=row, where=table.c.version < envelope.version
            )
        )


def _row(values: Any) -> CatalogueProductRow:
    found = dict(values._mapping)
    price = found.get("price_cents")
    return CatalogueProductRow(
        sku=found["sku"],
        version=int(found["version"]),
        state=Listing(found["state"]) if "state" in found else None,
        name=found.get("name", ""),
        specifications=json.loads(found["specifications"]) if "specifications" in found else None,
        price=None if price is None else (Decimal(price) / 100).quantize(Decimal("0.01")),
        accessories=tuple(json.loads(found.get("accessories", "[]"))),
        labels=tuple(json.loads(found.get("labels", "[]"))),
    )


async def catalogue_products(
    conn: AsyncConnection, tables: Tables, skus: Iterable[str]
) -> dict[str, CatalogueProductRow]:
    """The catalogue's word on `skus` (a SKU it never spoke for is absent)."""
    table = tables["products"]
    rows = (await conn.execute(select(table).where(table.c.sku.in_(sorted(set(skus)))))).all()
    return {row.sku: _row(row) for row in rows}


class CatalogueReader(Generic[T]):
    """`catalogue_products` on the live tables, each row mapped by `to_domain` to the service's type."""

    def __init__(
        self,
        engine: AsyncEngine,
        tables: Callable[[], Tables],
        to_domain: Callable[[CatalogueProductRow], T],
    ) -> None:
        self.engine, self.tables, self.to_domain = engine, tables, to_domain

    async def products(self, skus: Iterable[str]) -> dict[str, T]:
        async with self.engine.connect() as conn:
            found = await catalogue_products(conn, self.tables(), skus)
        return {sku: self.to_domain(row) for sku, row in found.items()}
