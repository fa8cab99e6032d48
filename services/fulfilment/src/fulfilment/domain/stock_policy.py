"""The stock ledger's settings as plain data (FUL-12..FUL-24); filled in by the stock ledger."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StockPolicy:
    """Business numbers of the stock ledger, each citing its rule."""
