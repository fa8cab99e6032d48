"""Wires the stock ledger (FUL-12..FUL-24) onto the fulfilment runtime: its commands, queries,
projections, reactions and durable consumers."""

from __future__ import annotations

from fulfilment.domain.stock_policy import StockPolicy
from jetstream_es.provision import ConsumerSpec
from jetstream_es.service import ServiceRuntime

STOCK_CONSUMERS: dict[str, ConsumerSpec] = {}


class StockService:
    """The stock ledger's running parts."""

    def __init__(
        self, runtime: ServiceRuntime, policy: StockPolicy, business_tz: str, cache_size: int
    ) -> None:
        self.runtime = runtime
        self.policy = policy
        self.business_tz = business_tz
        self.cache_size = cache_size

    def wire(self) -> None:
        """Register the stock ledger's endpoints and projections on the runtime."""
