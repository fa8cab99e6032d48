"""Command handlers: load, let the domain decide, append (SM-RET; AS-1..AS-11).

Two aggregates take part in a refund: the RefundCase (per case) and OrderFacts (per order).
RequestRefund reads the order's facts (paid, goods received, delivery time, amount left), decides
on the case, holds the case's amount on OrderFacts (refused if the other open cases leave less,
ORD-16) and opens the case, in one `execute_all`: both decisions are taken before anything is
appended, and a refusal of either appends nothing. A case withdrawn or finally rejected releases
its hold. IssueRefund books the refund on OrderFacts (refused for a second booking of the case and
any amount above what is left of the order, and a whole-order refund without return while the
order's shipment is being recalled, SM-SHIP/AS-3) and records RefundIssued on the case, also in
one `execute_all`. A declined recall turns the order's cases (`goods_shipping`): one reaction,
the facts first, then each case the order's facts know. A repeat of either command answers the first outcome; a step a crash left out (on
a store without atomic appends) is completed by the repeat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from aftersales.refunds.domain import refunds
from aftersales.refunds.domain.facts import (
    ORDER_FACTS,
    OrderFacts,
    book_refund,
    expected_accessories,
    note,
    release_refund,
    reserve_refund,
)
from aftersales.refunds.domain.products import CatalogueProduct
from aftersales.refunds.domain.state import REFUND_CASE, RefundCaseState
from aftersales.refunds.domain.status import RefundCaseStatus
from aftersales.shared.policy import AftersalesPolicy
from jetstream_es.commands import Cause, CommandResult, cause_of
from jetstream_es.errors import NotFound
from jetstream_es.service import ServiceRuntime
from shop_contracts.commands import aftersales as c
from shop_contracts.events.aftersales import RefundRequested
from shop_contracts.events.fulfilment import ShipmentRecallDeclined
from shop_contracts.messages import Command, EventData

CaseDecide = Callable[[RefundCaseState, datetime], Sequence[EventData]]


class Catalogue(Protocol):
    """The catalogue's products as after-sales knows them (adapters/catalogue.CatalogueReader)."""

    async def products(self, skus: Iterable[str]) -> Mapping[str, CatalogueProduct]: ...


class RefundCommands:
    """Every way a refund case and the order facts behind it are changed."""

    def __init__(self, runtime: ServiceRuntime, policy: AftersalesPolicy, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.policy = policy
        self.cases = runtime.aggregates(REFUND_CASE)
        self.facts = runtime.aggregates(ORDER_FACTS)

    async def _case(self, cmd: Command, case_id: str, decide: CaseDecide) -> CommandResult:
        return await self.cases.execute(case_id, cause_of(cmd), decide)

    async def request(self, cmd: c.RequestRefund) -> CommandResult:
        """Hold the case's amount on the order's facts and open the case, in one `execute_all`
        (the facts step decides first: the case is opened on the facts it saw)."""
        case = await self.cases.state(cmd.case_id, fresh=True)
        seen = [await self.facts.state(cmd.order_id, fresh=True)]

        def hold(facts: OrderFacts, now: datetime) -> Sequence[EventData]:
            seen[0] = facts
            decided = refunds.request(case, cmd, facts, self.policy, now)
            amount = next(e.amount for e in decided if isinstance(e, RefundRequested))
            return reserve_refund(facts, cmd.case_id, amount, now)

        _, opened = await self.cases.execute_all(
            cause_of(cmd),
            self.facts.step(cmd.order_id, hold, must_exist=False),
            self.cases.step(
                cmd.case_id,
                lambda s, now: refunds.request(s, cmd, seen[0], self.policy, now),
                must_exist=False,
            ),
        )
        return opened

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
        """AS-7: the parcel is checked against the catalogue's accessory lists of the order's SKUs
        (a read model of the catalogue's events: eventually consistent), or fulfilment's checklist
        for an order the catalogue does not speak for wholly (decision 0011)."""
        case = await self.cases.state(cmd.case_id)
        shipped: tuple[str, ...] | None = None
        if case.order_id:
            facts = await self.facts.state(case.order_id)
            listed = await self.catalogue.products(facts.skus)
            shipped = expected_accessories(facts, {sku: p.accessories for sku, p in listed.items()})
        return await self._case(
            cmd, cmd.case_id, lambda s, now: refunds.inspect(s, cmd, shipped, self.policy, now)
        )

    async def confirm_receipt(self, cmd: c.ConfirmReturnReceipt) -> CommandResult:
        return await self._case(
            cmd, cmd.case_id, lambda s, now: refunds.confirm_receipt(s, cmd, self.policy, now)
        )

    async def goods_shipping(self, event: ShipmentRecallDeclined, cause: Cause) -> CommandResult:
        """SM-SHIP → SM-RET: note the declined recall on the order's facts, then let every case of
        the order (the one behind the recall, the open ones and the refunded ones) decide what the
        shipping goods mean for it (refunds.goods_shipping). Each case's events derive from the
        causing event, so a redelivery appends nothing."""
        noted = await self.facts.execute(event.order_id, cause, lambda f, _: note(f, event), must_exist=False)
        facts = await self.facts.state(event.order_id, fresh=True)
        case_ids = set(facts.booked_cases) | set(facts.reserved)
        if event.case_id is not None:
            case_ids.add(event.case_id)
        in_full = facts.paid is not None and facts.remaining <= 0
        for case_id in sorted(case_ids):
            await self.cases.execute(
                case_id,
                cause,
                lambda s, now: refunds.goods_shipping(s, event, in_full, self.policy, now),
                must_exist=False,
            )
        return noted

    async def issue_refund(self, cmd: c.IssueRefund) -> CommandResult:
        """Book the refund on the order's facts and record it on the case, in one `execute_all`."""
        case = await self.cases.state(cmd.case_id, fresh=True)
        if not case.exists:
            raise NotFound(f"RefundCase {cmd.case_id} does not exist")

        def book(facts: OrderFacts, now: datetime) -> Sequence[EventData]:
            refunds.check_refundable(case, cmd, self.policy)
            refunds.check_shipment_settled(case, facts)
            return book_refund(facts, case.case_id, case.amount, now)

        _, issued = await self.cases.execute_all(
            cause_of(cmd),
            self.facts.step(case.order_id, book),
            self.cases.step(cmd.case_id, lambda s, now: refunds.issue_refund(s, cmd, self.policy, now)),
        )
        return issued
