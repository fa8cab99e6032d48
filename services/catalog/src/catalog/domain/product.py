"""The Product aggregate (`Product.<sku>`, CATALOG_PRODUCT) and its decisions: the listing state
machine SM-LIST and rules CAT-1..CAT-9, CAT-11 (rules.md §6.1).

- SM-LIST / CAT-1: selected (dept_supervisor) → briefed (selling points, all department staff) →
  photographed (the supervisor with the artist or photographer: two people, CAT-1 (3)) →
  retouched (technician) → images approved (dept_manager; a rejection returns to retouched and
  the images must be retouched again before the next review) → detail ready (web_artist) →
  approved (dept_manager, CAT-6) → listed (CATALOG_LISTING_ROLES, CAT-8) → delisted (CAT-7) →
  listed again (RelistProduct). A step out of order is refused `rule_violated` citing SM-LIST.
- CAT-2: the production steps after retouching (store, upload, describe, layout, code,
  animation, decoration, description) are a checklist; listing waits for it when
  `require_production_steps` is set.
- CAT-3: a listing is new until listed_at + `new_product_window_days`; the deadline fires
  `NewProductWindowExpired` once per window. A relisting is not new again: its `new_until` is the
  first listing's (or its own listed_at once that passed).
- CAT-4: a product's category is one of `categories` and its detail page gives every required
  attribute, non-blank; WEB-8 limits the page's media.
- CAT-5: listing needs a price above zero and no failed inspection since the last pass; a failed
  inspection delists a listed product (`failed_inspection`).
- CAT-9: plan → quotes → choice among the quotes; listing waits for it when
  `require_supplier_selection` is set.
- CAT-11: a "was" price must have been the product's price on sale within `honest_pricing_days`,
  must be above the new price, and is refused within that window after a price rise (no fake
  discounts, 不得虚假降价).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from catalog.domain.policy import CatalogNumbers, CatalogPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import Forbidden, InvalidCommand, RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import CATALOG_PRODUCT
from shop_contracts.commands import catalog as c
from shop_contracts.envelope import Actor
from shop_contracts.events.catalog import (
    PRODUCTION_STEPS,
    DelistReason,
    DetailPageEdited,
    MediaItem,
    NewProductWindowExpired,
    ProductAccessoriesChanged,
    ProductDelisted,
    ProductDetailsChanged,
    ProductFailedInspection,
    ProductImagesApproved,
    ProductImagesRejected,
    ProductImagesRetouched,
    ProductInspectionPassed,
    ProductionStepRecorded,
    ProductLaunchApproved,
    ProductListed,
    ProductPhotographed,
    ProductPriceSet,
    ProductSelected,
    ProductState,
    SellingPointsRecorded,
    SupplierQuote,
    SupplierQuoteRecorded,
    SupplierSelected,
    SupplierSelectionPlanned,
)
from shop_contracts.messages import EventData

registry = EventRegistry(
    [
        ProductSelected,
        SellingPointsRecorded,
        ProductPhotographed,
        ProductImagesRetouched,
        ProductImagesApproved,
        ProductImagesRejected,
        DetailPageEdited,
        ProductionStepRecorded,
        ProductLaunchApproved,
        SupplierSelectionPlanned,
        SupplierQuoteRecorded,
        SupplierSelected,
        ProductListed,
        NewProductWindowExpired,
        ProductDelisted,
        ProductPriceSet,
        ProductAccessoriesChanged,
        ProductDetailsChanged,
        ProductFailedInspection,
        ProductInspectionPassed,
    ]
)

S = ProductState
PIPELINE: tuple[ProductState, ...] = (
    S.SELECTED,
    S.BRIEFED,
    S.PHOTOGRAPHED,
    S.RETOUCHED,
    S.IMAGES_APPROVED,
    S.DETAIL_READY,
    S.APPROVED,
    S.LISTED,
    S.DELISTED,
)
NEXT_STEP: Mapping[ProductState, tuple[str, str]] = MappingProxyType(
    {
        S.SELECTED: ("selling_points: RecordSellingPoints", "CAT-1"),
        S.BRIEFED: ("photography: RecordPhotography", "CAT-1"),
        S.PHOTOGRAPHED: ("retouching: RetouchImages", "CAT-1"),
        S.RETOUCHED: ("image_approval: ReviewProductImages by dept_manager", "CAT-1"),
        S.IMAGES_APPROVED: ("detail_page: EditDetailPage", "CAT-1"),
        S.DETAIL_READY: ("launch_approval: ApproveLaunch by dept_manager", "CAT-6"),
    }
)
"""What a product in a pipeline state still needs before it is approved for listing."""

Inspection = Literal["none", "passed", "failed"]


@dataclass(frozen=True, slots=True)
class Offer:
    """A price the product was on sale at (listed), from `since` until `until` (None: still)."""

    price: Decimal
    since: datetime
    until: datetime | None = None


@dataclass(frozen=True)
class Product:
    sku: str = ""
    state: ProductState | None = None
    name: str = ""
    category: str = ""
    positioning: str = ""
    selected_by: str = ""
    selling_points: tuple[str, ...] = ()
    images: tuple[MediaItem, ...] = ()
    images_rejected: bool = False
    specifications: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    labels: tuple[str, ...] = ()
    accessories: tuple[str, ...] = ()
    media: tuple[MediaItem, ...] = ()
    steps: frozenset[str] = frozenset()
    launch_approved_by: str | None = None
    price: Decimal | None = None
    reference_price: Decimal | None = None
    offers: tuple[Offer, ...] = ()
    raises: tuple[datetime, ...] = ()
    inspection: Inspection = "none"
    inspection_note: str = ""
    supplier_plan: str | None = None
    quotes: tuple[SupplierQuote, ...] = ()
    supplier: str | None = None
    listed_at: datetime | None = None
    first_listed_at: datetime | None = None
    new_until: datetime | None = None
    expired_windows: frozenset[datetime] = frozenset()
    delist_reason: DelistReason | None = None

    @property
    def selected(self) -> bool:
        return self.state is not None

    @property
    def is_new(self) -> bool:
        return self.new_until is not None and self.new_until not in self.expired_windows


def _close_offer(offers: tuple[Offer, ...], at: datetime) -> tuple[Offer, ...]:
    if offers and offers[-1].until is None:
        return (*offers[:-1], replace(offers[-1], until=at))
    return offers


def evolve(state: Product, event: EventData) -> Product:
    match event:
        case ProductSelected():
            return replace(
                state,
                sku=event.sku,
                state=S.SELECTED,
                name=event.name,
                category=event.category,
                positioning=event.positioning,
                selected_by=event.selected_by,
            )
        case SellingPointsRecorded():
            return replace(state, state=S.BRIEFED, selling_points=event.selling_points)
        case ProductPhotographed():
            return replace(state, state=S.PHOTOGRAPHED, images=event.images)
        case ProductImagesRetouched():
            return replace(state, state=S.RETOUCHED, images=event.images, images_rejected=False)
        case ProductImagesApproved():
            return replace(state, state=S.IMAGES_APPROVED)
        case ProductImagesRejected():
            return replace(state, state=S.RETOUCHED, images_rejected=True)
        case DetailPageEdited():
            return replace(
                state,
                state=S.DETAIL_READY,
                name=event.name,
                category=event.category,
                specifications=MappingProxyType(dict(event.specifications)),
                labels=event.labels,
                accessories=event.accessories,
                media=event.media,
            )
        case ProductionStepRecorded():
            return replace(state, steps=state.steps | {event.step})
        case ProductLaunchApproved():
            return replace(state, state=S.APPROVED, launch_approved_by=event.approved_by)
        case SupplierSelectionPlanned():
            return replace(state, sku=event.sku, supplier_plan=event.plan)
        case SupplierQuoteRecorded():
            return replace(state, quotes=(*state.quotes, event.quote))
        case SupplierSelected():
            return replace(state, supplier=event.supplier)
        case ProductListed():
            return replace(
                state,
                sku=event.sku,
                state=S.LISTED,
                name=event.name,
                specifications=MappingProxyType(dict(event.specifications)),
                accessories=event.accessories,
                labels=event.labels,
                price=event.price,
                offers=(*_close_offer(state.offers, event.listed_at), Offer(event.price, event.listed_at)),
                listed_at=event.listed_at,
                first_listed_at=state.first_listed_at or event.listed_at,
                new_until=state.new_until if event.relisted and state.new_until else event.new_until,
                delist_reason=None,
            )
        case NewProductWindowExpired():
            return replace(state, expired_windows=state.expired_windows | {event.new_until})
        case ProductDelisted():
            return replace(
                state,
                state=S.DELISTED,
                offers=_close_offer(state.offers, event.at),
                delist_reason=event.reason,
            )
        case ProductPriceSet():
            offers = state.offers
            if state.state is S.LISTED:
                offers = (*_close_offer(offers, event.at), Offer(event.price, event.at))
            raised = event.previous_price is not None and event.price > event.previous_price
            return replace(
                state,
                price=event.price,
                reference_price=event.reference_price,
                offers=offers,
                raises=(*state.raises, event.at) if raised else state.raises,
            )
        case ProductAccessoriesChanged():
            return replace(state, accessories=event.accessories)
        case ProductDetailsChanged():
            return replace(
                state,
                name=event.name,
                specifications=MappingProxyType(dict(event.specifications)),
                labels=event.labels,
            )
        case ProductFailedInspection():
            return replace(state, sku=event.sku, inspection="failed", inspection_note=event.note)
        case ProductInspectionPassed():
            return replace(state, sku=event.sku, inspection="passed", inspection_note=event.note)
    return state


PRODUCT = AggregateType.of(CATALOG_PRODUCT, registry, Product, evolve)


# -- checks ----------------------------------------------------------------------------------------


def _allowed(actor: Actor, command: str, policy: CatalogPolicy) -> None:
    policy.roles.require(actor, command)


def _in(state: Product, command: str, *allowed: ProductState) -> None:
    """SM-LIST: `command` only in one of the `allowed` states."""
    if state.state in allowed:
        return
    if state.state is None:
        raise RuleViolated(
            f"SM-LIST: {state.sku or 'this SKU'} has not been selected (SelectProduct); {command} refused",
            "SM-LIST",
        )
    names = ", ".join(s.value for s in allowed)
    raise RuleViolated(
        f"SM-LIST: {command} needs the product {state.sku} in {names}; it is {state.state.value}", "SM-LIST"
    )


def _selected(state: Product, command: str) -> None:
    _in(state, command, *PIPELINE)


def attribute_problems(
    category: str, specifications: Mapping[str, str], numbers: CatalogNumbers, prefix: str = ""
) -> list[tuple[str, str]]:
    """CAT-4: (field, problem) for an unknown category or each required attribute missing or blank."""
    if category not in numbers.categories:
        known = ", ".join(sorted(numbers.categories))
        return [(f"{prefix}category", f"CAT-4: unknown category {category!r}; the categories are {known}")]
    return [
        (
            f"{prefix}specifications.{attribute}",
            f"CAT-4: category {category} requires the attribute {attribute}",
        )
        for attribute in numbers.categories[category]
        if not specifications.get(attribute, "").strip()
    ]


def media_problems(media: Sequence[MediaItem], numbers: CatalogNumbers) -> list[tuple[str, str]]:
    """WEB-8: (field, problem) for each file above its kind's limit."""
    return [
        (
            f"media.{index}.size_bytes",
            f"WEB-8: {item.ref} is a {item.kind} of {item.size_bytes} bytes; at most "
            f"{numbers.media_limit_bytes(item.kind)} bytes",
        )
        for index, item in enumerate(media)
        if item.size_bytes > numbers.media_limit_bytes(item.kind)
    ]


