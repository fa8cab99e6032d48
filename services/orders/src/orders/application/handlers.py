"""Command handlers: load the order, let the domain decide, append (SM-ORD, ORD-1..ORD-14).

A refused amendment (ORD-5, ORD-13) is the one refusal that is recorded: the decision raises
`AmendmentRefused` carrying an OrderAmendmentRejected event; the handler appends that event as the
command's outcome and then answers `rule_violated`. The same command sent again finds its
rejection in the order's state (keyed by command id) and gets the same answer, appending nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import structlog

from jetstream_es.clock import Clock
from jetstream_es.commands import Cause, CommandHandler, CommandResult
from jetstream_es.errors import RuleViolated
from jetstream_es.repository import Repository
from jetstream_es.store import EventStore
from orders.domain import backup, corrections, placing
from orders.domain.errors import AmendmentRefused
from orders.domain.policy import OrderPolicy
from orders.domain.state import ORDER, OrderState
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


class OrderCommands:
    """Every way the Order aggregate is changed, by people (commands) or by the system."""

    def __init__(
        self,
        handler: CommandHandler,
        store: Callable[[], EventStore],
        policy: OrderPolicy,
        cache_size: int = 10_000,
    ) -> None:
        self.handler = handler
        self.policy = policy
        self._store = store
        self._cache_size = cache_size
        self._repo: Repository[OrderState] | None = None
        self._backups: Repository[backup.BackupWeek] | None = None

    @property
    def clock(self) -> Clock:
        return self.handler.clock

    @property
    def repo(self) -> Repository[OrderState]:
        """Created on first use: the store exists only once the service has started."""
        if self._repo is None:
            self._repo = Repository(self._store(), ORDER, cache_size=self._cache_size)
        return self._repo

    async def execute(
        self, order_id: str, cause: Cause, decide: Decide, *, must_exist: bool = True
    ) -> CommandResult:
        refused: list[AmendmentRefused] = []

        def recorded(state: OrderState) -> Sequence[EventData]:
            refused.clear()
            try:
                return decide(state, self.clock.now())
            except AmendmentRefused as exc:
                refused.append(exc)
                return [exc.event]

        result = await self.handler.execute(self.repo, order_id, cause, recorded, must_exist=must_exist)
        if refused:
            log.warning("order_amendment_rejected", order_id=order_id, rule=refused[0].rule, key=cause.key)
            raise RuleViolated(refused[0].message, refused[0].rule)
        if result.repeated:
            rejection = (await self.repo.load(order_id)).state.rejections.get(cause.key)
            if rejection is not None:
                raise RuleViolated(rejection[1], rejection[0])
        return result

    async def _command(
        self, cmd: Command, order_id: str, decide: Decide, must_exist: bool = True
    ) -> CommandResult:
        cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
        return await self.execute(order_id, cause, decide, must_exist=must_exist)

    async def place(self, cmd: PlaceOrder) -> CommandResult:
        return await self._command(
            cmd, cmd.order_id, lambda s, now: placing.place_order(s, cmd, self.policy, now), False
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

    @property
    def backups(self) -> Repository[backup.BackupWeek]:
        if self._backups is None:
            self._backups = Repository(self._store(), backup.ORDER_BACKUP, cache_size=64)
        return self._backups

    async def back_up(self, cmd: BackUpOrders) -> CommandResult:
        """ORD-4: record the week's verified backup (aggregate `OrderBackup.<week>`)."""
        cause = Cause.of_command(cmd.command_id, cmd.actor, cmd.correlation_id)
        now = self.clock.now()
        return await self.handler.execute(
            self.backups, cmd.week, cause, lambda s: backup.back_up(s, cmd, now, self.policy)
        )

    async def backup_overdue(self, week: str, due_at: datetime, cause: Cause) -> CommandResult:
        """ORD-4: the week ended; flag it if it has no backup (the deadline scheduler's command)."""
        now = self.clock.now()
        return await self.handler.execute(
            self.backups, week, cause, lambda s: backup.backup_overdue(s, week, due_at, now)
        )
