"""The quarterly stocktake (FUL-15): the keeper counts with finance, every lot against the ledger;
each surplus, shortage or damage needs a cause, a responsible person and a proposed remedy, and the
report goes to the operations director and the store manager. The Stocktake aggregate records the
count; each StockItem then follows it with StockAdjusted events (history is never edited).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from fulfilment.stock.domain.policy import StockPolicy
from jetstream_es.aggregate import AggregateType
from jetstream_es.errors import Conflict, InvalidCommand, NotFound, RuleViolated
from jetstream_es.events import EventRegistry
from shop_contracts.aggregates import FULFILMENT_STOCKTAKE
from shop_contracts.commands.stock import RecordStocktake
from shop_contracts.events.stock import StocktakeCompleted, StocktakeLine
from shop_contracts.messages import EventData


@dataclass(frozen=True)
class StocktakeState:
    done: bool = False


def evolve(state: StocktakeState, event: EventData) -> StocktakeState:
    if isinstance(event, StocktakeCompleted):
        return replace(state, done=True)
    return state


STOCKTAKE = AggregateType.of(
    FULFILMENT_STOCKTAKE, EventRegistry([StocktakeCompleted]), StocktakeState, evolve
)


def quarter_of(day: date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def record(
    state: StocktakeState,
    cmd: RecordStocktake,
    book: Mapping[tuple[str, str], int | None],
    today: date,
    policy: StockPolicy,
    now: datetime,
) -> list[EventData]:
    """`book` holds each counted lot's ledger quantity (None: the lot is not in the ledger)."""
    if state.done:
        raise Conflict(f"stocktake {cmd.stocktake_id} was recorded already", "FUL-15")
    seen: set[tuple[str, str]] = set()
    lines: list[StocktakeLine] = []
    unexplained: list[str] = []
    for counted in cmd.lines:
        key = (counted.sku, counted.lot_no)
        if key in seen:
            raise InvalidCommand(
                f"lot {counted.lot_no} of {counted.sku} is counted twice",
                "FUL-15",
                fields=[f"lines.{cmd.lines.index(counted)}.lot_no"],
            )
        seen.add(key)
        on_book = book.get(key)
        if on_book is None:
            raise NotFound(f"lot {counted.lot_no} of {counted.sku} is not in the ledger", "FUL-15")
        if counted.damaged > counted.counted:
            raise RuleViolated(
                f"lot {counted.lot_no}: {counted.damaged} damaged of {counted.counted} counted", "FUL-15"
            )
        line = StocktakeLine(
            sku=counted.sku,
            lot_no=counted.lot_no,
            book=on_book,
            counted=counted.counted,
            damaged=counted.damaged,
            surplus=max(counted.counted - on_book, 0),
            shortage=max(on_book - counted.counted, 0),
            cause=counted.cause,
            responsible=counted.responsible,
            remedy=counted.remedy,
        )
        if (line.surplus or line.shortage or line.damaged) and not (
            line.cause and line.responsible and line.remedy
        ):
            unexplained.append(f"{line.sku}/{line.lot_no}")
        lines.append(line)
    if unexplained:
        raise RuleViolated(
            "every surplus, shortage or damage needs a cause, a responsible person and a remedy: "
            + ", ".join(unexplained),
            "FUL-15",
        )
    return [
        StocktakeCompleted(
            stocktake_id=cmd.stocktake_id,
            quarter=quarter_of(today),
            counted_by=cmd.actor.id,
            finance_witness=cmd.finance_witness,
            lines=tuple(lines),
            surplus=sum(line.surplus for line in lines),
            shortage=sum(line.shortage for line in lines),
            damage=sum(line.damaged for line in lines),
            reported_to=policy.report_recipients,
            completed_at=now,
        )
    ]
