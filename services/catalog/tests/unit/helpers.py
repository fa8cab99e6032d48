"""The catalogue service's real wiring on the in-memory store and a fixed clock (decision 0007), and
the commands of the listing flow (SM-LIST) with the default roles (000's chart, CAT-1)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from catalog.bootstrap import CatalogSettings, build
from jetstream_es.settings import RuntimeSettings
from jetstream_es.testing.app import TestApp, bootstrap_test_app
from shop_contracts.commands import catalog as c
from shop_contracts.envelope import Actor
from shop_contracts.events.catalog import MediaItem

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SUPERVISOR = Actor(id="e-sup", roles=("dept_supervisor",))
MANAGER = Actor(id="e-mgr", roles=("dept_manager",))
ARTIST = Actor(id="e-art", roles=("web_artist",))
TECHNICIAN = Actor(id="e-tech", roles=("technician",))
SALES = Actor(id="e-sales", roles=("sales_staff",))
KEEPER = Actor(id="e-keeper", roles=("warehouse_keeper",))
OPS = Actor(id="e-ops", roles=("ops_specialist",))
PURCHASING = Actor(id="e-buy", roles=("purchasing",))
PRESALES = Actor(id="e-pre", roles=("presales_cs",))
SPECS = {"material": "cotton", "sizes": "S,M,L", "colour": "navy"}
IMAGE = MediaItem(ref="img/front.jpg", kind="image", size_bytes=200_000)

_ids = iter(range(1, 1_000_000))


def app(settings: CatalogSettings | None = None, now: datetime = NOW) -> TestApp:
    return bootstrap_test_app(build, "catalog", now, RuntimeSettings(), settings or CatalogSettings())


def cmd(model: type[Any], actor: Actor, **fields: Any) -> Any:
    return model(command_id=f"c-{next(_ids)}", actor=actor, **fields)


def select(sku: str = "TEE-1", category: str = "apparel") -> c.SelectProduct:
    return cmd(
        c.SelectProduct, SUPERVISOR, sku=sku, name="Navy tee", category=category, positioning="summer basics"
    )


def to_retouched(sku: str = "TEE-1") -> list[Any]:
    return [
        select(sku),
        cmd(c.RecordSellingPoints, SALES, sku=sku, selling_points=("soft cotton",)),
        cmd(c.RecordPhotography, SUPERVISOR, sku=sku, images=(IMAGE,), with_staff=("e-photo",)),
        cmd(c.RetouchImages, TECHNICIAN, sku=sku, images=(IMAGE,)),
    ]


def to_images_approved(sku: str = "TEE-1") -> list[Any]:
    return [*to_retouched(sku), cmd(c.ReviewProductImages, MANAGER, sku=sku, decision="approve")]


def detail_page(sku: str = "TEE-1", specs: dict[str, str] | None = None, **extra: Any) -> c.EditDetailPage:
    fields: dict[str, Any] = {
        "sku": sku,
        "name": "Navy cotton tee",
        "specifications": SPECS if specs is None else specs,
        "accessories": ("spare button",),
        "labels": ("new",),
    }
    return cmd(c.EditDetailPage, ARTIST, **(fields | extra))


def to_approved(sku: str = "TEE-1", price: str | None = "59.00") -> list[Any]:
    steps = [*to_images_approved(sku), detail_page(sku), cmd(c.ApproveLaunch, MANAGER, sku=sku)]
    if price is not None:
        steps.append(cmd(c.SetPrice, SUPERVISOR, sku=sku, price=Decimal(price)))
    return steps


def to_listed(sku: str = "TEE-1", price: str = "59.00") -> list[Any]:
    return [*to_approved(sku, price), cmd(c.ListProduct, SUPERVISOR, sku=sku)]