def refuse_fields(problems: Sequence[tuple[str, str]], rule: str, *, message: str | None = None) -> None:
    """Raise InvalidCommand with one detail per (field, problem), each naming its own problem;
    `message` heads the error's message (default: the problems themselves)."""
    if not problems:
        return
    listed = "; ".join(f"{f}: {p}" for f, p in problems) if message else "; ".join(p for _, p in problems)
    text = f"{message}: {listed}" if message else listed
    error = InvalidCommand(text, rule, fields=[f for f, _ in problems])
    error.details = [{"field": f, "problem": p, "type": "rule"} for f, p in problems]
    raise error


def missing_for_listing(state: Product, numbers: CatalogNumbers) -> list[tuple[str, str]]:
    """What the product still needs before it may be listed (or relisted): (what, rule)."""
    missing: list[tuple[str, str]] = []
    if state.state is None:
        return [("selection: SelectProduct by dept_supervisor", "CAT-1")]
    if state.state in NEXT_STEP:
        missing.append(NEXT_STEP[state.state])
    if state.price is None:
        missing.append(("price: SetPrice (above zero)", "CAT-5"))
    if state.inspection == "failed":
        missing.append(("inspection_passed: the goods failed inspection", "CAT-5"))
    if numbers.require_production_steps:
        left = [s for s in PRODUCTION_STEPS if s not in state.steps]
        if left:
            missing.append((f"production_steps: {', '.join(left)}", "CAT-2"))
    if numbers.require_supplier_selection and state.supplier is None:
        missing.append(("supplier: SelectSupplier", "CAT-9"))
    return missing


