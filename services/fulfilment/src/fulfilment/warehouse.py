"""What the shipping side and the stock ledger share: the warehouse's one reporting line (C14) and
the one setting naming who may issue which command (C9).

The two bounded contexts (`fulfilment.shipping`, `fulfilment.stock`) never import each other; both
may import this module. `WarehouseReporting` declares the reporting line once, with its default
and bounds; both contexts' policies inherit it, and so does the service's one settings class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jetstream_es.roles import ROLE_ID

WAREHOUSE_REPORT_RECIPIENTS: Final = ("ops_director", "store_manager")
"""C14, 002's reporting line: who the warehouse reports exceptions (a refused outbound, FUL-5; missing
accessories, FUL-4; inbound mismatches, FUL-12; discrepancies, FUL-15; anomalies, FUL-19) and the
monthly report (FUL-14) to. The default of the setting `FULFILMENT_STOCK_REPORT_RECIPIENTS`."""

ROLES_SETTING: Final = "FULFILMENT_COMMAND_ROLES"
"""C9: the one setting for the command -> roles tables of both contexts (each context's
`domain/roles.py` holds its own table)."""

REPORT_RECIPIENTS_SETTING: Final = "FULFILMENT_STOCK_REPORT_RECIPIENTS"


def role_ids(setting: str, roles: Sequence[str]) -> tuple[str, ...]:
    """C14: `roles` as given, refused naming `setting` unless each is a role id and there is one."""
    bad = [role for role in roles if not ROLE_ID.match(role)]
    if bad:
        raise ValueError(f"{setting}: {bad} are not role ids (lower case letters, digits and _)")
    if not roles:
        raise ValueError(f"{setting}: name at least one role (C14); nobody would be told otherwise")
    return tuple(roles)


class WarehouseReporting(BaseModel):
    """The warehouse's one reporting line (C14), shared by shipping and the stock ledger."""

    model_config = ConfigDict(frozen=True)

    report_recipients: tuple[str, ...] = Field(
        WAREHOUSE_REPORT_RECIPIENTS,
        description="FUL-4, FUL-5, FUL-12, FUL-14, FUL-15, FUL-19 (C14, 002): the roles the whole warehouse "
        "reports to: refused outbounds, missing accessories, inbound mismatches, discrepancies, stocktakes, "
        "anomalies and the monthly report (JSON list; each role sees them in ListNotices)",
    )

    @field_validator("report_recipients")
    @classmethod
    def _recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return role_ids(REPORT_RECIPIENTS_SETTING, value)
