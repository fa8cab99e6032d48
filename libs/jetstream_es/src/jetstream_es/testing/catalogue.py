"""The catalogue's products for tests of the services that learn them from its events: orders
refuses a SKU the catalogue does not list (CAT-7), fulfilment checks the accessory list (FUL-4),
after-sales inspects a return against it (AS-7), and the documents print the product's name.

`listed(...)` builds the `ProductListed` event of one product; `list_products(nc, ...)` publishes
such events on the CATALOG stream as the catalogue's event store would, so a test that places an
order over NATS lists its products first (then waits for the service's read model, `caught_up`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from nats.aio.client import Client

from jetstream_es.testing.harness import publish_event
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.events.catalog import ProductListed

LISTED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def listed(
    sku: str,
    price: Decimal | str = "1.00",
    *,
    name: str | None = None,
    specifications: dict[str, str] | None = None,
    accessories: tuple[str, ...] = (),
    at: datetime = LISTED_AT,
) -> ProductListed:
    """`sku` on sale at `price` (its name defaults to the SKU's own `Product <sku>`)."""
    return ProductListed(
        sku=sku,
        name=name or f"Product {sku}",
        specifications=specifications or {},
        price=Decimal(price),
        accessories=accessories,
        listed_by="catalogue-test",
        listed_at=at,
        new_until=at + timedelta(days=30),
    )


async def list_products(nc: Client, *products: ProductListed, version: int = 1) -> None:
    """Publish each product's `ProductListed` on `catalog.events.Product.<sku>` (as `version`)."""
    for product in products:
        await publish_event(
            nc,
            CATALOG_PRODUCT.service,
            CATALOG_PRODUCT.name,
            product.sku,
            product,
            f"listed-{product.sku}-{version}",
            occurred_at=product.listed_at,
            version=version,
        )


__all__ = ["LISTED_AT", "list_products", "listed"]