def _listable(state: Product, numbers: CatalogNumbers, command: str) -> None:
    missing = missing_for_listing(state, numbers)
    if missing:
        what = "; ".join(f"{m} ({rule})" for m, rule in missing)
        raise RuleViolated(f"{missing[0][1]}: {command} {state.sku} refused, missing: {what}", missing[0][1])


def _may_list(actor: Actor, command: str, policy: CatalogPolicy) -> None:
    if not actor.has_any(*policy.listing_roles):
        raise Forbidden(
            f"CAT-8: {command} needs the role {' or '.join(policy.listing_roles)} "
            f"(CATALOG_LISTING_ROLES); {actor.id} has none of them",
            "CAT-8",
        )


# -- the listing pipeline (CAT-1) --------------------------------------------------------------------


def select(state: Product, cmd: c.SelectProduct, policy: CatalogPolicy, now: datetime) -> list[EventData]:
    _allowed(cmd.actor, "SelectProduct", policy)
    if state.selected:
        raise RuleViolated(
            f"SM-LIST: {cmd.sku} was selected already (it is {state.state}); nothing recorded", "SM-LIST"
        )
    if cmd.category not in policy.categories:
        refuse_fields(attribute_problems(cmd.category, {}, policy)[:1], "CAT-4")
    return [
        ProductSelected(
            sku=cmd.sku,
            name=cmd.name,
            category=cmd.category,
            positioning=cmd.positioning,
            selected_by=cmd.actor.id,
            at=now,
        )
    ]


