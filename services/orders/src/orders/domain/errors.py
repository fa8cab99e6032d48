"""A refusal that is itself recorded: an attempt to change a binding order (ORD-5, ORD-13).

Most refused commands append nothing. An amendment attempt is different: the regulation treats it
as a disciplinary matter, so the refusal carries an OrderAmendmentRejected event for the handler
to append before it answers `rule_violated`.
"""

from __future__ import annotations

from jetstream_es.errors import RuleViolated
from shop_contracts.events.orders import OrderAmendmentRejected


class AmendmentRefused(RuleViolated):
    def __init__(self, event: OrderAmendmentRejected) -> None:
        super().__init__(event.reason, event.rule)
        self.event = event
