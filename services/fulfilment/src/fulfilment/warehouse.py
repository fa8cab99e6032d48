"""What the shipping side and the stock ledger share: the warehouse's one reporting line (C14) and
the one setting naming who may issue which command (C9).

The two bounded contexts (`fulfilment.shipping`, `fulfilment.stock`) never import each other; both
may import this module, which holds data only.
"""

from __future__ import annotations

from typing import Final

WAREHOUSE_REPORT_RECIPIENTS: Final = ("ops_director", "store_manager")
"""C14, 002's reporting line: who the warehouse reports exceptions (a refused outbound, FUL-5; missing
accessories, FUL-4; inbound mismatches, FUL-12; discrepancies, FUL-15; anomalies, FUL-19) and the
monthly report (FUL-14) to. The default of the setting `FULFILMENT_STOCK_REPORT_RECIPIENTS`."""

ROLES_SETTING: Final = "FULFILMENT_COMMAND_ROLES"
"""C9: the one setting for the command -> roles tables of both contexts (each context's
`domain/roles.py` holds its own table)."""