def record_selling_points(
    state: Product, cmd: c.RecordSellingPoints, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    _allowed(cmd.actor, "RecordSellingPoints", policy)
    _in(state, "RecordSellingPoints", S.SELECTED, S.BRIEFED)
    return [
        SellingPointsRecorded(
            sku=cmd.sku, selling_points=cmd.selling_points, recorded_by=cmd.actor.id, at=now
        )
    ]


def record_photography(
    state: Product, cmd: c.RecordPhotography, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    _allowed(cmd.actor, "RecordPhotography", policy)
    _in(state, "RecordPhotography", S.BRIEFED, S.PHOTOGRAPHED)
    helpers = tuple(h for h in dict.fromkeys(cmd.with_staff) if h != cmd.actor.id)
    if not helpers:
        refuse_fields(
            [
                (
                    "with_staff",
                    "CAT-1: the supervisor photographs with the artist or photographer; name who helped",
                )
            ],
            "CAT-1",
        )
    return [
        ProductPhotographed(sku=cmd.sku, images=cmd.images, photographed_by=(cmd.actor.id, *helpers), at=now)
    ]


def retouch(state: Product, cmd: c.RetouchImages, policy: CatalogPolicy, now: datetime) -> list[EventData]:
    _allowed(cmd.actor, "RetouchImages", policy)
    _in(state, "RetouchImages", S.PHOTOGRAPHED, S.RETOUCHED)
    return [ProductImagesRetouched(sku=cmd.sku, images=cmd.images, retouched_by=cmd.actor.id, at=now)]


def review_images(
    state: Product, cmd: c.ReviewProductImages, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    """CAT-1 (5): only the department manager; a rejected set must be retouched again first."""
    _allowed(cmd.actor, "ReviewProductImages", policy)
    _in(state, "ReviewProductImages", S.RETOUCHED)
    if state.images_rejected:
        raise RuleViolated(
            f"CAT-1: the images of {cmd.sku} were rejected; the technician retouches them again (RetouchImages) "
            "before the next review",
            "CAT-1",
        )
    if cmd.decision == "approve":
        return [ProductImagesApproved(sku=cmd.sku, approved_by=cmd.actor.id, note=cmd.reason, at=now)]
    if not cmd.reason.strip():
        refuse_fields([("reason", "CAT-1: a rejection says what to retouch")], "CAT-1")
    return [ProductImagesRejected(sku=cmd.sku, reason=cmd.reason.strip(), rejected_by=cmd.actor.id, at=now)]


def _detail_page(
    state: Product,
    *,
    sku: str,
    name: str,
    category: str,
    specifications: Mapping[str, str],
    labels: tuple[str, ...],
    accessories: tuple[str, ...],
    media: tuple[MediaItem, ...],
    actor: Actor,
    policy: CatalogPolicy,
    now: datetime,
    batch_id: str | None = None,
    prefix: str = "",
) -> list[EventData]:
    _in(state, "EditDetailPage", S.IMAGES_APPROVED, S.DETAIL_READY)
    attributes = attribute_problems(category, specifications, policy, prefix)
    media_sizes = [(f"{prefix}{f}", p) for f, p in media_problems(media, policy)]
    refuse_fields(attributes + media_sizes, "CAT-4" if attributes else "WEB-8")
    return [
        DetailPageEdited(
            sku=sku,
            name=name,
            category=category,
            specifications=dict(specifications),
            labels=labels,
            accessories=accessories,
            media=media,
            edited_by=actor.id,
            batch_id=batch_id,
            at=now,
        )
    ]


def edit_detail_page(
    state: Product, cmd: c.EditDetailPage, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    """CAT-1 (6), CAT-4, WEB-8: the artist's detail page, in the product's own category."""
    _allowed(cmd.actor, "EditDetailPage", policy)
    return _detail_page(
        state,
        sku=cmd.sku,
        name=cmd.name,
        category=state.category,
        specifications=cmd.specifications,
        labels=cmd.labels,
        accessories=cmd.accessories,
        media=cmd.media,
        actor=cmd.actor,
        policy=policy,
        now=now,
    )


def bulk_row_problems(
    state: Product, row: c.BulkUploadRow, policy: CatalogPolicy, index: int
) -> list[tuple[str, str]]:
    """CAT-4: everything wrong with one row of a bulk upload (fields `rows.<index>.<field>`)."""
    prefix = f"rows.{index}."
    if state.state not in (S.IMAGES_APPROVED, S.DETAIL_READY):
        now_in = state.state.value if state.state else "not selected"
        return [
            (
                f"{prefix}sku",
                f"CAT-4: {row.sku} is {now_in}; a detail page needs its images approved (SM-LIST)",
            )
        ]
    if row.category != state.category:
        return [
            (
                f"{prefix}category",
                f"CAT-4: {row.sku} was selected in category {state.category}, not {row.category}",
            )
        ]
    return attribute_problems(row.category, row.specifications, policy, prefix)


def bulk_row(
    state: Product,
    row: c.BulkUploadRow,
    batch_id: str,
    actor: Actor,
    policy: CatalogPolicy,
    now: datetime,
    index: int,
) -> list[EventData]:
    refuse_fields(bulk_row_problems(state, row, policy, index), "CAT-4")
    return _detail_page(
        state,
        sku=row.sku,
        name=row.name,
        category=row.category,
        specifications=row.specifications,
        labels=row.labels,
        accessories=row.accessories,
        media=(),
        actor=actor,
        policy=policy,
        now=now,
        batch_id=batch_id,
        prefix=f"rows.{index}.",
    )


def record_production_step(
    state: Product, cmd: c.RecordProductionStep, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    """CAT-2: after shooting and retouching; each step once."""
    _allowed(cmd.actor, "RecordProductionStep", policy)
    _in(state, "RecordProductionStep", *PIPELINE[PIPELINE.index(S.RETOUCHED) :])
    if cmd.step in state.steps:
        raise RuleViolated(f"CAT-2: {cmd.step} of {cmd.sku} is recorded already; nothing recorded", "CAT-2")
    return [ProductionStepRecorded(sku=cmd.sku, step=cmd.step, recorded_by=cmd.actor.id, at=now)]


def approve_launch(
    state: Product, cmd: c.ApproveLaunch, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    """CAT-6: the department manager approves the launch of a product with its detail page."""
    _allowed(cmd.actor, "ApproveLaunch", policy)
    _in(state, "ApproveLaunch", S.DETAIL_READY)
    return [ProductLaunchApproved(sku=cmd.sku, approved_by=cmd.actor.id, note=cmd.note, at=now)]


# -- listing, delisting, relisting (CAT-3, CAT-5, CAT-7, CAT-8) ----------------------------------------


def _listed(state: Product, *, by: str, now: datetime, new_until: datetime, relisted: bool) -> ProductListed:
    assert state.price is not None  # _listable checked it
    return ProductListed(
        sku=state.sku,
        name=state.name,
        category=state.category,
        specifications=dict(state.specifications),
        price=state.price,
        accessories=state.accessories,
        labels=state.labels,
        listed_by=by,
        listed_at=now,
        new_until=new_until,
        relisted=relisted,
    )


def list_product(state: Product, cmd: c.ListProduct, policy: CatalogPolicy, now: datetime) -> list[EventData]:
    """CAT-8 who, CAT-6 approved, CAT-5 priced and not failed inspection; new for the CAT-3 window."""
    _may_list(cmd.actor, "ListProduct", policy)
    if state.state is S.DELISTED:
        raise RuleViolated(f"SM-LIST: {cmd.sku} was listed before; relist it (RelistProduct)", "SM-LIST")
    if state.state is S.LISTED:
        raise RuleViolated(f"SM-LIST: {cmd.sku} is listed already; nothing recorded", "SM-LIST")
    _listable(state, policy, "ListProduct")
    return [
        _listed(state, by=cmd.actor.id, now=now, new_until=now + policy.new_product_window, relisted=False)
    ]


def relist(state: Product, cmd: c.RelistProduct, policy: CatalogPolicy, now: datetime) -> list[EventData]:
    """CAT-7, CAT-5: a delisted product on sale again, on the same conditions; not new again (CAT-3)."""
    _may_list(cmd.actor, "RelistProduct", policy)
    _in(state, "RelistProduct", S.DELISTED)
    _listable(state, policy, "RelistProduct")
    new_until = max(now, state.new_until) if state.new_until else now
    return [_listed(state, by=cmd.actor.id, now=now, new_until=new_until, relisted=True)]


def delist(state: Product, cmd: c.DelistProduct, policy: CatalogPolicy, now: datetime) -> list[EventData]:
    """CAT-7: a listed product off sale (slow-moving, discontinued; `other` says why in the note)."""
    _allowed(cmd.actor, "DelistProduct", policy)
    _in(state, "DelistProduct", S.LISTED)
    if cmd.reason is DelistReason.OTHER and not cmd.note.strip():
        refuse_fields([("note", "CAT-7: a delisting for another reason says which in the note")], "CAT-7")
    return [ProductDelisted(sku=cmd.sku, reason=cmd.reason, note=cmd.note, delisted_by=cmd.actor.id, at=now)]


def window_expired(state: Product, new_until: datetime) -> list[EventData]:
    """CAT-3: the new-product window ending at `new_until`, once (a repeat firing decides nothing)."""
    if state.first_listed_at is None or new_until in state.expired_windows or state.new_until != new_until:
        return []
    return [NewProductWindowExpired(sku=state.sku, listed_at=state.first_listed_at, new_until=new_until)]


# -- price, accessories, details (CAT-4, CAT-11, FUL-4, AS-7) ------------------------------------------


def set_price(state: Product, cmd: c.SetPrice, policy: CatalogPolicy, now: datetime) -> list[EventData]:
    """CAT-11: honest pricing; an unchanged price and "was" price records nothing."""
    _allowed(cmd.actor, "SetPrice", policy)
    _selected(state, "SetPrice")
    previous, reference = state.price, cmd.reference_price
    if previous == cmd.price and state.reference_price == reference:
        return []
    if reference is not None:
        days = policy.honest_pricing_days
        if reference <= cmd.price:
            refuse_fields(
                [
                    (
                        "reference_price",
                        f"CAT-11: a 'was' price of {reference} above a price of {cmd.price} only",
                    )
                ],
                "CAT-11",
            )
        if previous is not None and cmd.price > previous:
            refuse_fields(
                [
                    (
                        "reference_price",
                        f"CAT-11: the price rises from {previous} to {cmd.price}; a rise is not shown as a discount",
                    )
                ],
                "CAT-11",
            )
        since = now - policy.honest_pricing_window
        sold = sorted({o.price for o in state.offers if o.until is None or o.until >= since})
        if reference not in sold:
            on_sale = ", ".join(str(p) for p in sold) or "no price"
            refuse_fields(
                [
                    (
                        "reference_price",
                        f"CAT-11: {cmd.sku} was never on sale at {reference} in the last {days} days "
                        f"(it was at {on_sale}); no fake 'was' price",
                    )
                ],
                "CAT-11",
            )
        rises = [t for t in state.raises if t >= since]
        if rises:
            refuse_fields(
                [
                    (
                        "reference_price",
                        f"CAT-11: the price of {cmd.sku} was raised on {rises[-1].date().isoformat()}; no discount "
                        f"is shown within {days} days of a rise (不得虚假降价)",
                    )
                ],
                "CAT-11",
            )
    return [
        ProductPriceSet(
            sku=cmd.sku,
            price=cmd.price,
            previous_price=previous,
            reference_price=reference,
            set_by=cmd.actor.id,
            at=now,
        )
    ]


def set_accessories(
    state: Product, cmd: c.SetAccessories, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    """FUL-4, AS-7: the accessory list; unchanged, nothing recorded."""
    _allowed(cmd.actor, "SetAccessories", policy)
    _selected(state, "SetAccessories")
    if cmd.accessories == state.accessories:
        return []
    return [
        ProductAccessoriesChanged(sku=cmd.sku, accessories=cmd.accessories, changed_by=cmd.actor.id, at=now)
    ]


def change_details(
    state: Product, cmd: c.ChangeProductDetails, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    """CAT-4: name, specifications, labels of a product with a detail page; its category's attributes kept."""
    _allowed(cmd.actor, "ChangeProductDetails", policy)
    _in(state, "ChangeProductDetails", S.DETAIL_READY, S.APPROVED, S.LISTED, S.DELISTED)
    refuse_fields(attribute_problems(state.category, cmd.specifications, policy), "CAT-4")
    if (cmd.name, dict(cmd.specifications), cmd.labels) == (
        state.name,
        dict(state.specifications),
        state.labels,
    ):
        return []
    return [
        ProductDetailsChanged(
            sku=cmd.sku,
            name=cmd.name,
            specifications=dict(cmd.specifications),
            labels=cmd.labels,
            changed_by=cmd.actor.id,
            at=now,
        )
    ]


# -- inspections (CAT-5) -------------------------------------------------------------------------------


def inspected(
    state: Product,
    *,
    sku: str,
    result: Literal["passed", "failed"],
    lot_no: str | None,
    note: str,
    inspector: str,
    now: datetime,
) -> list[EventData]:
    """CAT-5: a result of the product's goods (before or after selection); a failure delists a
    listed product. The same result again records it again (another lot)."""
    if result == "passed":
        return [ProductInspectionPassed(sku=sku, lot_no=lot_no, note=note, inspector=inspector, at=now)]
    events: list[EventData] = [
        ProductFailedInspection(sku=sku, lot_no=lot_no, note=note, inspector=inspector, at=now)
    ]
    if state.state is S.LISTED:
        why = f"lot {lot_no} failed inspection" if lot_no else "failed inspection"
        events.append(
            ProductDelisted(
                sku=sku,
                reason=DelistReason.FAILED_INSPECTION,
                note=f"CAT-5: {why}" + (f": {note}" if note else ""),
                delisted_by=inspector,
                at=now,
            )
        )
    return events


def record_inspection(
    state: Product, cmd: c.RecordInspection, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    _allowed(cmd.actor, "RecordInspection", policy)
    return inspected(
        state,
        sku=cmd.sku,
        result=cmd.result,
        lot_no=cmd.lot_no,
        note=cmd.note,
        inspector=cmd.actor.id,
        now=now,
    )


# -- supplier selection (CAT-9) ------------------------------------------------------------------------


def plan_supplier_selection(
    state: Product, cmd: c.PlanSupplierSelection, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    _allowed(cmd.actor, "PlanSupplierSelection", policy)
    _selected(state, "PlanSupplierSelection")
    return [SupplierSelectionPlanned(sku=cmd.sku, plan=cmd.plan, planned_by=cmd.actor.id, at=now)]


def record_supplier_quote(
    state: Product, cmd: c.RecordSupplierQuote, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    _allowed(cmd.actor, "RecordSupplierQuote", policy)
    _selected(state, "RecordSupplierQuote")
    if state.supplier_plan is None:
        raise RuleViolated(f"CAT-9: operations draws up the selection plan of {cmd.sku} first", "CAT-9")
    quote = SupplierQuote(
        supplier=cmd.supplier,
        unit_price=cmd.unit_price,
        note=cmd.note,
        recorded_by=cmd.actor.id,
        recorded_at=now,
    )
    return [SupplierQuoteRecorded(sku=cmd.sku, quote=quote)]


def select_supplier(
    state: Product, cmd: c.SelectSupplier, policy: CatalogPolicy, now: datetime
) -> list[EventData]:
    """CAT-9: operations chooses among purchasing's quotes; the compared quotes go with the choice."""
    _allowed(cmd.actor, "SelectSupplier", policy)
    _selected(state, "SelectSupplier")
    quoted = {q.supplier for q in state.quotes}
    if cmd.supplier not in quoted:
        known = ", ".join(sorted(quoted)) or "none yet"
        refuse_fields(
            [("supplier", f"CAT-9: {cmd.supplier} has no quote from purchasing (quoted: {known})")], "CAT-9"
        )
    return [
        SupplierSelected(
            sku=cmd.sku,
            supplier=cmd.supplier,
            compared_quotes=state.quotes,
            reason=cmd.reason,
            selected_by=cmd.actor.id,
            at=now,
        )
    ]


NEW_WINDOW_DEADLINE = "catalog_new_product_window"
"""CAT-3: the deadline kind of a listing's new-product window."""


def new_window_deadline_id(sku: str, new_until: datetime) -> str:
    """CAT-3: one deadline per SKU and window end (a relisting inside the window schedules nothing new)."""
    return f"new-window/{sku}/{new_until.isoformat()}"
