"""Command handlers: load, let the domain decide, append (SM-RET; AS-1..AS-11).

Two aggregates take part in a refund: the RefundCase (per case) and OrderFacts (per order).
RequestRefund reads the order's facts (goods received, delivery time, amount left) and decides on
the case. IssueRefund first books the refund on OrderFacts, which refuses a second booking of the
case and any amount above what is left of the order, then records RefundIssued on the case. Both
steps use the command id as cause key: if the second step fails, sending the same command again
finds the booking already made (a repeat) and completes the case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from aftersales.domain import refunds
from aftersales.domain.facts import ORDER_FACTS, OrderFacts, book_refund
from aftersales.domain.policy import AftersalesPolicy
from aftersales.domain.state import REFUND_CASE, RefundCaseState
from jetstream_es.clock import Clock
from jetstream_es.commands import Aggregates, CommandHandler, CommandResult, cause_of
from jetstream_es.errors import NotFound
from jetstream_es.events import derive_event_id
from jetstream_es.store import EventStore
from shop_contracts.commands import aftersales as c
from shop_contracts.messages import Command, EventData

S = TypeVar("S")
CaseDecide = Callable[[RefundCaseState, datetime], Sequence[EventData]]
FactsDecide = Callable[[OrderFacts, datetime], Sequence[EventData]]


class RefundCommands:
    """Every way a refund case and the order facts behind it are changed."""

    def __init__(
        self,
        handler: CommandHandler,
        store: Callable[[], EventStore],
        policy: AftersalesPolicy,
        cache_size: int = 10_000,
    ) -> None:
        self.handler = handler
        self.policy = policy
        self.cases = Aggregates(handler, store, REFUND_CASE, cache_size)
        self.facts = Aggregates(handler, store, ORDER_FACTS, cache_size)

    @property
    def clock(self) -> Clock:
        return self.handler.clock

    async def _case(self, cmd: Command, case_id: str, decide: CaseDecide) -> CommandResult:
        return await self.cases.execute(case_id, cause_of(cmd), decide)

    async def request(self, cmd: c.RequestRefund) -> CommandResult:
        facts = await self.facts.state(cmd.order_id)
        return await self.cases.execute(
            cmd.case_id,
            cause_of(cmd),
            lambda s, now: refunds.request(s, cmd, facts, self.policy, now),
            must_exist=False,
        )

    async def approve(self, cmd: c.ApproveRefundRequest) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.approve(s, cmd, now))

    async def reject(self, cmd: c.RejectRefundRequest) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.reject(s, cmd, now))

    async def conclude(self, cmd: c.ConcludeNegotiation) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.conclude(s, cmd, now))

    async def withdraw(self, cmd: c.WithdrawRefundRequest) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.withdraw(s, cmd, now))

    async def record_dispatch(self, cmd: c.RecordReturnDispatch) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.record_dispatch(s, cmd, now))

    async def issue_return_note(self, cmd: c.IssueReturnNote) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.issue_return_note(s, cmd, now))

    async def inspect(self, cmd: c.InspectReturn) -> CommandResult:
        case = await self.cases.state(cmd.case_id)
        shipped = (await self.facts.state(case.order_id)).shipped_accessories if case.order_id else None
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.inspect(s, cmd, shipped, now))

    async def confirm_receipt(self, cmd: c.ConfirmReturnReceipt) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.confirm_receipt(s, cmd, now))

    async def issue_refund(self, cmd: c.IssueRefund) -> CommandResult:
        loaded = await self.cases.repo.load(cmd.case_id, refresh=True)
        if not loaded.exists:
            raise NotFound(f"RefundCase {cmd.case_id} does not exist")
        case = loaded.state
        if self.cases.repo.outcome(loaded, _first_event_id(cmd, case)) is None:
            refunds.check_refundable(case, cmd)
            await self.facts.execute(
                case.order_id, cause_of(cmd), lambda f, now: book_refund(f, case.case_id, case.amount, now)
            )
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.issue_refund(s, cmd, now))


def _first_event_id(cmd: Command, case: RefundCaseState) -> str:
    return derive_event_id(REFUND_CASE.name, case.case_id, cmd.command_id, 0)
