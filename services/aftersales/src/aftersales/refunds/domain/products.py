"""What after-sales knows of the catalogue's products (AS-7, decision 0011): per SKU the name and
specifications the return note prints next to the SKU, and the accessory list a returned parcel
is inspected against. From a read model of the catalogue's events (adapters/catalogue.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CatalogueProduct:
    sku: str
    name: str
    specifications: Mapping[str, str] = field(default_factory=dict)
    accessories: tuple[str, ...] = ()
