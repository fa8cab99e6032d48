"""What orders knows of the catalogue's products, and the placement check (CAT-7).

A line may be placed only for a SKU the catalogue lists: one it never listed, or one it delisted
(slow-moving, discontinued, failed inspection), is refused with rule CAT-7, the message naming the
line (counted from 0, as the wire counts `lines`) and its SKU. Each placed line records the listed
price next to the platform's `unit_price`, which stays what the customer paid. When the two differ,
`PriceMismatch` (the `ORDERS_PRICE_MISMATCH` setting) says what happens: `record` (default) keeps
both and places the order, `refuse` refuses the line with rule CAT-7.

The products come from a read model of the catalogue's events (adapters/catalogue.py), so the
check sees the catalogue as of the last event orders applied; see that module for the race.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jetstream_es.errors import RuleViolated
from shop_contracts.events.orders import OrderLine


class ProductState(StrEnum):
    """A product as orders sees it: on sale, off sale, or known (priced) but never listed."""

    LISTED = "listed"
    DELISTED = "delisted"
    UNLISTED = "unlisted"


class PriceMismatch(StrEnum):
    """CAT-7: what to do when the platform's unit price differs from the catalogue's listed price."""

    RECORD = "record"
    REFUSE = "refuse"


@dataclass(frozen=True)
class CatalogueProduct:
    sku: str
    state: ProductState
    price: Decimal | None
    name: str = ""


def priced_lines(
    lines: Sequence[OrderLine], products: Mapping[str, CatalogueProduct], mismatch: PriceMismatch
) -> tuple[OrderLine, ...]:
    """The lines with their listed price, or a CAT-7 refusal naming the first line at fault."""
    placed: list[OrderLine] = []
    for index, line in enumerate(lines):
        product = products.get(line.sku)
        if product is None or product.state is ProductState.UNLISTED:
            raise RuleViolated(
                f"line {index}: sku {line.sku} is not listed in the catalogue; only listed products are sold",
                "CAT-7",
            )
        if product.state is ProductState.DELISTED:
            raise RuleViolated(
                f"line {index}: sku {line.sku} is delisted; a delisted product must not be sold", "CAT-7"
            )
        if mismatch is PriceMismatch.REFUSE and product.price != line.unit_price:
            raise RuleViolated(
                f"line {index}: sku {line.sku} at {line.unit_price} differs from its listed price "
                f"{product.price} (ORDERS_PRICE_MISMATCH=refuse)",
                "CAT-7",
            )
        placed.append(line.model_copy(update={"listed_price": product.price}))
    return tuple(placed)


def as_given(lines: Sequence[OrderLine]) -> tuple[OrderLine, ...]:
    """The lines as the platform gave them (without the listed price orders added): what a repeated
    PlaceOrder is compared with (ORD-5)."""
    return tuple(line.model_copy(update={"listed_price": None}) for line in lines)
