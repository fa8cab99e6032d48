"""The stock ledger's business numbers and switches as plain data (FUL-12, FUL-14, FUL-15, FUL-19;
conflict C14 for the report recipients; C9: who may issue which command)."""

from __future__ import annotations

from dataclasses import dataclass

from fulfilment.stock.domain.roles import DEFAULT_ROLES
from fulfilment.warehouse import WAREHOUSE_REPORT_RECIPIENTS
from jetstream_es.roles import CommandRoles


@dataclass(frozen=True)
class StockPolicy:
    """Business numbers of the stock ledger, each citing its rule."""

    accept_mismatched_inbound: bool = True
    """FUL-12: the keeper *may* refuse a delivery that does not match its note; when true a
    mismatched delivery can also be received with the mismatch recorded, when false it must be
    refused (RejectInbound)."""
    report_recipients: tuple[str, ...] = WAREHOUSE_REPORT_RECIPIENTS
    """FUL-12, FUL-14, FUL-15, FUL-19 (C14): who receives exception, stocktake and monthly reports."""
    check_points: tuple[str, ...] = ("before_work", "after_work")
    """FUL-19: the checks the keeper records every day."""
    roles: CommandRoles = DEFAULT_ROLES
    """C9: who may issue which command (this context's table, with FULFILMENT_COMMAND_ROLES applied)."""
