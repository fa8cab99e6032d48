"""Command handlers: load the order, let the domain decide, append (SM-ORD, ORD-1..ORD-14).

A refused amendment (ORD-5, ORD-13) is the one refusal that is recorded: the decision returns an
OrderAmendmentRejected event as data, like any other decision; the handler appends it as the
command's outcome and then answers `rule_violated` with the rule and reason the event records. The
same command sent again finds its rejection in the order's state (keyed by command id) and gets
the same answer, appending nothing.

PlaceOrder reads the catalogue's products (CAT-7) from orders' read model of the catalogue's events
(adapters/catalogue.py) before it decides: that is eventually consistent state. A product the
catalogue delisted a moment ago, before orders applied ProductDelisted, is still sold at its listed
price; one listed a moment ago is still refused (the caller retries). The window is the read
model's lag; a repeated PlaceOrder answers its first outcome whatever the catalogue says now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import structlog

from jetstream_es.clock import Clock
from jetstream_es.commands import Aggregates, Cause, CommandResult, cause_of
from jetstream_es.errors import RuleViolated
from orders.domain import backup, corrections, placing
from orders.domain.catalogue import CatalogueProduct
from orders.domain.policy import OrderPolicy
from orders.domain.state import OrderState
from shop_contracts.commands.orders import (
    BackUpOrders,
    ConfirmOrder,
    CorrectOrderDetails,
    HandOverOrder,
    MarkOrderViewed,
    NotifyOutOfStock,
    PlaceOrder,
    RecordBuyerRemark,
    RecordCustomerContact,
    RecordPayment,
)
from shop_contracts.messages import Command, EventData

log = structlog.get_logger(__name__)
Decide = Callable[[OrderState, datetime], Sequence[EventData]]


class Catalogue(Protocol):
    """The catalogue's products as orders knows them (CAT-7; adapters/catalogue.CatalogueReader)."""

    async def products(self, skus: Iterable[str]) -> Mapping[str, CatalogueProduct]: ...


class OrderCommands:
    """Every way the Order aggregate is changed, by people (commands) or by the system. The
    aggregates are the runtime's (`runtime.aggregates(ORDER)`, `runtime.aggregates(ORDER_BACKUP)`)."""

    def __init__(
        self,
        orders: Aggregates[OrderState],
        backups: Aggregates[backup.BackupWeek],
        policy: OrderPolicy,
        catalogue: Catalogue,
    ) -> None:
        self.orders = orders
        self.backups = backups
        self.policy = policy
        self.catalogue = catalogue

    @property
    def clock(self) -> Clock:
        return self.orders.handler.clock

    async def execute(
        self, order_id: str, cause: Cause, decide: Decide, *, must_exist: bool = True
    ) -> CommandResult:
        result = await self.orders.execute(order_id, cause, decide, must_exist=must_exist)
        if result.event_ids:  # appended now, or by the same command before (repeated)
            rejection = (await self.orders.state(order_id)).rejections.get(cause.key)
            if rejection is not None:
                rule, reason = rejection
                if not result.repeated:
                    log.warning("order_amendment_rejected", order_id=order_id, rule=rule, key=cause.key)
                raise RuleViolated(reason, rule)
        return result

    async def _command(
        self, cmd: Command, order_id: str, decide: Decide, must_exist: bool = True
    ) -> CommandResult:
        return await self.execute(order_id, cause_of(cmd), decide, must_exist=must_exist)

    async def place(self, cmd: PlaceOrder) -> CommandResult:
        products = await self.catalogue.products(line.sku for line in cmd.lines)
        return await self._command(
            cmd, cmd.order_id, lambda s, now: placing.place_order(s, cmd, self.policy, now, products), False
        )

    async def record_payment(self, cmd: RecordPayment) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, now: placing.record_payment(s, cmd, self.policy, now)
        )

    async def record_buyer_remark(self, cmd: RecordBuyerRemark) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, _: placing.record_buyer_remark(s, cmd, self.policy)
        )

    async def mark_viewed(self, cmd: MarkOrderViewed) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, now: placing.mark_viewed(s, cmd, self.policy, now)
        )

    async def record_contact(self, cmd: RecordCustomerContact) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, now: placing.record_contact(s, cmd, self.policy, now)
        )

    async def confirm(self, cmd: ConfirmOrder) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, now: placing.confirm_order(s, cmd, self.policy, now)
        )

    async def hand_over(self, cmd: HandOverOrder) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, now: placing.hand_over(s, cmd, self.policy, now)
        )

    async def notify_out_of_stock(self, cmd: NotifyOutOfStock) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, _: placing.notify_out_of_stock(s, cmd, self.policy)
        )

    async def correct_details(self, cmd: CorrectOrderDetails) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, _: corrections.correct_details(s, cmd, self.policy)
        )

    async def back_up(self, cmd: BackUpOrders) -> CommandResult:
        """ORD-4: record the week's verified backup (aggregate `OrderBackup.<week>`)."""
        return await self.backups.execute(
            cmd.week, cause_of(cmd), lambda s, now: backup.back_up(s, cmd, now, self.policy), must_exist=False
        )

    async def backup_overdue(self, week: str, due_at: datetime, cause: Cause) -> CommandResult:
        """ORD-4: the week ended; flag it if it has no backup (the deadline scheduler's command)."""
        return await self.backups.execute(
            week, cause, lambda s, now: backup.backup_overdue(s, week, due_at, now), must_exist=False
        )
