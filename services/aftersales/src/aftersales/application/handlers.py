"""Command handlers: load, let the domain decide, append (SM-RET; AS-1..AS-11).

Two aggregates take part in a refund: the RefundCase (per case) and OrderFacts (per order).
RequestRefund reads the order's facts (paid, goods received, delivery time, amount left), decides
on the case, holds the case's amount on OrderFacts (refused if the other open cases leave less,
ORD-16), then opens the case; a case withdrawn or finally rejected releases its hold. IssueRefund first books the refund on OrderFacts, which refuses a second booking of the
case and any amount above what is left of the order, then records RefundIssued on the case. Both
steps use the command id as cause key: if the second step fails, sending the same command again
finds the booking already made (a repeat) and completes the case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from aftersales.domain import refunds
from aftersales.domain.facts import ORDER_FACTS, OrderFacts, book_refund, release_refund, reserve_refund
from aftersales.domain.policy import AftersalesPolicy
from aftersales.domain.state import REFUND_CASE, RefundCaseState
from jetstream_es.clock import Clock
from jetstream_es.commands import Aggregates, CommandHandler, CommandResult, cause_of
from jetstream_es.errors import NotFound
from jetstream_es.events import derive_event_id
from jetstream_es.store import EventStore
from shop_contracts.commands import aftersales as c
from shop_contracts.events.aftersales import RefundRequested
from shop_contracts.messages import Command, EventData
from shop_contracts.queries.aftersales import RefundCaseStatus

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
        """Decide on the case, hold its amount on the order's facts, then open the case. A repeat
        of the command finds the hold made and opens the case (or answers the first outcome)."""
        loaded = await self.cases.repo.load(cmd.case_id, refresh=True)
        if self.cases.repo.outcome(loaded, _first_event_id(cmd, cmd.case_id)) is None:
            facts = await self.facts.state(cmd.order_id)
            decided = refunds.request(loaded.state, cmd, facts, self.policy, self.clock.now())
            amount = next(e.amount for e in decided if isinstance(e, RefundRequested))
            await self.facts.execute(
                cmd.order_id,
                cause_of(cmd),
                lambda f, now: reserve_refund(f, cmd.case_id, amount, now),
                must_exist=False,
            )
        facts = await self.facts.state(cmd.order_id)
        return await self.cases.execute(
            cmd.case_id,
            cause_of(cmd),
            lambda s, now: refunds.request(s, cmd, facts, self.policy, now),
            must_exist=False,
        )

    async def _release_if_closed(self, cmd: Command, result: CommandResult, case_id: str) -> CommandResult:
        """A case that ended without a refund frees what it held on the order (ORD-16)."""
        case = await self.cases.state(case_id)
        if case.status in (RefundCaseStatus.WITHDRAWN, RefundCaseStatus.CLOSED_REJECTED):
            await self.facts.execute(
                case.order_id, cause_of(cmd), lambda f, now: release_refund(f, case_id, now), must_exist=False
            )
        return result

    async def approve(self, cmd: c.ApproveRefundRequest) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.approve(s, cmd, self.policy, now))

    async def reject(self, cmd: c.RejectRefundRequest) -> CommandResult:
        return await self._case(cmd, cmd.case_id, lambda s, now: refunds.reject(s, cmd, self.policy, now))

    async def conclude(self, cmd: c.ConcludeNegotiation) -> CommandResult:
        result = await self._case(cmd, cmd.case_id, lambda s, now: refunds.conclude(s, cmd, self.policy, now))
        return await self._release_if_closed(cmd, result, cmd.case_id)

    async def withdraw(self, cmd: c.WithdrawRefundRequest) -> CommandResult:
        result = await self._case(cmd, cmd.case_id, lambda s, now: refunds.withdraw(s, cmd, self.policy, now))
        return await self._release_if_closed(cmd, result, cmd.case_id)

    async def record_dispatch(self, cmd: c.RecordReturnDispatch) -> CommandResult:
        return await self._case(
            cmd, cmd.case_id, lambda s, now: refunds.record_dispatch(s, cmd, self.policy, now)
        )

    async def issue_return_note(self, cmd: c.IssueReturnNote) -> CommandResult:
        return await self._case(
            cmd, cmd.case_id, lambda s, now: refunds.issue_return_note(s, cmd, self.policy, now)
        )

    async def inspect(self, cmd: c.InspectReturn) -> CommandResult:
        case = await self.cases.state(cmd.case_id)
        shipped = (await self.facts.state(case.order_id)).shipped_accessories if case.order_id else None
        return await self._case(
            cmd, cmd.case_id, lambda s, now: refunds.inspect(s, cmd, shipped, self.policy, now)
        )

    async def confirm_receipt(self, cmd: c.ConfirmReturnReceipt) -> CommandResult:
        return await self._case(
            cmd, cmd.case_id, lambda s, now: refunds.confirm_receipt(s, cmd, self.policy, now)
        )

    async def issue_refund(self, cmd: c.IssueRefund) -> CommandResult:
        loaded = await self.cases.repo.load(cmd.case_id, refresh=True)
        if not loaded.exists:
            raise NotFound(f"RefundCase {cmd.case_id} does not exist")
        case = loaded.state
        if self.cases.repo.outcome(loaded, _first_event_id(cmd, case.case_id)) is None:
            refunds.check_refundable(case, cmd, self.policy)
            await self.facts.execute(
                case.order_id, cause_of(cmd), lambda f, now: book_refund(f, case.case_id, case.amount, now)
            )
        return await self._case(
            cmd, cmd.case_id, lambda s, now: refunds.issue_refund(s, cmd, self.policy, now)
        )


def _first_event_id(cmd: Command, case_id: str) -> str:
    return derive_event_id(REFUND_CASE.name, case_id, cmd.command_id, 0)
