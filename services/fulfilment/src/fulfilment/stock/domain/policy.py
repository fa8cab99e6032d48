"""The stock ledger's business numbers and switches, each declared once with its default and rule
(FUL-12, FUL-19; conflict C14 for the report recipients, shared with shipping in
fulfilment/warehouse.py; C9: who may issue which command). Operators set them with the prefix
`FULFILMENT_STOCK_` (the service's one settings class inherits this model)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import ConfigDict, Field

from fulfilment.stock.domain.roles import DEFAULT_ROLES
from fulfilment.warehouse import WarehouseReporting
from jetstream_es.roles import CommandRoles


class StockPolicy(WarehouseReporting):
    """Business numbers of the stock ledger, each citing its rule."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    FROM_ELSEWHERE: ClassVar[frozenset[str]] = frozenset({"roles"})
    """Fields that are no `FULFILMENT_STOCK_` setting: the roles table (FULFILMENT_COMMAND_ROLES)."""

    accept_mismatched_inbound: bool = Field(
        True,
        description="FUL-12: a delivery that does not match its note may be received with the mismatch "
        "recorded (true), or must be refused with RejectInbound (false)",
    )
    check_points: tuple[str, ...] = Field(
        ("before_work", "after_work"), description="FUL-19: the keeper's daily checks (JSON list)"
    )
    roles: CommandRoles = Field(
        DEFAULT_ROLES,
        description="C9: who may issue which command (this context's table, FULFILMENT_COMMAND_ROLES applied)",
    )
