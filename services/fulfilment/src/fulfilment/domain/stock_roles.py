"""Who may work the stock ledger (rules.md §0: the warehouse keeper keeps the ledger; FUL-12..FUL-23)."""

from __future__ import annotations

from typing import Final

from jetstream_es.errors import Forbidden
from shop_contracts.envelope import Actor

KEEPER: Final = "warehouse_keeper"

STOCK_COMMAND_RULES: Final[dict[str, str]] = {
    "ReceiveInbound": "FUL-12",
    "RejectInbound": "FUL-12",
    "RecordLotInspection": "FUL-22",
    "CloseDailyLedger": "FUL-13",
    "CompileMonthlyInventoryReport": "FUL-14",
    "RecordStocktake": "FUL-15",
    "ReportStockDiscrepancy": "FUL-15",
    "RecordWarehouseCheck": "FUL-19",
    "RegisterWarehouseAccess": "FUL-18",
    "IssueEventStock": "FUL-23",
    "ReturnEventStock": "FUL-23",
    "RestockReturnedGoods": "FUL-22",
}
"""Every stock command needs the warehouse keeper; the rule cited when someone else tries."""


def require_keeper(actor: Actor, command: str) -> None:
    if not actor.has_any(KEEPER):
        raise Forbidden(
            f"{command} needs the role {KEEPER}; {actor.id} does not have it", STOCK_COMMAND_RULES[command]
        )
