"""Who may work the stock ledger by default (rules.md §0: the warehouse keeper keeps the ledger;
FUL-12..FUL-23; conflict C9: the table is a setting, `FULFILMENT_COMMAND_ROLES`, one setting for this table and the
shipping side's)."""

from __future__ import annotations

from typing import Final

from fulfilment.warehouse import ROLES_SETTING
from jetstream_es.roles import CommandRoles

KEEPER: Final = "warehouse_keeper"

COMMAND_ROLES: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    "ReceiveInbound": ((KEEPER,), "FUL-12"),
    "RejectInbound": ((KEEPER,), "FUL-12"),
    "RecordLotInspection": ((KEEPER,), "FUL-22"),
    "CloseDailyLedger": ((KEEPER,), "FUL-13"),
    "CompileMonthlyInventoryReport": ((KEEPER,), "FUL-14"),
    "RecordStocktake": ((KEEPER,), "FUL-15"),
    "ReportStockDiscrepancy": ((KEEPER,), "FUL-15"),
    "RecordWarehouseCheck": ((KEEPER,), "FUL-19"),
    "RegisterWarehouseAccess": ((KEEPER,), "FUL-18"),
    "IssueEventStock": ((KEEPER,), "FUL-23"),
    "ReturnEventStock": ((KEEPER,), "FUL-23"),
    "RestockReturnedGoods": ((KEEPER,), "FUL-22"),
}
"""Command name → (roles allowed, rule cited when refused): every stock command needs the keeper."""

DEFAULT_ROLES: Final = CommandRoles.configured(COMMAND_ROLES, setting=ROLES_SETTING)
"""The stock ledger table as documented, before the setting."""
